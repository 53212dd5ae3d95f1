"""Token-id goldens from Hugging Face's fast tokenizers for every row of the
GLUE dev sets and for tests/data/tokenizer/hard_cases.jsonl, with the
bert-base-uncased, bert-base-cased, roberta-base and albert-base-v2 files in
tests/data/tokenizers.

    python -m tools.reference.make_tokenizer_goldens   (from the repository root)

Writes tests/data/tokenizer/<tokenizer>/<task>.jsonl: one {"text", "pair"?,
"max_length"?, "ids", "type_ids"} per row (GLUE rows untruncated), plus
truncation.jsonl (pairs cut to 24 tokens, longest_first) and hard_cases.jsonl;
and roberta-base/tokenizer.json as Hugging Face saves it for those files."""
import json
from pathlib import Path

from tools.reference.glue_text import TEXT_COLUMNS, read_dev_texts
from tools.reference.hf_bert_tokenizer import hf_tokenizer

ROOT = Path(__file__).resolve().parents[2]
GLUE = ROOT / "data" / "glue"
TOKENIZERS = ROOT / "tests" / "data" / "tokenizers"
DATA = ROOT / "tests" / "data" / "tokenizer"


def tokenizers():
    return {
        "bert-base-uncased": hf_tokenizer("bert", [TOKENIZERS / "bert-base-uncased" / "vocab.txt"], {"do_lower_case": True}),
        "bert-base-cased": hf_tokenizer("bert", [TOKENIZERS / "bert-base-cased" / "vocab.txt"], {"do_lower_case": False}),
        "roberta-base": hf_tokenizer("roberta", [TOKENIZERS / "roberta-base" / "vocab.json",
                                                 TOKENIZERS / "roberta-base" / "merges.txt"]),
        "albert-base-v2": hf_tokenizer("albert", [TOKENIZERS / "albert-base-v2" / "spiece.model"]),
    }


def record(tok, text, pair, max_length=None):
    kwargs = {"truncation": "longest_first", "max_length": max_length} if max_length else {}
    enc = tok(text, pair, return_token_type_ids=True, **kwargs)
    r = {"text": text}
    if pair is not None:
        r["pair"] = pair
    if max_length:
        r["max_length"] = max_length
    r["ids"] = enc["input_ids"]
    r["type_ids"] = enc["token_type_ids"]
    return r


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    hard = [json.loads(line) for line in (DATA / "hard_cases.jsonl").read_text(encoding="utf-8").split("\n") if line]
    for name, tok in tokenizers().items():
        out_dir = DATA / name
        out_dir.mkdir(parents=True, exist_ok=True)
        truncated = []
        for task in TEXT_COLUMNS:
            rows = list(read_dev_texts(GLUE, task))
            write(out_dir / f"{task}.jsonl", [record(tok, t, p) for t, p in rows])
            if TEXT_COLUMNS[task][1][1:]:
                truncated += [record(tok, t, p, 24) for t, p in rows[:100]]
        write(out_dir / "truncation.jsonl", truncated)
        write(out_dir / "hard_cases.jsonl", [record(tok, h["text"], h.get("pair"), h.get("max_length")) for h in hard])
        if name == "roberta-base":  # the repository has no roberta tokenizer.json: test one HF writes
            tok.backend_tokenizer.save(str(out_dir / "tokenizer.json"), pretty=False)
        print(name, "done")


if __name__ == "__main__":
    main()
