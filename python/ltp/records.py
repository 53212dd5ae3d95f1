"""ltp-run's JSON records (tools/ltp-run/README.md), made in Python for jobs that
keep their inputs' ids: the Ray job (ltp.ray_job) and the Spark example.

A row is a mapping with "text", optionally "text_pair", and an id field; its
record is its id, then the fields ltp-run writes after "index". A row that
cannot run gets its id and an "error", and the others go on, as in ltp-run.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ._ltp import Encoding, Error, Model, Output


def _rounded(value: float) -> float:
    # ltp-run writes each float32 as "%.7g" read back as a double: the same
    # rounding makes these records equal to its records, not merely close.
    return float(f"{value:.7g}")


def _all_rounded(values: list[float]) -> list[float]:
    return [_rounded(v) for v in values]


def output_records(output: Output) -> list[dict[str, Any]]:
    """One record per row of `output`, in order, without an id."""
    if output.embeddings is not None:
        values = output.embeddings.tolist()
        records = [{"embedding": _all_rounded(v)} for v in values]
    elif output.scores is not None:
        values = [[s] for s in output.scores.tolist()]
        records = [{"score": _rounded(s)} for (s,) in values]
    else:
        values = output.logits.tolist()
        records = [{"label": label, "logits": _all_rounded(v), "probs": _all_rounded(p)}
                   for label, v, p in zip(output.labels, values, output.probabilities.tolist())]
    if output.tokens_kept is not None:
        for record, kept, flops, dense in zip(records, output.tokens_kept.tolist(), output.flops.tolist(),
                                              output.flops_dense.tolist()):
            record.update(tokens_kept=kept, flops=flops, flops_dense=dense)
    # Weights are checked finite when loaded; should an output still not be,
    # its record says so rather than carry a NaN that JSON cannot hold.
    return [r if all(math.isfinite(x) for x in v) else {"error": "the model produced a non-finite output"}
            for r, v in zip(records, values)]


def _tokenize(model: Model, row: Mapping[str, Any]) -> Encoding:
    text, pair = row.get("text"), row.get("text_pair")
    if not isinstance(text, str):
        raise Error('"text" must be a string')
    if pair is not None and not isinstance(pair, str):
        raise Error('"text_pair" must be a string')
    return model.tokenizer.encode(text, pair)


def encode_rows(model: Model, rows: Sequence[Mapping[str, Any]], *, id_field: str = "id", batch_size: int = 32,
                trace: bool = False) -> list[dict[str, Any]]:
    """One record per row, in order: the row's id, then its result or its error."""
    results: list[dict[str, Any] | None] = [None] * len(rows)
    runnable, encodings = [], []
    for i, row in enumerate(rows):
        try:
            encodings.append(_tokenize(model, row))
            runnable.append(i)
        except (Error, TypeError, ValueError) as e:  # this row's error record; the others go on
            results[i] = {"error": str(e)}
    for i, record in zip(runnable, output_records(model.encode(encodings, batch_size=batch_size, trace=trace))):
        results[i] = record
    return [{id_field: row[id_field], **result} for row, result in zip(rows, results)]


def record_line(record: dict[str, Any]) -> str:
    """A record as one JSONL line, compact and in UTF-8 like ltp-run's."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
