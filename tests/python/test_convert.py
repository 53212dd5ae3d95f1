"""tools/convert: conversion in place, and a failure leaves the target as it was."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
from tools.convert import convert as convert_module  # noqa: E402
from tools.convert.convert import convert, replace_folder  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path):
    """{relative path: bytes} of every file under folder."""
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def checkpoint(tiny_bert):
    """tiny-bert as a Hugging Face checkpoint ships: tokenizer.json and no vocab.txt."""
    (tiny_bert / "vocab.txt").unlink()
    shutil.copy(ROOT / "tests" / "data" / "tokenizers" / "bert-base-uncased" / "tokenizer.json", tiny_bert)
    (tiny_bert / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True, "model_max_length": 77}))
    return tiny_bert


def test_in_place_gives_the_folder_a_fresh_output_would_be(checkpoint, tmp_path):
    convert(checkpoint, tmp_path / "fresh")
    convert(checkpoint, checkpoint)
    assert snapshot(checkpoint) == snapshot(tmp_path / "fresh")
    assert (checkpoint / "vocab.txt").exists()
    assert json.loads((checkpoint / "tokenizer_config.json").read_text())["model_max_length"] == 77
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "tiny-bert"]  # no staging left behind


def test_a_failure_leaves_the_original_untouched(checkpoint, tmp_path, monkeypatch):
    before = snapshot(checkpoint)

    def fail(*args):
        raise OSError("disk full")

    # Fails after the weights and config.json are written to the staging folder.
    monkeypatch.setattr(convert_module, "write_tokenizer", fail)
    with pytest.raises(OSError, match="disk full"):
        convert(checkpoint, checkpoint, dtype="f16")
    assert snapshot(checkpoint) == before
    assert [p.name for p in tmp_path.iterdir()] == ["tiny-bert"]


def test_a_failed_swap_puts_the_original_back(tmp_path, monkeypatch):
    target, new = tmp_path / "target", tmp_path / "new"
    for folder, text in ((target, "old"), (new, "new")):
        folder.mkdir()
        (folder / "f").write_text(text)
    rename, calls = os.rename, []

    def second_rename_fails(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise OSError("simulated")
        rename(src, dst)

    monkeypatch.setattr(os, "rename", second_rename_fails)
    with pytest.raises(OSError, match="simulated"):
        replace_folder(new, target)
    assert (target / "f").read_text() == "old"


def test_refuses_to_replace_a_folder_that_is_not_a_model(checkpoint, tmp_path):
    other = tmp_path / "documents"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="not a model folder"):
        convert(checkpoint, other)
    assert (other / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("command", [["tools/convert/convert.py"], ["-m", "tools.convert.convert"]])
def test_documented_commands_convert_in_place(checkpoint, command):
    subprocess.run([sys.executable, *command, str(checkpoint), str(checkpoint)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    assert (checkpoint / "vocab.txt").exists()
