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
