"""Peer comparison: the same weights and inputs through PyTorch eager, ONNX
Runtime, CTranslate2 and ltp (dense and pruned), measured in one run with the
engines interleaved round by round. Not part of the tests. Any sequence
classifier transformers' AutoModelForSequenceClassification loads (BERT,
RoBERTa, MPNet); token_type_ids go only to models whose forward takes them
(MPNet's does not), in PyTorch and the ONNX export alike.

    python -m tools.bench.peers --model DIR --data data/glue/SST-2 --batch-size 32
    python -m tools.bench.peers --random bert-base --length 128 --batch-size 32
    python -m tools.bench.peers --random bert-base --length 128 --batch-size 1 --rounds 3
    python -m tools.bench.peers --model DIR --data data/glue/SST-2 --precision fp32,int8
    python -m tools.bench.peers --model DIR --data data/glue/SST-2 --precision fp32,bf16

--random NAME writes a random-weight BERT of that shape (HF format, seeded) to
--work and benchmarks it. --data text is truncated to 128 tokens (or the
tokenizer's model_max_length if smaller), for ltp-bench too. PyTorch and ONNX
Runtime get padded batches (padded with the pad token to the longest sequence of
each batch, as their users do); CTranslate2's Encoder
takes the token lists (it pads inside) and runs the encoder and pooler, not the
classifier (a 2·H·C-FLOP difference); ltp packs. Throughput is sequences per
second, the median over rounds with the min-max range; ratios are against ONNX
Runtime fp32, which always runs.

--precision takes a comma list of fp32, bf16, int8; ONNX Runtime fp32, the
reference, always runs. int8 is ONNX Runtime's dynamic quantization of the
exported fp32 ONNX graph (quantize_dynamic: s8 weights per output channel, u8
activations quantized per call, ORT's default op types; same session options
as fp32; needs the onnx package), CTranslate2's compute_type "int8" on the same
fp32-converted model (quantized as it loads) and ltp-bench --precision int8.
bf16 is ltp only; PyTorch eager runs fp32 only. An engine or mode that is
missing or fails (e.g. CTranslate2's converter on a family it does not support)
is listed under the table instead of measured."""
import argparse
import inspect
import json
import statistics
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer, BertConfig, BertForSequenceClassification

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


def input_names(model):
    """The inputs fed to the model, in its forward's order: token_type_ids only where it takes them."""
    return [n for n in inspect.signature(model.forward).parameters
            if n in ("input_ids", "attention_mask", "token_type_ids")]


def padded(batch, names, pad_id):
    """{input name: array} for a batch padded to its longest sequence."""
    n = max(len(ids) for ids, _ in batch)
    arrays = {"input_ids": np.full((len(batch), n), pad_id, dtype=np.int64),
              "token_type_ids": np.zeros((len(batch), n), dtype=np.int64),
              "attention_mask": np.zeros((len(batch), n), dtype=np.int64)}
    for r, (i, t) in enumerate(batch):
        arrays["input_ids"][r, :len(i)] = i
        arrays["token_type_ids"][r, :len(t)] = t
        arrays["attention_mask"][r, :len(i)] = 1
    return {k: arrays[k] for k in names}


def export_onnx(model, path: Path):
    if path.exists():
        return
    names = input_names(model)
    dummy = {n: (torch.zeros if n == "token_type_ids" else torch.ones)(2, 16, dtype=torch.long) for n in names}
    torch.onnx.export(model, (), str(path), kwargs=dummy, input_names=names, output_names=["logits"],
                      dynamic_axes={n: {0: "batch", 1: "length"} for n in names}, opset_version=17, dynamo=False)


def quantize_onnx(fp32: Path):
    """ONNX Runtime's dynamic int8 quantization of the fp32 graph, with its default op types."""
    out = fp32.with_suffix(".int8.onnx")
    if not out.exists() or out.stat().st_mtime < fp32.stat().st_mtime:
        from onnxruntime.quantization import QuantType, quantize_dynamic  # imports the onnx package
        quantize_dynamic(fp32, out, weight_type=QuantType.QInt8, per_channel=True)
    return out


def ctranslate2_encoder(model_dir: Path, work: Path, threads: int, compute_type: str):
    """The model converted for CTranslate2 (its converter wants position_embedding_type in the config)."""
    import ctranslate2
    supported = ctranslate2.get_supported_compute_types("cpu")
    if compute_type not in supported:
        raise RuntimeError(f"compute type {compute_type} not supported here (supported: {', '.join(sorted(supported))})")
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
        ctranslate2.converters.TransformersConverter(str(staged)).convert(str(out), force=True)
    return ctranslate2.Encoder(str(out), device="cpu", compute_type=compute_type, intra_threads=threads)


# Each runner(ctx, precision) sets its engine up and returns a pass: a function that runs all
# inputs once and returns {mode: sequences per second} ("" for engines with one mode).

def timed(ctx, run):
    def timed_pass():
        start = time.perf_counter()
        run()
        return {"": len(ctx.inputs) / (time.perf_counter() - start)}
    return timed_pass


def torch_runner(ctx, precision):
    def run():
        with torch.inference_mode():
            for feed in ctx.batches:
                ctx.model(**{k: torch.from_numpy(v) for k, v in feed.items()})
    return timed(ctx, run)


def ort_runner(ctx, precision):
    import onnxruntime as ort
    path = ctx.args.work / f"{ctx.model_dir.name}.onnx"
    export_onnx(ctx.model, path)
    if precision == "int8":
        path = quantize_onnx(path)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = ctx.args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run():
        for feed in ctx.batches:
            session.run(None, feed)
    return timed(ctx, run)


def ct2_runner(ctx, precision):
    encoder = ctranslate2_encoder(ctx.model_dir, ctx.args.work, ctx.args.threads,
                                  {"fp32": "float32", "int8": "int8"}[precision])
    with_types = "token_type_ids" in input_names(ctx.model)
    batches = [([ids for ids, _ in b], [types for _, types in b] if with_types else None)
               for b in batches_of(ctx.inputs, ctx.args.batch_size)]

    def run():
        for ids, types in batches:
            encoder.forward_batch(ids, token_type_ids=types)
    return timed(ctx, run)


def ltp_runner(ctx, precision):
    a = ctx.args
    out = a.work / f"ltp-{precision}.json"
    cmd = [str(a.ltp_bench), "-m", str(ctx.model_dir), "--precision", precision, "--batch-size", str(a.batch_size),
           "--threads", str(a.threads), "--repeat", "1", "--warmup", "1", "--json", str(out)] + ctx.ltp_inputs + a.ltp_args.split()

    def run():  # ltp-bench times itself (tokenization apart)
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
        if rc != 0:
            raise RuntimeError(f"ltp-bench exited {rc} (its message above)")
        return {r["mode"]: r["throughput_seq_per_s"] for r in json.loads(out.read_text())["records"] if r["mode"] != "tokenize"}
    return run


PRECISIONS = ("fp32", "bf16", "int8")
# engine, the precisions it runs here, its runner; rows keep this order within each precision
ENGINES = [("PyTorch eager", ("fp32",), torch_runner),
           ("ONNX Runtime", ("fp32", "int8"), ort_runner),
           ("CTranslate2", ("fp32", "int8"), ct2_runner),
           ("ltp", PRECISIONS, ltp_runner)]
REFERENCE = ("ONNX Runtime", "fp32")


def read_inputs(args, model_dir):
    """Token ids and type ids (all 0 where the tokenizer gives none) per sequence, and the matching
    ltp-bench input options."""
    if args.data:
        tok = AutoTokenizer.from_pretrained(model_dir)
        task = TASKS[args.data.name]
        rows = read_split(args.data.parent, task, "dev")
        max_length = min(128, tok.model_max_length)
        enc = tok([r[0] for r in rows], [r[1] for r in rows] if rows[0][1] is not None else None,
                  truncation="longest_first", max_length=max_length)
        types = enc.get("token_type_ids") or [[0] * len(ids) for ids in enc["input_ids"]]
        return list(zip(enc["input_ids"], types)), ["--data", str(args.data), "--max-length", str(max_length)]
    rng = np.random.default_rng(0)
    inputs = [([101] + rng.integers(1000, 30000, args.length - 2).tolist() + [102], [0] * args.length)
              for _ in range(max(args.sequences, args.batch_size))]
    return inputs, ["--length", str(args.length), "--sequences", str(len(inputs))]


def set_up(ctx, precisions):
    """(engine, precision, pass) for each row that runs, each warmed up once, and a note per one that does not."""
    wanted = [(name, p, runner) for p in precisions for name, offered, runner in ENGINES if p in offered]
    if "fp32" not in precisions:
        wanted.insert(0, (*REFERENCE, ort_runner))
    passes, notes = [], []
    for name, precision, runner in wanted:
        try:
            run = runner(ctx, precision)
            run()  # warm-up
            passes.append((name, precision, run))
        except Exception as e:  # a missing package, conversion, or binary: report it, run the rest
            notes.append(f"{name} {precision}: not measured ({type(e).__name__}: {e})")
    return passes, notes


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
    ap.add_argument("--precision", default="fp32", help=f"comma list of {', '.join(PRECISIONS)} (default: fp32)")
    ap.add_argument("--ltp-args", default="", help="extra ltp-bench options, e.g. '--keep-rate 0.5'")
    ap.add_argument("--ltp-bench", type=Path, default=ROOT / "build" / "tools" / "ltp-bench")
    ap.add_argument("--work", type=Path, default=Path("/tmp/ltp-peers"))
    args = ap.parse_args()
    precisions = args.precision.split(",")
    if unknown := [p for p in precisions if p not in PRECISIONS]:
        ap.error(f"--precision: unknown {', '.join(unknown)} (choose from {', '.join(PRECISIONS)})")
    if "--precision" in args.ltp_args.split():
        ap.error("set ltp's precision with --precision, not --ltp-args")
    args.work.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(args.threads)
    model_dir = Path(random_model(args.random, args.work / args.random) if args.random else args.model)
    inputs, ltp_inputs = read_inputs(args, model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    ctx = SimpleNamespace(args=args, model_dir=model_dir, inputs=inputs, ltp_inputs=ltp_inputs, model=model,
                          batches=[padded(b, input_names(model), model.config.pad_token_id or 0)
                                   for b in batches_of(inputs, args.batch_size)])
    passes, notes = set_up(ctx, precisions)

    rates = {}  # (row, precision) -> seq/s per round, in table order
    for _ in range(args.rounds):
        for name, precision, run in passes:
            for mode, rate in run().items():
                rates.setdefault((f"{name} {mode}".strip(), precision), []).append(rate)
    reference = statistics.median(rates[REFERENCE]) if REFERENCE in rates else None
    label = f"data {args.data.name}" if args.data else f"length {args.length}"
    print(f"{model_dir.name}, {label}, batch {args.batch_size}, {args.threads} threads, {args.rounds} rounds, "
          f"{len(inputs)} sequences\n")
    print("| engine | precision | seq/s (median) | min-max | vs ONNX Runtime fp32 |\n|---|---|---|---|---|")
    for (name, precision), values in rates.items():
        m = statistics.median(values)
        ratio = f"{m / reference:.2f}x" if reference else "-"
        print(f"| {name} | {precision} | {m:.1f} | {min(values):.1f}-{max(values):.1f} | {ratio} |")
    if notes:
        print("\n" + "\n".join(f"- {n}" for n in notes))


if __name__ == "__main__":
    main()
