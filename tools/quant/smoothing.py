"""Per-channel input smoothing for --precision int8 (SmoothQuant), computed from
calibration inputs and written beside the weights as MODEL/int8_smoothing.safetensors.

    python -m tools.quant.smoothing --model MODEL --data GLUE_DIR/RTE [--split train] [--rows 512] [--alpha 0.5]
    python -m tools.quant.smoothing --model MODEL --data sentences.txt     # one input per line, a tab splits a pair

int8 quantizes each GEMM input row with one scale, so a few channels that run
much larger than the rest (they do in real BERTs, MPNet included) set the step
for every other channel of the row. For each encoder GEMM this divides input
channel k by s_k and multiplies the weights' column k by s_k, which leaves the
product unchanged: s_k = a_k^alpha / w_k^(1 - alpha), a_k the largest |input|
seen on channel k over the calibration inputs, w_k the largest |weight| of
column k (over query, key and value together for their fused GEMM). The
engine applies it at int8 only and checks that the file fits the model
(src/model/weights.h); fp32 and bf16 ignore it. The weights are not changed.
Calibrate on training rows, not on the set you report."""
import argparse
import json
import os
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification, AutoTokenizer

from tools.train.glue import TASKS, read_split

OUTPUT = "int8_smoothing.safetensors"
# The last part of a query/key/value module's name, per family; their fused GEMM is "<parent>.qkv".
FUSED = {("query", "key", "value"), ("q", "k", "v")}


def calibration_inputs(data: Path, split: str, rows: int):
    """[(text, pair or None)]: `rows` spread evenly over a GLUE task's split, or a text file's lines."""
    if data.is_dir():
        found = [(text, pair) for text, pair, _ in read_split(data.parent, TASKS[data.name], split)]
    else:
        found = [tuple(line.split("\t", 1)) if "\t" in line else (line, None)
                 for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not found:
        raise SystemExit(f"{data}: no calibration inputs")
    step = max(1, len(found) // rows)
    return found[::step][:rows]


def load_model(folder: Path):
    config = AutoConfig.from_pretrained(folder)
    heads = any("ForSequenceClassification" in a for a in (config.architectures or []))
    model = (AutoModelForSequenceClassification if heads else AutoModel).from_pretrained(folder)
    return model.eval()


def gemm_groups(model):
    """{engine GEMM name: [its Linear modules]}: the encoder's GEMMs, query/key/value as one."""
    groups = {}
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Linear) or "encoder.layer." not in name:
            continue
        parent, _, last = name.rpartition(".")
        fused = next((f for f in FUSED if last in f), None)
        groups.setdefault(f"{parent}.qkv" if fused else name, []).append(module)
    return groups


def input_maxima(model, tokenizer, inputs, groups, max_length):
    """{GEMM name: largest |input| per channel} over the calibration inputs."""
    maxima = {}

    def recorder(gemm):
        def record(module, args):
            a = args[0].detach().abs().reshape(-1, args[0].shape[-1]).amax(0)
            maxima[gemm] = torch.maximum(maxima[gemm], a) if gemm in maxima else a
        return record

    hooks = [modules[0].register_forward_pre_hook(recorder(gemm)) for gemm, modules in groups.items()]
    with torch.no_grad():
        for text, pair in inputs:
            model(**tokenizer(text, pair, truncation=True, max_length=max_length, return_tensors="pt"))
    for h in hooks:
        h.remove()
    return maxima


def smoothing_factors(maxima, groups, alpha):
    factors = {}
    for gemm, modules in groups.items():
        w = torch.cat([m.weight.detach() for m in modules]).abs().amax(0)
        s = maxima[gemm].clamp(min=1e-5) ** alpha / w.clamp(min=1e-5) ** (1 - alpha)
        factors[f"{gemm}.input_smoothing"] = s.float().contiguous()
    return factors


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="model folder (config.json, model.safetensors)")
    ap.add_argument("--data", type=Path, required=True, help="a GLUE task folder (e.g. GLUE_DIR/RTE) or a text file")
    ap.add_argument("--split", default="train", help="GLUE split to calibrate on (default: train)")
    ap.add_argument("--rows", type=int, default=512, help="calibration inputs (default: 512)")
    ap.add_argument("--alpha", type=float, default=0.5, help="migration strength in [0, 1] (default: 0.5)")
    ap.add_argument("--max-length", type=int, default=128)
    args = ap.parse_args(argv)
    if not 0 <= args.alpha <= 1:
        ap.error("--alpha must be in [0, 1]")
    torch.manual_seed(0)
    model = load_model(args.model)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    inputs = calibration_inputs(args.data, args.split, args.rows)
    groups = gemm_groups(model)
    factors = smoothing_factors(input_maxima(model, tokenizer, inputs, groups, args.max_length), groups, args.alpha)
    metadata = {"alpha": str(args.alpha), "inputs": str(len(inputs)),
                "data": args.data.name + (f" {args.split}" if args.data.is_dir() else "")}
    path = args.model / OUTPUT
    save_file(factors, str(path), metadata=metadata)
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o644 & ~umask)  # as the folder's other files, not the library's private 0600
    print(f"{args.model / OUTPUT}: {len(factors)} GEMMs, alpha {args.alpha}, {len(inputs)} inputs "
          f"({json.dumps(metadata)})")


if __name__ == "__main__":
    main()
