"""ltp's int8 scheme emulated in PyTorch, to study its error before changing the
engine: every encoder GEMM gets u8 per-row asymmetric inputs and s8
per-output-channel weights (src/ops/cpu/quantize.h), optionally with the
engine's per-input-channel smoothing (x/s)·(W·s)ᵀ, s from tools/quant/smoothing.py
(query, key and value share theirs, as in the engine's fused GEMM), calibrated
on the first dev pairs. Prints the mean and largest |logit − fp32| and the
labels that change over a GLUE pair task's dev set. Never part of the build.

    python -m tools.reference.int8_emulation --model runs/mpnet-RTE/model-dense --data data/glue/RTE \\
        [--calibration 64] [--alphas none,0.3,0.5,0.7]"""
import argparse
from pathlib import Path

import torch
from transformers import AutoTokenizer

from tools.quant.smoothing import gemm_groups, input_maxima, load_model, smoothing_factors, stored_prefix
from tools.train.glue import TASKS, read_split


def quantize_rows(x, levels=255):
    """x after u8 per-row quantization and back (the range widened to hold 0)."""
    lo = x.min(-1, keepdim=True).values.clamp(max=0)
    hi = x.max(-1, keepdim=True).values.clamp(min=0)
    s = torch.where(hi > lo, (hi - lo) / levels, torch.ones_like(hi))
    z = torch.clamp(torch.round(-lo / s), 0, levels)
    return (torch.clamp(torch.round(x / s) + z, 0, levels) - z) * s


def quantize_weights(w):
    """w after s8 per-output-channel quantization and back."""
    s = w.abs().max(1, keepdim=True).values.clamp(min=1e-30) / 127
    return torch.round(w / s).clamp(-127, 127) * s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="a sequence-classification model folder")
    ap.add_argument("--data", type=Path, required=True, help="a GLUE pair task folder with dev.tsv")
    ap.add_argument("--calibration", type=int, default=64, help="dev pairs whose inputs set the smoothing")
    ap.add_argument("--alphas", default="none,0.3,0.5,0.7")
    args = ap.parse_args()
    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(args.model)
    model = load_model(args.model)
    rows = read_split(args.data.parent, TASKS[args.data.name], "dev")
    inputs = [tok(text, pair, truncation=True, max_length=128, return_tensors="pt") for text, pair, _ in rows]
    groups = gemm_groups(model, stored_prefix(args.model))

    def run(n=None):
        with torch.no_grad():
            return torch.cat([model(**e).logits for e in inputs[:n]])

    reference = run()
    maxima = input_maxima(model, inputs[:args.calibration], groups)
    original = {m: m.weight.data.clone() for modules in groups.values() for m in modules}
    for modules in groups.values():
        for m in modules:
            m.register_forward_pre_hook(lambda m, inp: (quantize_rows(inp[0] / m.smoothing) * m.smoothing,))
    for alpha in args.alphas.split(","):
        factors = {} if alpha == "none" else smoothing_factors(maxima, groups, float(alpha))
        for gemm, modules in groups.items():
            for m in modules:
                w = original[m]
                m.smoothing = factors.get(f"{gemm}.input_smoothing", torch.ones(w.shape[1]))
                m.weight.data = quantize_weights(w * m.smoothing) / m.smoothing
        out = run()
        error = (out - reference).abs().max(1).values
        changed = (out.argmax(1) != reference.argmax(1)).sum().item()
        print(f"smoothing alpha {alpha}: mean |logit error| {error.mean():.4f}, largest {error.max():.4f}, "
              f"labels changed {changed} of {len(inputs)}", flush=True)


if __name__ == "__main__":
    main()
