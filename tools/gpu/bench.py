"""ltp on CUDA (dense and pruned) against PyTorch eager on the same GPU, in one
run: BERT-base shape with random weights at batch 1, 32, 256 × length 128, 512
in fp16, fp32 and tf32 (fp32 GEMMs on tensor cores: ltp --precision tf32,
PyTorch with float32 matmul precision "high"); with --data, also the default
LTP model (models/default, trained weights and thresholds) on that GLUE task's
real text. Run by tools/gpu/check.sh; needs torch with CUDA and transformers.

bench.json and table.md in --out are rewritten after every row, so a run cut
short keeps what it measured; ltp-bench's own tables go to stdout. A failing
ltp-bench run is recorded in both files and the others still run (exit status
1 at the end).

Each engine gets the same shapes (full-length synthetic inputs, no padding);
the weights differ (both random), which does not change the work. PyTorch is
timed with torch.cuda.synchronize around each batch; ltp-bench times whole
Encoder::run calls, which end with the results on the host. "GEMM share":
ltp dense's effective GFLOP/s over that of the layer's four GEMMs alone (input
conversion and bias pass included) at the batch's token count, so
1 − share is roughly the share of time outside the GEMMs (attention, LayerNorm,
GELU, the pruning waits); the stage table (ltp-bench --stages: CUDA events
between the stages, in passes of their own) says which."""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from transformers import BertConfig, BertForSequenceClassification

REPO = Path(__file__).resolve().parents[2]
BATCHES = [1, 32, 256]
LENGTHS = [128, 512]
# precision: (PyTorch weights and activations, torch.set_float32_matmul_precision)
PRECISIONS = {"fp16": (torch.float16, "highest"), "fp32": (torch.float32, "highest"), "tf32": (torch.float32, "high")}
KEEP_RATE = 0.2  # topk on the random model: the most its 12-layer cascade removes
LTP_BENCH_TIMEOUT_S = 150  # one ltp-bench run; a hang must not take the others' time


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
    """ltp-bench's JSON records for one run; its table goes to this script's stdout."""
    command = [str(ltp_bench), "--device", device, *args]
    print("\n$ " + " ".join(command), flush=True)
    with tempfile.TemporaryDirectory() as work:
        out_json = Path(work) / "ltp.json"
        subprocess.run([*command, "--json", str(out_json)], check=True, timeout=LTP_BENCH_TIMEOUT_S)
        return json.loads(out_json.read_text())["records"]


def ms_per_batch(record):
    return 1e3 * record["batch_size"] / record["throughput_seq_per_s"]


def row(model, precision, batch, length, dense, pruned, torch_ms):
    return {
        "model": model, "precision": precision, "batch": batch, "length": length, "torch_ms": torch_ms,
        "ltp_dense_ms": ms_per_batch(dense), "ltp_pruned_ms": ms_per_batch(pruned),
        "flops_reduction": dense["flops_per_seq"]["dense"] / pruned["flops_per_seq"]["performed"],
        "dense_gemm_share": dense["gflops_per_s"] / dense["gemm_limit_gflops_per_s"],
        "stages": {"dense": dense["stage_ms_per_batch"], "pruned": pruned["stage_ms_per_batch"]},
    }


def stage_table(rows):
    """ltp's time per stage (ltp-bench --stages: CUDA events on the stream), ms per batch and share."""
    if not rows:
        return []
    names = list(rows[0]["stages"]["dense"])
    lines = ["\nltp's time per stage, ms per batch (share of the run):\n",
             "| model | precision | batch | length | mode | " + " | ".join(names) + " |", "|---" * (5 + len(names)) + "|"]
    for r in rows:
        for mode, stages in r["stages"].items():
            total = sum(stages.values())
            cells = " | ".join(f"{stages[n]:.3f} ({100 * stages[n] / total:.0f}%)" for n in names)
            lines.append(f"| {r['model']} | {r['precision']} | {r['batch']} | {r['length']} | {mode} | {cells} |")
    return lines


class Results:
    """The rows, ltp-bench's records and the failures so far, rewritten whole to
    bench.json and table.md in `out` after every change."""

    def __init__(self, out, gpu):
        self.out, self.gpu, self.rows, self.raw, self.errors = out, gpu, [], {}, []

    def ltp_bench(self, key, ltp_bench, device, args):
        """ltp-bench's records, kept under `key`; None when it failed (recorded)."""
        try:
            self.raw[key] = ltp_records(ltp_bench, device, args)
            return self.raw[key]
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            self.errors.append(f"{key}: {e}")
            self.write()
            return None

    def add(self, row):
        self.rows.append(row)
        self.write()

    def write(self):
        (self.out / "bench.json").write_text(json.dumps({"gpu": self.gpu, "rows": self.rows,
                                                         "ltp_bench_records": self.raw, "errors": self.errors},
                                                        indent=1))
        lines = ["| model | precision | batch | length | PyTorch ms | ltp dense ms | ltp pruned ms | dense vs PyTorch "
                 "| pruned vs dense | FLOPs reduction | speedup / reduction | dense GEMM share |", "|---" * 12 + "|"]
        for r in self.rows:
            speedup = r["ltp_dense_ms"] / r["ltp_pruned_ms"]
            versus = f"{r['torch_ms'] / r['ltp_dense_ms']:.2f}x" if r["torch_ms"] else "-"
            torch_ms = f"{r['torch_ms']:.2f}" if r["torch_ms"] else "-"
            lines.append(f"| {r['model']} | {r['precision']} | {r['batch']} | {r['length']} | {torch_ms} | "
                         f"{r['ltp_dense_ms']:.2f} | {r['ltp_pruned_ms']:.2f} | {versus} | {speedup:.2f}x | "
                         f"{r['flops_reduction']:.2f}x | {speedup / r['flops_reduction']:.2f} | "
                         f"{100 * r['dense_gemm_share']:.0f}% |")
        lines += stage_table(self.rows)
        lines += [f"\nfailed: {e}" for e in self.errors]
        (self.out / "table.md").write_text("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ltp-bench", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--data", type=Path, help="a GLUE task folder for the default model's real-text rows")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--device", default="cuda", help="cpu: a dry run of this script on a machine without a GPU")
    ap.add_argument("--batches", default=",".join(map(str, BATCHES)))
    ap.add_argument("--lengths", default=",".join(map(str, LENGTHS)))
    ap.add_argument("--precisions", default=",".join(PRECISIONS), help="fp16, fp32, tf32, run in this order")
    args = ap.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    lengths = [int(n) for n in args.lengths.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(0)
    gpu = None
    if args.device == "cuda":
        props = torch.cuda.get_device_properties(0)
        gpu = {"name": props.name, "multiprocessors": props.multi_processor_count, "torch": torch.__version__}
    results = Results(args.out, gpu)
    config = BertConfig(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                        num_labels=2)
    for name in args.precisions.split(","):
        dtype, matmul_precision = PRECISIONS[name]
        torch.set_float32_matmul_precision(matmul_precision)
        records = results.ltp_bench(f"bert-base {name}", args.ltp_bench, args.device, [
            "--random-model", "bert-base", "--precision", name, "--keep-rate", str(KEEP_RATE), "--length",
            args.lengths, "--batch-size", args.batches, "--sequences", str(max(batches)), "--repeat", "5",
            "--gemm-limit", "--stages"])
        if records:
            # fp16 in PyTorch eager as its users run it for inference: half weights and activations.
            model = BertForSequenceClassification(config).to(args.device, dtype).eval()
            for batch in batches:
                for length in lengths:
                    point = {r["mode"]: r for r in records if r["batch_size"] == batch and r["length"] == length}
                    torch_ms = torch_ms_per_batch(model, batch, length, args.device, args.repeat)
                    results.add(row("bert-base (random)", name, batch, length, point["dense"], point["pruned"],
                                    torch_ms))
            del model
            if args.device == "cuda":
                torch.cuda.empty_cache()
        if args.data:
            records = results.ltp_bench(f"models/default {name}", args.ltp_bench, args.device, [
                "-m", str(REPO / "models" / "default"), "--data", str(args.data), "--precision", name,
                "--batch-size", args.batches, "--repeat", "5", "--gemm-limit", "--stages"])
            for batch in batches if records else []:  # a failed run has no rows
                point = {r["mode"]: r for r in records if r.get("batch_size") == batch}
                results.add(row(f"models/default on {args.data.name}", name, batch,
                                round(point["dense"]["mean_length"], 1), point["dense"], point["pruned"], None))

    results.write()
    print("\n" + (args.out / "table.md").read_text())
    sys.exit(1 if results.errors else 0)


if __name__ == "__main__":
    main()
