"""Distillation: losses.py's mixed loss against its formula; distill.py's
teacher logits (run in build/tools/ltp-run) against a row-by-row forward,
its cache and refusals; train.py's options, resuming and a smoke run that
distils a tiny MPNet into a tiny BERT."""
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from transformers import AutoModelForSequenceClassification, AutoTokenizer  # noqa: E402

from tools.train import distill, losses  # noqa: E402
from tools.train.glue import TASKS, read_split  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
LTP_RUN = ROOT / "build" / "tools" / "ltp-run"
SST2 = TASKS["SST-2"]
STSB = TASKS["STS-B"]


@pytest.fixture
def teacher(tmp_path):
    """A random two-label MPNet classifier "fine-tuned on SST-2", with a cased tokenizer where the
    student (tiny-bert) has an uncased one: the teacher must read the rows with its own."""
    from transformers import MPNetConfig, MPNetForSequenceClassification
    torch.manual_seed(0)
    config = MPNetConfig(vocab_size=28996, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                         intermediate_size=64, num_labels=2)
    folder = tmp_path / "teacher"
    MPNetForSequenceClassification(config).save_pretrained(folder)
    shutil.copy(ROOT / "tests" / "data" / "tokenizers" / "bert-base-cased" / "vocab.txt", folder)
    (folder / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "BertTokenizer",
                                                              "do_lower_case": False}))
    saved = json.loads((folder / "config.json").read_text())
    saved["ltp_task"] = "SST-2"
    (folder / "config.json").write_text(json.dumps(saved))
    return folder


@pytest.fixture
def rows():
    return read_split(ROOT / "data" / "glue", SST2, "dev")[:40]


def test_weight_zero_is_the_task_loss_and_weight_one_follows_the_teacher_alone():
    student = torch.tensor([[0.3, -1.2], [2.0, 0.5], [-0.7, 0.1]])
    teacher = torch.tensor([[1.0, -1.0], [0.0, 0.4], [-2.0, 2.0]])
    labels = torch.tensor([0, 1, 1])
    ce = torch.nn.functional.cross_entropy(student, labels)
    assert torch.allclose(losses.teacher_mixed_loss(student, teacher, labels, False, 0.0, 2.0), ce)
    for t in (1.0, 2.0, 4.0):
        p_t = torch.softmax(teacher.double() / t, -1)
        log_p_s = torch.log_softmax(student.double() / t, -1)
        kl = (p_t * (torch.log(p_t) - log_p_s)).sum(-1).mean() * t * t  # KL(teacher ‖ student) per example
        mixed = losses.teacher_mixed_loss(student, teacher, labels, False, 0.25, t)
        assert math.isclose(float(mixed), 0.75 * float(ce) + 0.25 * float(kl), rel_tol=1e-5)
    assert float(losses.teacher_mixed_loss(teacher, teacher, labels, False, 1.0, 2.0)) == pytest.approx(0, abs=1e-6)


def test_regression_mixes_the_two_squared_errors():
    student, teacher = torch.tensor([[1.0], [3.0]]), torch.tensor([[2.0], [2.0]])
    labels = torch.tensor([1.0, 5.0])  # squared errors: to the labels (0 + 4) / 2 = 2, to the teacher (1 + 1) / 2 = 1
    loss = losses.teacher_mixed_loss(student, teacher, labels, True, 0.3, None)  # no temperature
    assert float(loss) == pytest.approx(0.7 * 2 + 0.3 * 1)


def test_teacher_logits_equal_a_forward_of_each_row_alone_and_are_cached(teacher, rows, tmp_path):
    cache = tmp_path / "teacher-logits.pt"
    logits = distill.teacher_logits(teacher, rows, SST2, 128, cache, LTP_RUN, 1)
    model = AutoModelForSequenceClassification.from_pretrained(teacher).eval()
    tok = AutoTokenizer.from_pretrained(teacher)
    with torch.no_grad():
        for i in range(len(rows)):
            enc = tok(rows[i][0], return_tensors="pt", truncation=True, max_length=128)
            alone = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits[0]
            # The engine's GEMMs sum in another order than PyTorch's: float32 rounding, logits near 0.01.
            assert torch.allclose(logits[i], alone, atol=1e-5), i
    assert cache.exists()
    missing = tmp_path / "no-ltp-run"  # a recomputation would fail
    assert torch.equal(distill.teacher_logits(teacher, rows, SST2, 128, cache, missing, 1), logits)
    with pytest.raises(SystemExit, match="no-ltp-run, which is missing"):
        distill.teacher_logits(teacher, rows[:10], SST2, 128, cache, missing, 1)  # other rows: recomputed
    # Other batches, other GEMM shapes: the engine promises a sequence's result to 1e-6, not bit for bit.
    assert torch.allclose(distill.teacher_logits(teacher, rows[:10], SST2, 128, cache, LTP_RUN, 1), logits[:10],
                          atol=1e-6)
    with open(teacher / "vocab.txt", "a", encoding="utf-8") as f:
        f.write("zzzunseen\n")  # a tokenizer file changes: the cached logits no longer name this teacher
    with pytest.raises(SystemExit, match="no-ltp-run, which is missing"):
        distill.teacher_logits(teacher, rows[:10], SST2, 128, cache, missing, 1)


def test_a_teacher_with_thresholds_runs_pruned(teacher, rows, tmp_path):
    dense = distill.teacher_logits(teacher, rows, SST2, 128, tmp_path / "dense.pt", LTP_RUN, 1)
    config = json.loads((teacher / "config.json").read_text())
    config["ltp"] = {"format_version": 1, "prune_mode": "absolute_threshold", "thresholds": [0.2, 0.2]}
    (teacher / "config.json").write_text(json.dumps(config))
    pruned = distill.teacher_logits(teacher, rows, SST2, 128, tmp_path / "dense.pt", LTP_RUN, 1)
    assert not torch.allclose(pruned, dense, atol=1e-4)  # the cache knew the config had changed


def test_teachers_of_another_task_or_rows_they_cannot_run_are_refused(teacher, rows, tmp_path):
    with pytest.raises(SystemExit, match="trained on 'SST-2', not RTE"):
        distill.teacher_logits(teacher, rows, TASKS["RTE"], 128, tmp_path / "c.pt", LTP_RUN, 1)
    empty = rows[:3] + [("", None, 1)]
    with pytest.raises(SystemExit, match="cannot run training row 3"):
        distill.teacher_logits(teacher, empty, SST2, 128, tmp_path / "c.pt", LTP_RUN, 1)
    (teacher / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(SystemExit, match="ltp-run failed: .*model.safetensors"):
        distill.teacher_logits(teacher, rows, SST2, 128, tmp_path / "c.pt", LTP_RUN, 1)
    (teacher / "model.safetensors").unlink()
    with pytest.raises(SystemExit, match="no model.safetensors there"):
        distill.teacher_logits(teacher, rows, SST2, 128, tmp_path / "c.pt", LTP_RUN, 1)


def train(base, glue, out, *flags):
    return subprocess.run([sys.executable, "-m", "tools.train.train", "--task", "SST-2", "--base", str(base),
                           "--data", str(glue), "--out", str(out), "--smoke", "--threads", "1", *flags],
                          cwd=ROOT, capture_output=True, text=True)


def test_smoke_run_distils_an_mpnet_teacher_into_a_bert_student(tiny_bert, teacher, glue, tmp_path):
    out = tmp_path / "run"
    run = train(tiny_bert, glue, out, "--teacher", str(teacher), "--distill-weight", "0.7")
    assert run.returncode == 0, run.stderr
    state = json.loads((out / "state.json").read_text())
    for stage in ("dense", "soft", "hard"):
        assert state["stages"][stage]["teacher"] == {"folder": str(teacher), "weight": 0.7, "temperature": 2.0}
    card = (out / "model-ltp" / "MODEL_CARD.md").read_text()
    assert "in the dense, soft, hard stages: the teacher's share of the loss 0.7, temperature 2" in card
    assert torch.load(out / "teacher-logits.pt", weights_only=True)["logits"].shape == (256, 2)


def test_distillation_options_need_a_teacher_and_a_stage_keeps_its_teacher(tiny_bert, teacher, glue, tmp_path):
    out = tmp_path / "run"
    refused = train(tiny_bert, glue, out, "--distill-weight", "0.7")
    assert refused.returncode == 2 and "--distill-weight without --teacher" in refused.stderr
    assert train(tiny_bert, glue, out, "--stages", "dense", "--teacher", str(teacher)).returncode == 0
    (out / "state.json").unlink()  # as if the dense stage had been stopped after its last checkpoint
    resumed = train(tiny_bert, glue, out, "--stages", "dense")
    assert resumed.returncode != 0 and "was trained with teacher" in resumed.stderr
