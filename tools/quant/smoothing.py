"""Per-channel input smoothing for --precision int8 (SmoothQuant), computed from
calibration inputs and written beside the weights as MODEL/int8_smoothing.safetensors.

    python -m tools.quant.smoothing --model MODEL --data GLUE_DIR/RTE [--split train] [--rows 512] [--alpha 0.5]
    python -m tools.quant.smoothing --model MODEL --data sentences.txt   # one input per line, a tab splits a pair
    python -m tools.quant.smoothing --model MODEL --data inputs.jsonl    # {"input_ids": [...]} per line, as ltp-run reads

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
from safetensors import safe_open
from safetensors.torch import save
from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification, AutoTokenizer

from tools.train.glue import TASKS, read_split

OUTPUT = "int8_smoothing.safetensors"
# The last part of a query/key/value module's name, per family; their fused GEMM is "<parent>.qkv".
FUSED = {("query", "key", "value"), ("q", "k", "v")}
FAMILY_PREFIXES = ("bert.", "roberta.", "mpnet.")


def read_inputs(data: Path, split: str):
    """Text inputs [(text, pair or None)] of a GLUE task's split or a text file, or
    token inputs [{"input_ids": [...], ...}] of a .jsonl file."""
    if data.is_dir():
        if data.name not in TASKS:
            raise SystemExit(f"{data}: not a GLUE task folder ({', '.join(sorted(TASKS))})")
        return [(text, pair) for text, pair, _ in read_split(data.parent, TASKS[data.name], split)]
    lines = [line for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    if data.suffix == ".jsonl":
        return [json.loads(line) for line in lines]
    return [tuple(line.split("\t", 1)) if "\t" in line else (line, None) for line in lines]


def spread(found, rows):
    """`rows` of `found`, evenly spaced, so a sorted file is sampled throughout."""
    if not found:
        raise SystemExit("no calibration inputs")
    return found[::max(1, len(found) // rows)][:rows]


def model_inputs(item, tokenizer, max_length):
    if isinstance(item, dict):
        return {k: torch.tensor([v]) for k, v in item.items() if k in ("input_ids", "token_type_ids")}
    text, pair = item
    return tokenizer(text, pair, truncation=True, max_length=max_length, return_tensors="pt")


def load_model(folder: Path):
    """The model as the engine reads the folder: with its head when config.json's first architecture has one."""
    config = AutoConfig.from_pretrained(folder)
    heads = "ForSequenceClassification" in (config.architectures or [""])[0]
    return (AutoModelForSequenceClassification if heads else AutoModel).from_pretrained(folder).eval()


def stored_prefix(folder: Path):
    """The encoder's tensor-name prefix in model.safetensors, found as the engine finds it (model/weights.cc)."""
    with safe_open(str(folder / "model.safetensors"), "pt") as f:
        names = set(f.keys())
    for prefix in FAMILY_PREFIXES + ("",):
        if prefix + "embeddings.word_embeddings.weight" in names:
            return prefix
    raise SystemExit(f"{folder}/model.safetensors: no embeddings.word_embeddings.weight, under any prefix")


def gemm_groups(model, prefix):
    """{engine GEMM name: [its Linear modules]}: the encoder's GEMMs, query/key/value as one,
    named as the weights file names them."""
    groups = {}
    for name, module in model.base_model.named_modules():
        if not isinstance(module, torch.nn.Linear) or not name.startswith("encoder.layer."):
            continue
        parent, _, last = name.rpartition(".")
        fused = any(last in names for names in FUSED)
        groups.setdefault(prefix + (f"{parent}.qkv" if fused else name), []).append(module)
    return groups


def input_maxima(model, batches, groups):
    """{GEMM name: largest |input| per channel} over the calibration batches."""
    maxima = {}

    def recorder(gemm):
        def record(module, args):
            a = args[0].detach().abs().reshape(-1, args[0].shape[-1]).amax(0)
            maxima[gemm] = torch.maximum(maxima[gemm], a) if gemm in maxima else a
        return record

    hooks = [modules[0].register_forward_pre_hook(recorder(gemm)) for gemm, modules in groups.items()]
    with torch.no_grad():
        for batch in batches:
            model(**batch)
    for h in hooks:
        h.remove()
    return maxima


def smoothing_factors(maxima, groups, alpha):
    """{"<GEMM>.input_smoothing": s}, s = a^alpha / w^(1 - alpha) per input channel."""
    factors = {}
    for gemm, modules in groups.items():
        w = torch.cat([m.weight.detach().float() for m in modules]).abs().amax(0)
        s = maxima[gemm].float().clamp(min=1e-5) ** alpha / w.clamp(min=1e-5) ** (1 - alpha)
        factors[f"{gemm}.input_smoothing"] = s.contiguous()
    return factors


def write_atomically(path: Path, data: bytes):
    """Written beside `path` and renamed onto it, so a failure leaves an existing file as it was."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="model folder (config.json, model.safetensors)")
    ap.add_argument("--data", type=Path, required=True,
                    help="a GLUE task folder (e.g. GLUE_DIR/RTE), a text file, or a .jsonl file of input_ids")
    ap.add_argument("--split", default="train", help="GLUE split to calibrate on (default: train)")
    ap.add_argument("--rows", type=int, default=512, help="calibration inputs (default: 512)")
    ap.add_argument("--alpha", type=float, default=0.5, help="migration strength in [0, 1] (default: 0.5)")
    ap.add_argument("--max-length", type=int, help="tokens per text input (default: the tokenizer's model_max_length)")
    args = ap.parse_args(argv)
    if not 0 <= args.alpha <= 1:
        ap.error("--alpha must be in [0, 1]")
    if args.rows < 1:
        ap.error("--rows must be at least 1")
    model = load_model(args.model)
    inputs = spread(read_inputs(args.data, args.split), args.rows)
    needs_tokenizer = not isinstance(inputs[0], dict)
    tokenizer = AutoTokenizer.from_pretrained(args.model) if needs_tokenizer else None
    # model_max_length is a huge sentinel when a tokenizer does not set it; BERT-family tables stop at 512.
    max_length = args.max_length or (min(tokenizer.model_max_length, 512) if tokenizer else None)
    batches = [model_inputs(item, tokenizer, max_length) for item in inputs]
    groups = gemm_groups(model, stored_prefix(args.model))
    factors = smoothing_factors(input_maxima(model, batches, groups), groups, args.alpha)
    metadata = {"alpha": str(args.alpha), "inputs": str(len(inputs)),
                "data": args.data.name + (f" {args.split}" if args.data.is_dir() else "")}
    write_atomically(args.model / OUTPUT, save(factors, metadata=metadata))
    print(f"{args.model / OUTPUT}: {len(factors)} GEMMs, alpha {args.alpha}, {len(inputs)} inputs")


if __name__ == "__main__":
    main()
