"""Batch inference over a large corpus on a Ray cluster (README, "Large corpora").

Ray Data reads the input shards (JSONL or Parquet, told apart by their suffix;
each row an id, "text" and optionally "text_pair"); a pool of actors runs ltp,
each loading the model once and running as many threads as the cluster has
CPUs per actor; the records (ltp.records) come back in input order and are
written one JSONL file per input shard. A shard whose output exists is
skipped: a job that stopped resumes.

    python -m ltp.ray_job -m models/default -o results/ corpus/*.jsonl
"""
from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq
import ray

from ._ltp import Model
from .records import encode_rows, record_line
from .shards import ShardWriter, pending_shards

_SHARD = "_ltp_shard"  # the column that carries each row's input shard through the job


class LtpActor:
    """One per pool slot: the model is loaded once, then encodes batch after batch."""

    def __init__(self, model_dir: str, model_options: dict[str, Any], threads: int, id_field: str, trace: bool):
        self._model = Model(model_dir, threads=threads, **model_options)
        self._id_field = id_field
        self._trace = trace

    def __call__(self, batch: pa.Table) -> pa.Table:
        records = encode_rows(self._model, batch.to_pylist(), id_field=self._id_field, batch_size=batch.num_rows,
                              trace=self._trace)
        return pa.table({_SHARD: batch[_SHARD], "record": [record_line(r) for r in records]})


def _read_shard(batch: pa.Table) -> pa.Table:
    """The rows of one shard (batches of one path each), each with the path."""
    path = batch[_SHARD][0].as_py()
    table = pq.read_table(path) if path.endswith(".parquet") else pa_json.read_json(path)
    return table.append_column(_SHARD, pa.array([path] * table.num_rows, pa.string()))


def _read(shards: Sequence[Path]) -> ray.data.Dataset:
    # Reading takes no CPU slot: the actors hold them all, and a read waiting
    # for one would never start. (Ray Data's own Parquet reader lists the files
    # in a task that asks for a whole CPU, hence this reader.)
    paths = ray.data.from_items([{_SHARD: str(shard.resolve())} for shard in shards])
    return paths.map_batches(_read_shard, batch_size=1, batch_format="pyarrow", num_cpus=0)


def run(shards: Sequence[str | os.PathLike], output_dir: str | os.PathLike, model_dir: str | os.PathLike, *,
        model_options: dict[str, Any] | None = None, actors: int | None = None, batch_size: int = 64,
        id_field: str = "id", trace: bool = False) -> list[Path]:
    """Encodes each shard whose output is missing on the connected Ray cluster
    (ray.init first) with `actors` actors (default: one per node); returns the
    shards it wrote."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    todo = pending_shards(shards, output_dir)
    if not todo:
        return []
    actors = actors or len([n for n in ray.nodes() if n["Alive"]])
    threads = max(1, int(ray.cluster_resources()["CPU"]) // actors)
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    results = _read(todo).map_batches(
        LtpActor, batch_size=batch_size, batch_format="pyarrow", num_cpus=threads,
        compute=ray.data.ActorPoolStrategy(size=actors),
        fn_constructor_kwargs={"model_dir": str(Path(model_dir).resolve()), "model_options": model_options or {},
                               "threads": threads, "id_field": id_field, "trace": trace})
    with ShardWriter(todo, output_dir) as writer:
        for batch in results.iter_batches(batch_size=None, batch_format="pyarrow"):
            for path, record in zip(batch[_SHARD].to_pylist(), batch["record"].to_pylist()):
                writer.write(path, record)
    return todo


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ltp.ray_job", description=__doc__.split("\n\n")[0])
    parser.add_argument("shards", nargs="+", help="input shards: .jsonl or .parquet files")
    parser.add_argument("-o", "--output", required=True, help="folder of the outputs, one .jsonl per shard")
    parser.add_argument("-m", "--model", required=True, help="model folder, at the same path on every node")
    parser.add_argument("--model-options", type=json.loads, default={},
                        help='keyword arguments of ltp.Model as JSON, e.g. \'{"prune": false}\'')
    parser.add_argument("--actors", type=int, help="actors in the pool (default: one per node)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--id-field", default="id", help="the input's id column, copied into each record")
    parser.add_argument("--trace", action="store_true", help="add tokens kept per layer and FLOPs")
    parser.add_argument("--address", help="Ray cluster to join (default: $RAY_ADDRESS, else a local one)")
    args = parser.parse_args(argv)
    ray.init(address=args.address, ignore_reinit_error=True)
    written = run(args.shards, args.output, args.model, model_options=args.model_options, actors=args.actors,
                  batch_size=args.batch_size, id_field=args.id_field, trace=args.trace)
    print(f"ltp.ray_job: wrote {len(written)} of {len(args.shards)} shards to {args.output}")


if __name__ == "__main__":
    main()
