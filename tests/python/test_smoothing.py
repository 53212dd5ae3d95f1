"""tools/quant/smoothing.py: int8 smoothing factors the engine accepts for the model they were made for."""
import subprocess

import torch
from safetensors.torch import load_file

from tools.quant import smoothing
from conftest import ROOT

SENTENCES = ROOT / "docs" / "examples" / "sentences.txt"


def test_one_factor_vector_per_encoder_gemm_fits_the_engine(tiny_bert):
    smoothing.main(["--model", str(tiny_bert), "--data", str(SENTENCES), "--rows", "8", "--alpha", "0.5"])
    factors = load_file(str(tiny_bert / "int8_smoothing.safetensors"))
    assert len(factors) == 6 * 4  # query/key/value fused, attention output, FFN in, FFN out
    assert factors["bert.encoder.layer.0.attention.self.qkv.input_smoothing"].shape == (32,)
    assert factors["bert.encoder.layer.5.output.dense.input_smoothing"].shape == (64,)
    assert all(bool(torch.isfinite(f).all() and (f > 0).all()) for f in factors.values())
    # The engine binds every vector at int8 (a missing, extra or misshapen one is a load error).
    run = subprocess.run([str(ROOT / "build" / "tools" / "ltp-run"), "-m", str(tiny_bert), "-i", str(SENTENCES),
                          "--precision", "int8"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == len(SENTENCES.read_text().splitlines())


def test_alpha_zero_divides_by_the_largest_weight_of_each_column(tiny_bert):
    smoothing.main(["--model", str(tiny_bert), "--data", str(SENTENCES), "--rows", "4", "--alpha", "0"])
    factors = load_file(str(tiny_bert / "int8_smoothing.safetensors"))
    weights = load_file(str(tiny_bert / "model.safetensors"))
    stacked = torch.cat([weights[f"bert.encoder.layer.2.attention.self.{p}.weight"] for p in ("query", "key", "value")])
    expected = 1 / stacked.abs().amax(0)
    assert torch.allclose(factors["bert.encoder.layer.2.attention.self.qkv.input_smoothing"], expected, rtol=1e-6)
