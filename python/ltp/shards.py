"""A batch job's outputs: one JSONL file of records per input shard, named after
it. Each is written beside its final name and renamed when complete, so a job
that stops leaves only whole outputs, and a rerun skips the shards that have one.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def output_path(shard: str | os.PathLike, output_dir: str | os.PathLike) -> Path:
    """corpus/part-003.parquet → OUTPUT_DIR/part-003.jsonl"""
    return Path(output_dir) / (Path(shard).stem + ".jsonl")


def pending_shards(shards: Sequence[str | os.PathLike], output_dir: str | os.PathLike) -> list[Path]:
    """The shards, in order, whose output is missing. Raises ValueError when two
    shards would write the same output."""
    seen: dict[Path, Path] = {}
    for shard in map(Path, shards):
        other = seen.setdefault(output_path(shard, output_dir), shard)
        if other != shard:
            raise ValueError(f"{other} and {shard} would both write {output_path(shard, output_dir)}: "
                             "give the shards distinct names")
    return [shard for shard in map(Path, shards) if not output_path(shard, output_dir).exists()]


class ShardWriter:
    """Writes the lines of each shard to its output, the shards in the order
    given; a shard that receives no line gets an empty output. Use as a context
    manager: on an error the output being written is dropped, whole ones stay."""

    def __init__(self, shards: Sequence[str | os.PathLike], output_dir: str | os.PathLike):
        self._shards = [Path(s) for s in shards]
        self._output_dir = Path(output_dir)
        self._next = 0  # index of the next shard to open
        self._file = None
        self._current: Path | None = None

    def write(self, shard: str | os.PathLike, line: str) -> None:
        """Appends `line` to the output of `shard` (its name, or any path ending in it)."""
        name = Path(shard).name
        if self._current is None or self._current.name != name:
            # Checked before the shard being written is taken as whole.
            if name not in (s.name for s in self._shards[self._next:]):
                raise ValueError(f"a record of {name} came after those of a later shard (out of order?)")
            while self._current is None or self._current.name != name:
                self._finish_current()
                self._open_next()
        self._file.write(line + "\n")

    def _open_next(self) -> None:
        self._current = self._shards[self._next]
        self._next += 1
        self._file = open(self._partial(), "w", encoding="utf-8")

    def _partial(self) -> Path:
        final = output_path(self._current, self._output_dir)
        return final.with_name("." + final.name + ".partial")

    def _finish_current(self) -> None:
        if self._file is None:
            return
        self._file.close()
        os.replace(self._partial(), output_path(self._current, self._output_dir))
        self._file = None

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is None:
            self._finish_current()
            while self._next < len(self._shards):  # shards without a line
                self._open_next()
                self._finish_current()
        elif self._file is not None:
            self._file.close()
            os.remove(self._partial())
