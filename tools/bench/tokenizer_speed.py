"""Tokenizer speed: ltp's tokenizers against Hugging Face tokenizers (Rust, one
thread) on the same text: every sentence and pair of the GLUE dev sets.

    python -m tools.bench.tokenizer_speed [--rounds 5] [--data data/glue]

Hugging Face runs encode_batch with RAYON_NUM_THREADS=1 (no Python loop per
sentence); ltp runs `ltp-bench --tokenizer-only`. Both include special tokens
and pairs. Prints tokens/s and the ratio per tokenizer."""
import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

os.environ["RAYON_NUM_THREADS"] = "1"  # read when the tokenizers library starts its thread pool
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from tools.reference.glue_text import TEXT_COLUMNS, read_dev_texts  # noqa: E402
from tools.reference.hf_bert_tokenizer import hf_tokenizer  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
T = ROOT / "tests" / "data" / "tokenizers"
TOKENIZERS = {
    "bert-base-uncased": ("bert", [T / "bert-base-uncased" / "vocab.txt"], {"do_lower_case": True}),
    "roberta-base": ("roberta", [T / "roberta-base" / "vocab.json", T / "roberta-base" / "merges.txt"], None),
    "albert-base-v2": ("albert", [T / "albert-base-v2" / "spiece.model"], None),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "glue", help="GLUE folder holding <TASK>/dev.tsv")
    ap.add_argument("--ltp-bench", type=Path, default=ROOT / "build" / "tools" / "ltp-bench")
    ap.add_argument("--work", type=Path, default=Path("/tmp/ltp-tokspeed"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = [r for task in TEXT_COLUMNS for r in read_dev_texts(args.data, task)]
    text_file = args.work / "glue-dev.txt"
    text_file.write_text("".join(t.replace("\t", " ") + ("\t" + p.replace("\t", " ") if p is not None else "") + "\n"
                                 for t, p in rows), encoding="utf-8")
    singles = [t for t, p in rows if p is None]
    pairs = [(t, p) for t, p in rows if p is not None]
    print(f"{len(rows)} inputs ({len(pairs)} pairs), {args.rounds} rounds, one thread\n")
    print("| tokenizer | HF tokens/s | ltp tokens/s | ltp / HF |\n|---|---|---|---|")
    for name, (kind, files, config) in TOKENIZERS.items():
        folder = args.work / name
        folder.mkdir(exist_ok=True)
        for f in files:
            (folder / f.name).write_bytes(f.read_bytes())
        if config:
            (folder / "tokenizer_config.json").write_text(json.dumps(config))
        backend = hf_tokenizer(kind, files, config).backend_tokenizer
        hf_rates, ltp_rates = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            tokens = sum(len(e.ids) for e in backend.encode_batch(singles))
            tokens += sum(len(e.ids) for e in backend.encode_batch(pairs))
            hf_rates.append(tokens / (time.perf_counter() - start))
            out = args.work / f"{name}.json"
            subprocess.run([str(args.ltp_bench), "-m", str(folder), "--tokenizer-only", "--data", str(text_file),
                            "--repeat", "1", "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
            report = json.loads(out.read_text())
            if report["tokens"] != tokens:
                raise SystemExit(f"{name}: ltp produced {report['tokens']} tokens, Hugging Face {tokens}")
            ltp_rates.append(report["tokens_per_s"])
        hf, ltp = statistics.median(hf_rates), statistics.median(ltp_rates)
        print(f"| {name} | {hf:,.0f} | {ltp:,.0f} | {ltp / hf:.2f}x |")


if __name__ == "__main__":
    main()
