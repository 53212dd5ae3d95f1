"""Hugging Face's fast BERT tokenizer for a bare vocab.txt (transformers >= 5
builds it from a folder holding vocab.txt and tokenizer_config.json)."""
import json
import shutil
import tempfile
from pathlib import Path

from transformers import BertTokenizerFast


def hf_bert_tokenizer(vocab_file: Path, lowercase: bool):
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(vocab_file, Path(tmp) / "vocab.txt")
        (Path(tmp) / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": lowercase}))
        tok = BertTokenizerFast.from_pretrained(tmp)
    assert tok.vocab_size > 1000, "vocabulary not loaded"
    return tok
