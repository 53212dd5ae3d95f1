"""The Ray job on a local cluster of two workers: every record once, in input
order, with its id, equal to ltp-run's; a rerun redoes only missing shards."""
import json
import logging

import pytest

from conftest import DEFAULT_MODEL, pairs, sentences

ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
from ltp import ray_job  # noqa: E402  (needs ray)

SHARDS, ROWS_PER_SHARD = 6, 500


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """3000 rows (SST-2 sentences and MRPC pairs, one empty text) in six JSONL shards."""
    texts = (sentences(900) + pairs(400)) * 3
    rows = [{"id": f"row-{i}", "text": t} if isinstance(t, str) else {"id": f"row-{i}", "text": t[0], "text_pair": t[1]}
            for i, t in enumerate(texts[:SHARDS * ROWS_PER_SHARD])]
    rows[1234]["text"] = ""
    folder = tmp_path_factory.mktemp("corpus")
    shards = [folder / f"part-{s}.jsonl" for s in range(SHARDS)]
    for s, shard in enumerate(shards):
        shard.write_text("".join(json.dumps(r) + "\n" for r in rows[s * ROWS_PER_SHARD:(s + 1) * ROWS_PER_SHARD]))
    return rows, shards


def read_outputs(folder, shards):
    return [json.loads(line) for shard in shards for line in (folder / (shard.stem + ".jsonl")).open()]


def without_messages(records):
    """ltp-run and the job word an input's error in their own terms; that there is one is what must agree."""
    return [{"error": True} if "error" in r else r for r in records]


def test_every_record_once_in_order_equal_to_ltp_run(cluster, corpus, tmp_path, ltp_run):
    rows, shards = corpus
    assert ray_job.run(shards, tmp_path, DEFAULT_MODEL, actors=2, trace=True) == shards
    records = read_outputs(tmp_path, shards)
    assert [r.pop("id") for r in records] == [row["id"] for row in rows]
    inputs = [(r["text"], r["text_pair"]) if "text_pair" in r else r["text"] for r in rows]
    expected = ltp_run(DEFAULT_MODEL, inputs, batch_size=64)
    assert "error" in records[1234] and without_messages(records) == without_messages(expected)


def test_a_rerun_redoes_only_missing_shards(cluster, corpus, tmp_path):
    _, shards = corpus
    ray_job.run(shards, tmp_path, DEFAULT_MODEL, actors=2)
    first = {p.name: p.read_text() for p in tmp_path.iterdir()}
    (tmp_path / "part-3.jsonl").unlink()
    (tmp_path / ".part-3.jsonl.partial").write_text("left by a job that stopped\n")
    unchanged = {p: p.stat().st_mtime_ns for p in tmp_path.glob("part-*.jsonl")}
    assert ray_job.run(shards, tmp_path, DEFAULT_MODEL, actors=1) == [shards[3]]
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == first  # the stale .partial is gone too
    assert all(p.stat().st_mtime_ns == mtime for p, mtime in unchanged.items())
    assert ray_job.run(shards, tmp_path, DEFAULT_MODEL) == []


def test_parquet_shards_through_the_command_line(cluster, corpus, tmp_path):
    rows, _ = corpus
    shards = [tmp_path / "in" / f"part-{s}.parquet" for s in range(2)]
    shards[0].parent.mkdir()
    for s, shard in enumerate(shards):
        chunk = [{"text_pair": None, **r} for r in rows[s * 100:(s + 1) * 100]]
        pq.write_table(pa.Table.from_pylist(chunk), shard)
    ray_job.main([*map(str, shards), "-o", str(tmp_path / "out"), "-m", str(DEFAULT_MODEL), "--actors", "2",
                  "--model-options", '{"prune": false}'])
    records = read_outputs(tmp_path / "out", shards)
    assert [r["id"] for r in records] == [r["id"] for r in rows[:200]]
    assert all("label" in r and "tokens_kept" not in r for r in records)
