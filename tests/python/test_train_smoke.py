"""tools/train/train.py end to end on tiny-bert with --smoke: every stage,
the FLOPs target, export, resuming and checkpoint clean-up."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]


def train(base, glue, out, *flags):
    return subprocess.run([sys.executable, "-m", "tools.train.train", "--task", "SST-2", "--base", str(base),
                           "--data", str(glue), "--out", str(out), "--smoke", "--threads", "1", *flags],
                          cwd=ROOT, check=True, capture_output=True, text=True)


def test_smoke_run_exports_both_models_and_removes_checkpoints(tiny_bert, glue, tmp_path):
    out = tmp_path / "run"
    run = train(tiny_bert, glue, out, "--target-flops-reduction", "2")
    assert [line.split()[0] for line in run.stdout.splitlines()] == ["dense:", "soft:", "hard:", "models"]
    assert "Loading weights" not in run.stderr and "warn" not in run.stderr.lower()
    for model in ("model-dense", "model-ltp"):
        assert json.loads((out / model / "tokenizer_config.json").read_text())["model_max_length"] == 128
        assert "Smoke run" in (out / model / "MODEL_CARD.md").read_text()
    assert "thresholds" in json.loads((out / "model-ltp" / "config.json").read_text())["ltp"]
    assert not list(out.glob("ckpt-*"))
    again = train(tiny_bert, glue, out, "--target-flops-reduction", "2")
    assert again.stdout.count("done in an earlier run") == 3


def test_stages_run_separately_and_keep_the_newest_checkpoint(tiny_bert, glue, tmp_path):
    out = tmp_path / "run"
    train(tiny_bert, glue, out, "--stages", "dense")
    assert (out / "model-dense").is_dir() and not (out / "model-ltp").exists()
    assert (out / "ckpt-dense.pt").exists()  # the soft stage starts from it
    train(tiny_bert, glue, out, "--stages", "soft,hard", "--keep-checkpoints", "1")
    assert (out / "model-ltp").is_dir()
    assert sorted(p.name for p in out.glob("ckpt-*")) == ["ckpt-hard.pt"]
