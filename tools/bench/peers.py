"""Peer comparison: the same weights and inputs through PyTorch eager, ONNX
Runtime and ltp (dense and pruned), measured in one run with the engines
interleaved round by round. Not part of the tests.

    python -m tools.bench.peers --model DIR --data data/glue/SST-2 --batch-size 32
    python -m tools.bench.peers --random bert-base --length 128 --batch-size 32
    python -m tools.bench.peers --random bert-base --length 128 --batch-size 1 --rounds 3

--random NAME writes a random-weight model of that shape (HF format, seeded) to
--work and benchmarks it. PyTorch and ONNX Runtime get padded batches (padded to
the longest sequence of each batch, as their users do); CTranslate2's Encoder
takes the token lists (it pads inside) and runs the encoder and pooler, not the
classifier (a 2·H·C-FLOP difference); ltp packs. Throughput is sequences per
second, the median over rounds with the min-max range; ratios are against ONNX
Runtime."""
import argparse
import json
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
import torch
from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

from tools.train.glue import TASKS, read_split

ROOT = Path(__file__).resolve().parents[2]

SHAPES = {"bert-base": dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
          "minilm-l6": dict(hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536)}


def random_model(name, out: Path):
    torch.manual_seed(0)
    config = BertConfig(**SHAPES[name], num_labels=2, architectures=["BertForSequenceClassification"])
    model = BertForSequenceClassification(config).eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    vocab = ROOT / "tests" / "data" / "tokenizers" / "bert-base-uncased" / "vocab.txt"
    (out / "vocab.txt").write_bytes(vocab.read_bytes())
    (out / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True}))
    return out


def batches_of(inputs, size):
    return [inputs[i:i + size] for i in range(0, len(inputs), size)]


def padded(batch):
    n = max(len(ids) for ids, _ in batch)
    ids = np.zeros((len(batch), n), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for r, (i, t) in enumerate(batch):
        ids[r, :len(i)] = i
        types[r, :len(t)] = t
        mask[r, :len(i)] = 1
    return ids, types, mask


def export_onnx(model, path: Path):
    if path.exists():
        return
    ids = torch.ones(2, 16, dtype=torch.long)
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(path),
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
                      dynamic_axes={k: {0: "batch", 1: "length"} for k in ("input_ids", "attention_mask", "token_type_ids")},
                      opset_version=17, dynamo=False)


def ctranslate2_encoder(model_dir: Path, work: Path, threads: int):
    """The model converted for CTranslate2 (its converter wants position_embedding_type in the config)."""
    import ctranslate2
    out = work / f"{model_dir.name}.ct2"
    if not (out / "model.bin").exists():
        staged = work / f"{model_dir.name}.staged"
        staged.mkdir(parents=True, exist_ok=True)
        for f in model_dir.iterdir():
            if f.is_file():
                (staged / f.name).write_bytes(f.read_bytes())
        config = json.loads((staged / "config.json").read_text())
        config.setdefault("position_embedding_type", "absolute")
        (staged / "config.json").write_text(json.dumps(config))
        subprocess.run(["ct2-transformers-converter", "--model", str(staged), "--output_dir", str(out), "--force"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return ctranslate2.Encoder(str(out), device="cpu", intra_threads=threads)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--random", choices=sorted(SHAPES))
    ap.add_argument("--data", type=Path, help="a GLUE task folder")
    ap.add_argument("--length", type=int)
    ap.add_argument("--sequences", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--ltp-args", default="", help="extra ltp-bench options, e.g. '--keep-rate 0.5'")
    ap.add_argument("--ltp-bench", type=Path, default=ROOT / "build" / "tools" / "ltp-bench")
    ap.add_argument("--work", type=Path, default=Path("/tmp/ltp-peers"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(args.threads)
    model_dir = random_model(args.random, args.work / args.random) if args.random else args.model
    model = BertForSequenceClassification.from_pretrained(model_dir).eval()
    tok = AutoTokenizer.from_pretrained(model_dir)

    if args.data:
        task = TASKS[args.data.name]
        rows = read_split(args.data.parent, task, "dev")
        enc = tok([r[0] for r in rows], [r[1] for r in rows] if rows[0][1] is not None else None,
                  truncation="longest_first", max_length=128)
        inputs = list(zip(enc["input_ids"], enc["token_type_ids"]))
        ltp_inputs = ["--data", str(args.data)]
    else:
        rng = np.random.default_rng(0)
        inputs = [([101] + rng.integers(1000, 30000, args.length - 2).tolist() + [102], [0] * args.length)
                  for _ in range(max(args.sequences, args.batch_size))]
        ltp_inputs = ["--length", str(args.length), "--sequences", str(len(inputs))]
    batches = [padded(b) for b in batches_of(inputs, args.batch_size)]

    import onnxruntime as ort
    onnx_path = args.work / f"{model_dir.name}.onnx"
    export_onnx(model, onnx_path)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    ct2 = ctranslate2_encoder(Path(model_dir), args.work, args.threads)
    token_batches = [[ids for ids, _ in b] for b in batches_of(inputs, args.batch_size)]
    type_batches = [[types for _, types in b] for b in batches_of(inputs, args.batch_size)]

    def ct2_pass():
        for ids, types in zip(token_batches, type_batches):
            ct2.forward_batch(ids, token_type_ids=types)

    def torch_pass():
        with torch.inference_mode():
            for ids, types, mask in batches:
                model(input_ids=torch.from_numpy(ids), token_type_ids=torch.from_numpy(types),
                      attention_mask=torch.from_numpy(mask))

    def ort_pass():
        for ids, types, mask in batches:
            session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})

    def ltp_pass():
        out = args.work / "ltp.json"
        cmd = [str(args.ltp_bench), "-m", str(model_dir), "--batch-size", str(args.batch_size), "--threads",
               str(args.threads), "--repeat", "1", "--warmup", "1", "--json", str(out)] + ltp_inputs + args.ltp_args.split()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return {r["mode"]: r["throughput_seq_per_s"] for r in json.loads(out.read_text())["records"] if r["mode"] != "tokenize"}

    rates = {"PyTorch eager": [], "ONNX Runtime": [], "CTranslate2": [], "ltp dense": [], "ltp pruned": []}
    torch_pass()
    ort_pass()
    ct2_pass()  # warm-up
    for _ in range(args.rounds):
        for name, fn in (("PyTorch eager", torch_pass), ("ONNX Runtime", ort_pass), ("CTranslate2", ct2_pass)):
            start = time.perf_counter()
            fn()
            rates[name].append(len(inputs) / (time.perf_counter() - start))
        for mode, rate in ltp_pass().items():
            rates[f"ltp {mode}"].append(rate)
    reference = statistics.median(rates["ONNX Runtime"])
    label = f"data {args.data.name}" if args.data else f"length {args.length}"
    print(f"{model_dir.name}, {label}, batch {args.batch_size}, {args.threads} threads, {args.rounds} rounds, "
          f"{len(inputs)} sequences\n")
    print("| engine | seq/s (median) | min-max | vs ONNX Runtime |\n|---|---|---|---|")
    for name, values in rates.items():
        if values:
            m = statistics.median(values)
            print(f"| {name} | {m:.1f} | {min(values):.1f}-{max(values):.1f} | {m / reference:.2f}x |")


if __name__ == "__main__":
    main()
