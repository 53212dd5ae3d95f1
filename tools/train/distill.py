"""Knowledge distillation from a fine-tuned teacher (train.py --teacher): the
teacher's logits on every training row, computed once with its own tokenizer
and cached in the run folder, and the loss that mixes them into the task loss.

    loss = (1 - w) · task loss + w · T² · KL(softmax(teacher / T) ‖ softmax(student / T))

for classification (Hinton et al.'s soft targets; T² keeps the gradient's
scale as T changes), and (1 - w) · MSE(label) + w · MSE(teacher's score) for
regression. The teacher runs in the engine (ltp-run, fp32, as its folder
says: pruned when it has thresholds), far faster than a PyTorch forward."""
import hashlib
import json
import subprocess
import tempfile
from pathlib import Path

import torch


def teacher_logits(teacher: Path, rows, task, max_length, cache: Path, ltp_run: Path, threads):
    """[len(rows) × labels] float32: the teacher's logits on `rows` (glue.read_split rows) as ltp-run
    computes them, read from `cache` when it was made by the same teacher on the same rows."""
    check_teacher(teacher, task)
    key = cache_key(teacher, rows, max_length)
    if cache.exists():
        saved = torch.load(cache, weights_only=True)
        if saved["key"] == key:
            return saved["logits"]
    if not ltp_run.exists():
        raise SystemExit(f"--teacher runs in {ltp_run}, which is missing: build first (bash tools/setup.sh)")
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "rows.jsonl", Path(tmp) / "logits.jsonl"
        with open(inputs, "w", encoding="utf-8") as f:
            for text, pair, _ in rows:
                f.write(json.dumps({"text": text} if pair is None else {"text": text, "text_pair": pair}) + "\n")
        run = subprocess.run([str(ltp_run), "-m", str(teacher), "--input-format", "jsonl", "-i", str(inputs),
                              "-o", str(outputs), "--max-length", str(max_length), "--threads", str(threads)],
                             stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            raise SystemExit(f"--teacher {teacher}: ltp-run failed: {run.stderr.strip()}")
        records = [json.loads(line) for line in outputs.read_text(encoding="utf-8").splitlines()]
    logits = torch.tensor([teacher_output(r, rows) for r in records], dtype=torch.float32)
    tmp = cache.with_suffix(".tmp")
    torch.save({"key": key, "logits": logits}, tmp)
    tmp.replace(cache)
    return logits


def check_teacher(folder: Path, task):
    """Refuses a teacher that was not fine-tuned on `task` (config.json's ltp_task, written by export.py)."""
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


def cache_key(teacher: Path, rows, max_length):
    """Names the teacher (weights and config, thresholds included) and the rows, so that a change recomputes."""
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors"):
        with open(teacher / name, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    digest.update(json.dumps([rows, max_length]).encode())
    return digest.hexdigest()


def distillation_loss(student, teacher, labels, task, weight, temperature):
    """The mixed loss of the module docstring for one batch: student and teacher [B × labels]."""
    if task.is_regression:
        hard = torch.nn.functional.mse_loss(student.squeeze(-1), labels)
        soft = torch.nn.functional.mse_loss(student.squeeze(-1), teacher.squeeze(-1))
    else:
        hard = torch.nn.functional.cross_entropy(student, labels)
        soft = torch.nn.functional.kl_div(torch.log_softmax(student / temperature, dim=-1),
                                          torch.log_softmax(teacher / temperature, dim=-1),
                                          log_target=True, reduction="batchmean") * temperature ** 2
    return (1 - weight) * hard + weight * soft
