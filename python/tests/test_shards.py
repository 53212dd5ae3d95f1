"""Output shards: whole files or none, named after their input, skipped once written."""
import pytest

from ltp.shards import ShardWriter, output_path, pending_shards


def test_pending_shards_skip_written_ones_and_refuse_clashes(tmp_path):
    shards = [tmp_path / "in" / "a.jsonl", tmp_path / "in" / "b.parquet"]
    assert output_path(shards[1], tmp_path) == tmp_path / "b.jsonl"
    (tmp_path / "a.jsonl").write_text("done\n")
    assert pending_shards(shards, tmp_path) == [shards[1]]
    with pytest.raises(ValueError, match="would both write"):
        pending_shards([tmp_path / "x" / "a.jsonl", tmp_path / "y" / "a.parquet"], tmp_path)


def test_each_shard_gets_its_lines_and_empty_ones_an_empty_file(tmp_path):
    with ShardWriter(["in/a.jsonl", "in/b.jsonl", "in/c.jsonl", "in/d.jsonl"], tmp_path) as writer:
        writer.write("/abs/in/a.jsonl", "1")
        writer.write("a.jsonl", "2")
        writer.write("c.jsonl", "3")
    assert [(tmp_path / f"{s}.jsonl").read_text() for s in "abcd"] == ["1\n2\n", "", "3\n", ""]
    assert not list(tmp_path.glob(".*"))


def test_a_failed_job_leaves_only_whole_outputs(tmp_path):
    with pytest.raises(RuntimeError), ShardWriter(["a.jsonl", "b.jsonl"], tmp_path) as writer:
        writer.write("a.jsonl", "1")
        writer.write("b.jsonl", "2")
        raise RuntimeError("the job stopped")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_records_out_of_order_are_refused(tmp_path):
    with pytest.raises(ValueError, match="out of order"), ShardWriter(["a.jsonl", "b.jsonl"], tmp_path) as writer:
        writer.write("b.jsonl", "1")
        writer.write("a.jsonl", "2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]
