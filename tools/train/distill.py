"""A fine-tuned teacher's logits on every training row (train.py --teacher),
computed once by the engine and cached in the run folder; losses.py mixes
them into the task loss. The teacher runs in ltp-run, at fp32, with its own
tokenizer, pruned when its folder has thresholds: far faster than a PyTorch
forward on a CPU."""
import hashlib
import json
import subprocess
import tempfile
from pathlib import Path

import torch


def teacher_logits(teacher: Path, rows, task, max_length, cache: Path, ltp_run: Path, threads):
    """[len(rows) × labels] float32: the teacher's logits on `rows` (glue.read_split rows) as ltp-run
    computes them, read from `cache` when it was made by the same teacher folder on the same rows."""
    check_teacher(teacher, task)
    command = ["-m", str(teacher), "--input-format", "jsonl", "--precision", "fp32", "--max-length", str(max_length)]
    key = cache_key(teacher, rows, command)
    if cache.exists():
        saved = torch.load(cache, weights_only=True)
        if saved["key"] == key:
            return saved["logits"]
    if not ltp_run.exists():
        raise SystemExit(f"--teacher runs in {ltp_run}, which is missing: build first (bash tools/setup.sh)")
    with tempfile.TemporaryDirectory() as work:
        inputs, outputs = Path(work) / "rows.jsonl", Path(work) / "logits.jsonl"
        with open(inputs, "w", encoding="utf-8") as f:
            for text, pair, _ in rows:
                f.write(json.dumps({"text": text} if pair is None else {"text": text, "text_pair": pair}) + "\n")
        run = subprocess.run([str(ltp_run), *command, "-i", str(inputs), "-o", str(outputs), "--threads", str(threads)],
                             stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            raise SystemExit(f"--teacher {teacher}: ltp-run failed: {run.stderr.strip()}")
        # One record per line; "\n" only, as JSON strings may hold other line separators raw.
        records = [json.loads(line) for line in outputs.read_text(encoding="utf-8").split("\n") if line]
    if len(records) != len(rows):
        raise SystemExit(f"--teacher {teacher}: ltp-run wrote {len(records)} records for {len(rows)} rows")
    logits = torch.tensor([teacher_output(r, rows) for r in records], dtype=torch.float32)
    partial = cache.with_suffix(".tmp")
    torch.save({"key": key, "logits": logits}, partial)
    partial.replace(cache)
    return logits


def check_teacher(folder: Path, task):
    """Refuses a teacher that is not a model folder fine-tuned on `task` (config.json's ltp_task, from export.py)."""
    for name in ("config.json", "model.safetensors"):
        if not (folder / name).is_file():
            raise SystemExit(f"--teacher {folder}: no {name} there; pass a model folder (a run's model-dense)")
    config = json.loads((folder / "config.json").read_text())
    if config.get("ltp_task") != task.name:
        raise SystemExit(f"--teacher {folder}: config.json says it was trained on "
                         f"{config.get('ltp_task', 'no GLUE task')!r}, not {task.name}")


def teacher_output(record, rows):
    """One ltp-run record as a logit vector (a regression's score as a vector of one)."""
    if "error" in record:
        text, pair, _ = rows[record["index"]]
        raise SystemExit(f"the teacher cannot run training row {record['index']} ({text!r}, {pair!r}): "
                         f"{record['error']}")
    return record["logits"] if "logits" in record else [record["score"]]


def cache_key(teacher: Path, rows, command):
    """Names every file of the teacher folder (weights, config, tokenizer, smoothing), the rows and how
    ltp-run is asked to run them, so that a change to any of them recomputes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in teacher.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    digest.update(json.dumps([rows, command]).encode())
    return digest.hexdigest()
