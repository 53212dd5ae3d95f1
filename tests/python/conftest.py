"""Fixtures shared by the tests of the Python tools."""
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY_BERT = ROOT / "tests" / "data" / "models" / "tiny-bert"


@pytest.fixture
def tiny_bert(tmp_path):
    """A copy of tests/data/models/tiny-bert (6 layers, hidden 32, bert-base-uncased vocabulary)."""
    folder = tmp_path / "tiny-bert"
    shutil.copytree(TINY_BERT, folder)
    return folder


@pytest.fixture
def glue(tmp_path):
    """A GLUE folder whose SST-2 train.tsv is a stand-in (the dev rows): training runs check mechanics, not quality."""
    folder = tmp_path / "glue" / "SST-2"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "glue" / "SST-2" / "dev.tsv", folder / "train.tsv")
    return folder.parent
