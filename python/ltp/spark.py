"""ltp in a PySpark job: a mapPartitions function over JSONL lines (README,
"Large corpora"; the driver is python/examples/spark_job.py). It needs no
pyspark itself: Spark calls it in its Python workers.
"""
from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ._ltp import Model
from .records import encode_rows, record_line


@functools.lru_cache(maxsize=4)
def _model(model_dir: str, options: str) -> Model:
    # Spark reuses a Python worker for task after task: loaded once per worker.
    return Model(model_dir, **json.loads(options))


def encode_partition(lines: Iterable[str], model_dir: str, *, model_options: Mapping[str, Any] | None = None,
                     batch_size: int = 64, id_field: str = "id", trace: bool = False) -> Iterator[str]:
    """JSONL rows (an id, "text", optionally "text_pair") → ltp.records lines, in order."""
    model = _model(str(model_dir), json.dumps(dict(model_options or {}), sort_keys=True))
    lines = iter(lines)
    while batch := [json.loads(line) for line in itertools.islice(lines, batch_size)]:
        for record in encode_rows(model, batch, id_field=id_field, batch_size=batch_size, trace=trace):
            yield record_line(record)
