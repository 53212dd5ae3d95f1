"""Token-id goldens from Hugging Face BertTokenizerFast for every row of the GLUE
dev sets, with the bert-base-uncased and bert-base-cased vocabularies.

    python tools/reference/make_tokenizer_goldens.py   (from the repository root)

Writes tests/data/tokenizer/<vocab>/<task>.jsonl: one {"text", "pair"?, "ids",
"type_ids"} per row, untruncated; plus truncation.jsonl with pairs cut to
max_length 24 (longest_first)."""
import json
from pathlib import Path


from glue_text import TEXT_COLUMNS, read_dev_texts
from hf_bert_tokenizer import hf_bert_tokenizer

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
VOCABS = {"bert-base-uncased": True, "bert-base-cased": False}


def record(tok, text, pair, **kwargs):
    enc = tok(text, pair, **kwargs)
    r = {"text": text}
    if pair is not None:
        r["pair"] = pair
    r["ids"] = enc["input_ids"]
    r["type_ids"] = enc["token_type_ids"]
    return r


def main():
    for vocab, lower in VOCABS.items():
        tok = hf_bert_tokenizer(SHARED / "tokenizers" / vocab / "vocab.txt", lower)
        out_dir = ROOT / "tests" / "data" / "tokenizer" / vocab
        out_dir.mkdir(parents=True, exist_ok=True)
        truncated = []
        for task in TEXT_COLUMNS:
            rows = [record(tok, t, p) for t, p in read_dev_texts(SHARED / "glue", task)]
            with open(out_dir / f"{task}.jsonl", "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
            if TEXT_COLUMNS[task][1][1:]:
                for t, p in list(read_dev_texts(SHARED / "glue", task))[:100]:
                    r = record(tok, t, p, truncation="longest_first", max_length=24)
                    r["max_length"] = 24
                    truncated.append(r)
        with open(out_dir / "truncation.jsonl", "w", encoding="utf-8") as f:
            for r in truncated:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(vocab, "done")


if __name__ == "__main__":
    main()
