"""Hugging Face fast tokenizers built from the bare tokenizer files in
tests/data/tokenizers (transformers >= 5 builds them from a folder)."""
import json
import shutil
import tempfile
from pathlib import Path

from transformers import AlbertTokenizerFast, BertTokenizerFast, RobertaTokenizerFast

CLASSES = {"bert": BertTokenizerFast, "roberta": RobertaTokenizerFast, "albert": AlbertTokenizerFast}


def hf_tokenizer(kind: str, files, config=None):
    """kind: bert, roberta or albert; files: paths copied into the folder; config: tokenizer_config.json."""
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            shutil.copy(f, Path(tmp) / Path(f).name)
        if config is not None:
            (Path(tmp) / "tokenizer_config.json").write_text(json.dumps(config))
        tok = CLASSES[kind].from_pretrained(tmp)
    assert tok.vocab_size > 1000, "vocabulary not loaded"
    return tok


def hf_bert_tokenizer(vocab_file: Path, lowercase: bool):
    return hf_tokenizer("bert", [vocab_file], {"do_lower_case": lowercase})
