"""tools/quant/smoothing.py: int8 smoothing factors the engine accepts for the model they were made for."""
import json
import shutil
import subprocess

import pytest
import torch
from safetensors.torch import load_file

from tools.quant import smoothing
from conftest import ROOT

SENTENCES = ROOT / "docs" / "examples" / "sentences.txt"
MODELS = ROOT / "tests" / "data" / "models"
LTP_RUN = ROOT / "build" / "tools" / "ltp-run"


def token_inputs(model, folder):
    """The golden inputs of a tiny model (its vocabulary is not a tokenizer's), as ltp-run's jsonl."""
    records = json.loads((ROOT / "tests" / "data" / "golden" / f"{model}.json").read_text())["dense"]
    path = folder / "inputs.jsonl"
    path.write_text("".join(json.dumps({"input_ids": r["input_ids"], "token_type_ids": r["token_type_ids"]}) + "\n"
                            for r in records))
    return path


def engine_runs_int8(folder, inputs, *options):
    assert LTP_RUN.exists(), "build first: bash tools/setup.sh"
    run = subprocess.run([str(LTP_RUN), "-m", str(folder), "-i", str(inputs), "--precision", "int8", *options],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def test_text_calibration_fits_the_engine(tiny_bert):
    smoothing.main(["--model", str(tiny_bert), "--data", str(SENTENCES), "--rows", "8"])
    factors = load_file(str(tiny_bert / "int8_smoothing.safetensors"))
    assert len(factors) == 6 * 4  # query/key/value fused, attention output, FFN in, FFN out
    assert factors["bert.encoder.layer.0.attention.self.qkv.input_smoothing"].shape == (32,)
    assert factors["bert.encoder.layer.5.output.dense.input_smoothing"].shape == (64,)
    assert all(bool(torch.isfinite(f).all() and (f > 0).all()) for f in factors.values())
    # The engine binds every vector at int8 (a missing, extra or misshapen one is a load error).
    assert len(engine_runs_int8(tiny_bert, SENTENCES)) == len(SENTENCES.read_text().splitlines())


@pytest.mark.parametrize("model, first_gemm", [
    ("tiny-roberta", "roberta.encoder.layer.0.attention.self.qkv"),
    ("tiny-mpnet", "mpnet.encoder.layer.0.attention.attn.qkv"),
    ("tiny-bert-embed", "encoder.layer.0.attention.self.qkv"),  # no head, no prefix in its weights
])
def test_every_family_and_prefix_fits_the_engine(model, first_gemm, tmp_path):
    folder = tmp_path / model
    shutil.copytree(MODELS / model, folder)
    inputs = token_inputs(model, tmp_path)
    smoothing.main(["--model", str(folder), "--data", str(inputs), "--rows", "6"])
    assert f"{first_gemm}.input_smoothing" in load_file(str(folder / "int8_smoothing.safetensors"))
    assert engine_runs_int8(folder, inputs, "--input-format", "jsonl")


def test_alpha_zero_divides_by_the_largest_weight_of_each_column(tiny_bert):
    smoothing.main(["--model", str(tiny_bert), "--data", str(SENTENCES), "--rows", "4", "--alpha", "0"])
    factors = load_file(str(tiny_bert / "int8_smoothing.safetensors"))
    weights = load_file(str(tiny_bert / "model.safetensors"))
    stacked = torch.cat([weights[f"bert.encoder.layer.2.attention.self.{p}.weight"] for p in ("query", "key", "value")])
    expected = 1 / stacked.abs().amax(0)
    assert torch.allclose(factors["bert.encoder.layer.2.attention.self.qkv.input_smoothing"], expected, rtol=1e-6)
