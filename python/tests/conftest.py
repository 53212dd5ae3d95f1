"""Fixtures of the Python package's tests: the repository's models and data,
and ltp-run to compare with (LTP_RUN, default build/tools/ltp-run)."""
import json
import os
import subprocess
from pathlib import Path

import pytest

import ltp
from ltp.records import output_records

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "tests" / "data" / "models"
DEFAULT_MODEL = ROOT / "models" / "default"


def glue_rows(task: str, columns: list[int], count: int) -> list[list[str]]:
    """The first `count` rows of data/glue/<task>/dev.tsv, those columns of each."""
    lines = (ROOT / "data" / "glue" / task / "dev.tsv").read_text(encoding="utf-8-sig").splitlines()[1:count + 1]
    return [[line.split("\t")[c] for c in columns] for line in lines]


def sentences(count: int) -> list[str]:
    return [text for (text,) in glue_rows("SST-2", [0], count)]


def pairs(count: int) -> list[tuple[str, str]]:
    return [(a, b) for a, b in glue_rows("MRPC", [3, 4], count)]


def golden_encodings(model: str) -> list[ltp.Encoding]:
    """The inputs of tests/data/golden/<model>.json (models without tokenizer files)."""
    golden = json.loads((ROOT / "tests" / "data" / "golden" / f"{model}.json").read_text())
    return [ltp.Encoding(case["input_ids"], case["token_type_ids"]) for case in golden["dense"]]


def as_jsonl(item) -> str:
    """An encode input as ltp-run's --input-format jsonl line."""
    if isinstance(item, ltp.Encoding):
        return json.dumps({"input_ids": item.ids, "token_type_ids": item.type_ids})
    if isinstance(item, tuple):
        return json.dumps({"text": item[0], "text_pair": item[1]})
    return json.dumps({"text": item})


@pytest.fixture(scope="session")
def ltp_run():
    """Runs ltp-run over encode inputs; returns its records without "index"."""
    binary = Path(os.environ.get("LTP_RUN", ROOT / "build" / "tools" / "ltp-run"))
    assert binary.is_file(), f"{binary} not found: build ltp-run, or point LTP_RUN at it"

    def run(model: Path, inputs, *options: str, batch_size: int = 8) -> list[dict]:
        text = "".join(as_jsonl(item) + "\n" for item in inputs)
        done = subprocess.run([binary, "-m", model, "--input-format", "jsonl", "--trace", "--batch-size",
                               str(batch_size), *options], input=text, capture_output=True, text=True, check=True)
        records = [json.loads(line) for line in done.stdout.splitlines()]
        for record in records:
            del record["index"]
        return records

    return run


def package_records(model: ltp.Model, inputs, batch_size: int = 8) -> list[dict]:
    return output_records(model.encode(inputs, batch_size=batch_size, trace=True))


@pytest.fixture(scope="session")
def default_model() -> ltp.Model:
    return ltp.Model(DEFAULT_MODEL)
