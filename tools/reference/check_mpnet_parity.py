"""Embeddings of a sentence-transformers MPNet folder from ltp-run against the
same model in transformers (mean pooling over the tokens, L2-normalised, as the
folder's modules say), for every sentence of the given GLUE dev sets.

    python -m tools.reference.check_mpnet_parity --model models/all-mpnet-base-v2 --tasks SST-2 STS-B

Prints the smallest and mean cosine between the two; the bar is 1 − 1e-5."""
import argparse
import json
import subprocess
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer

from tools.reference.glue_text import read_dev_texts

ROOT = Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--tasks", nargs="+", default=["SST-2", "STS-B"])
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "glue")
    ap.add_argument("--ltp-run", type=Path, default=ROOT / "build" / "tools" / "ltp-run")
    args = ap.parse_args()

    sentences = []
    for task in args.tasks:
        for text, pair in read_dev_texts(args.data, task):
            sentences += [text] + ([pair] if pair else [])
    lines = "".join(json.dumps({"text": s}) + "\n" for s in sentences)
    out = subprocess.run([str(args.ltp_run), "-m", str(args.model), "--input-format", "jsonl"], input=lines.encode(),
                         capture_output=True, check=True)
    ours = torch.tensor([json.loads(line)["embedding"] for line in out.stdout.decode().splitlines()], dtype=torch.float64)

    tok = AutoTokenizer.from_pretrained(args.model)
    model = AutoModel.from_pretrained(args.model).eval()
    cosines = []
    with torch.no_grad():
        for start in range(0, len(sentences), 32):
            enc = tok(sentences[start:start + 32], padding=True, truncation=True, max_length=384, return_tensors="pt")
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            ref = torch.nn.functional.normalize(pooled, dim=-1).double()
            cosines.append(torch.nn.functional.cosine_similarity(ref, ours[start:start + len(ref)], dim=-1))
    cos = torch.cat(cosines)
    print(f"{len(sentences)} sentences ({', '.join(args.tasks)}): cosine min {cos.min():.9f}, mean {cos.mean():.9f}")


if __name__ == "__main__":
    main()
