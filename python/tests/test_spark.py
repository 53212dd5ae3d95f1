"""The Spark example (python/examples/spark_job.py) on a local Spark: its part
files hold every record once, in order, equal to ltp-run's."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import DEFAULT_MODEL, ROOT, pairs, sentences

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (Debian: openjdk-17-jre-headless)", allow_module_level=True)


def test_spark_job_equals_ltp_run(tmp_path, ltp_run):
    texts = sentences(150) + pairs(50)
    rows = [{"id": i, "text": t} if isinstance(t, str) else {"id": i, "text": t[0], "text_pair": t[1]}
            for i, t in enumerate(texts)]
    shards = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    shards[0].write_text("".join(json.dumps(r) + "\n" for r in rows[:120]))
    shards[1].write_text("".join(json.dumps(r) + "\n" for r in rows[120:]))
    # Spark's Python workers run this interpreter, which imports ltp as the tests do.
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    subprocess.run([sys.executable, ROOT / "python" / "examples" / "spark_job.py", "-m", DEFAULT_MODEL, "-o",
                    tmp_path / "out", "--trace", *shards], env=env, check=True, capture_output=True)
    records = [json.loads(line) for part in sorted((tmp_path / "out").glob("part-*")) for line in part.open()]
    assert [r.pop("id") for r in records] == list(range(len(rows)))
    assert records == ltp_run(DEFAULT_MODEL, texts)
