"""ltp on CUDA (dense and pruned) against PyTorch eager on the same GPU, in one
run: BERT-base shape with random weights at batch 1, 32, 256 × length 128,
512, in fp32 and fp16; with --data, also the default LTP model on that GLUE
task's real text. Writes bench.json (the table's rows and ltp-bench's own
records) and table.md to --out. Run by
tools/gpu/check.sh; needs torch with CUDA and transformers.

Each engine gets the same shapes (full-length synthetic inputs, no padding);
the weights differ (both random), which does not change the work. PyTorch is
timed with torch.cuda.synchronize around each batch; ltp-bench times whole
Encoder::run calls, which end with the results on the host."""
import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import torch
from transformers import BertConfig, BertForSequenceClassification

BATCHES = [1, 32, 256]
LENGTHS = [128, 512]
PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16}
KEEP_RATE = 0.2  # topk on the random model: the most its 12-layer cascade removes


def torch_ms_per_batch(model, batch, length, device, repeat):
    """Median milliseconds per batch of PyTorch eager, after two warm-up batches."""
    ids = torch.randint(1000, 30000, (batch, length), device=device)
    mask = torch.ones_like(ids)
    times = []
    with torch.inference_mode():
        for i in range(repeat + 2):
            if device == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            model(input_ids=ids, attention_mask=mask)
            if device == "cuda":
                torch.cuda.synchronize()
            if i >= 2:
                times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def ltp_records(ltp_bench, device, args):
    """ltp-bench's JSON records for one run."""
    with tempfile.TemporaryDirectory() as work:
        out_json = Path(work) / "ltp.json"
        subprocess.run([str(ltp_bench), "--device", device, "--json", str(out_json), *args], check=True,
                       stdout=subprocess.DEVNULL)
        return json.loads(out_json.read_text())["records"]


def ms_per_batch(record):
    return 1e3 * record["batch_size"] / record["throughput_seq_per_s"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ltp-bench", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--data", type=Path, help="a GLUE task folder for the default model's real-text rows")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--device", default="cuda", help="cpu: a dry run of this script on a machine without a GPU")
    ap.add_argument("--batches", default=",".join(map(str, BATCHES)))
    ap.add_argument("--lengths", default=",".join(map(str, LENGTHS)))
    ap.add_argument("--precisions", default=",".join(PRECISIONS))
    args = ap.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    lengths = [int(n) for n in args.lengths.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(0)
    config = BertConfig(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                        num_labels=2)
    rows, raw = [], {}
    for name in args.precisions.split(","):
        # fp16 in PyTorch eager as its users run it for inference: half weights and activations.
        model = BertForSequenceClassification(config).to(args.device, PRECISIONS[name]).eval()
        records = ltp_records(args.ltp_bench, args.device,
                              ["--random-model", "bert-base", "--precision", name, "--keep-rate", str(KEEP_RATE),
                               "--length", args.lengths, "--batch-size", args.batches, "--sequences",
                               str(max(batches)), "--repeat", "5"])
        raw[f"bert-base {name}"] = records
        for batch in batches:
            for length in lengths:
                point = {r["mode"]: r for r in records if r["batch_size"] == batch and r["length"] == length}
                dense, pruned = point["dense"], point["pruned"]
                rows.append({
                    "model": "bert-base (random)", "precision": name, "batch": batch, "length": length,
                    "torch_ms": torch_ms_per_batch(model, batch, length, args.device, args.repeat),
                    "ltp_dense_ms": ms_per_batch(dense), "ltp_pruned_ms": ms_per_batch(pruned),
                    "flops_reduction": dense["flops_per_seq"]["dense"] / pruned["flops_per_seq"]["performed"],
                })
        del model
        if args.device == "cuda":
            torch.cuda.empty_cache()
        if args.data:
            records = ltp_records(args.ltp_bench, args.device, ["--data", str(args.data), "--precision", name,
                                                                "--batch-size", args.batches, "--repeat", "5"])
            raw[f"default {name}"] = records
            for batch in batches:
                point = {r["mode"]: r for r in records if r.get("batch_size") == batch}
                dense, pruned = point["dense"], point["pruned"]
                rows.append({
                    "model": "models/default on " + args.data.name, "precision": name, "batch": batch,
                    "length": round(dense["mean_length"], 1), "torch_ms": None,
                    "ltp_dense_ms": ms_per_batch(dense), "ltp_pruned_ms": ms_per_batch(pruned),
                    "flops_reduction": dense["flops_per_seq"]["dense"] / pruned["flops_per_seq"]["performed"],
                })

    (args.out / "bench.json").write_text(json.dumps({"rows": rows, "ltp_bench_records": raw}, indent=1))
    lines = ["| model | precision | batch | length | PyTorch ms | ltp dense ms | ltp pruned ms | dense vs PyTorch "
             "| pruned vs dense | FLOPs reduction | speedup / reduction |", "|---" * 11 + "|"]
    for r in rows:
        speedup = r["ltp_dense_ms"] / r["ltp_pruned_ms"]
        versus = f"{r['torch_ms'] / r['ltp_dense_ms']:.2f}x" if r["torch_ms"] else "-"
        torch_ms = f"{r['torch_ms']:.2f}" if r["torch_ms"] else "-"
        lines.append(f"| {r['model']} | {r['precision']} | {r['batch']} | {r['length']} | {torch_ms} | "
                     f"{r['ltp_dense_ms']:.2f} | {r['ltp_pruned_ms']:.2f} | {versus} | {speedup:.2f}x | "
                     f"{r['flops_reduction']:.2f}x | {speedup / r['flops_reduction']:.2f} |")
    (args.out / "table.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
