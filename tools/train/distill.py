"""Knowledge distillation from a fine-tuned teacher (train.py --teacher): the
teacher's logits on every training row, computed once with its own tokenizer
and cached in the run folder, and the loss that mixes them into the task loss.

    loss = (1 - w) · task loss + w · T² · KL(softmax(teacher / T) ‖ softmax(student / T))

for classification (Hinton et al.'s soft targets; T² keeps the gradient's
scale as T changes), and (1 - w) · MSE(label) + w · MSE(teacher's score) for
regression. The teacher runs dense, in float32, as a Hugging Face model."""
import hashlib
import json
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from tools.train.batching import collate, encode_rows


def teacher_logits(teacher: Path, rows, task, max_length, cache: Path, batch_size=64):
    """[len(rows) × labels] float32: the teacher's logits on `rows` (glue.read_split rows),
    read from `cache` when it was made by the same teacher on the same rows."""
    key = cache_key(teacher, rows, max_length)
    if cache.exists():
        saved = torch.load(cache, weights_only=True)
        if saved["key"] == key:
            return saved["logits"]
    model = load_teacher(teacher, task)
    examples = encode_rows(AutoTokenizer.from_pretrained(teacher), rows, max_length)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))  # little padding per batch
    logits = torch.empty(len(examples), model.config.num_labels)
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            indices = order[start:start + batch_size]
            ids, types, mask, _ = collate(examples, indices, task.is_regression)
            logits[indices] = model(input_ids=ids, attention_mask=mask, **token_types(model, types)).logits.float()
    tmp = cache.with_suffix(".tmp")
    torch.save({"key": key, "logits": logits}, tmp)
    tmp.replace(cache)
    return logits


def load_teacher(folder: Path, task):
    """The teacher as a float32 HF classifier; refused unless it was fine-tuned on `task` and runs dense."""
    config = json.loads((folder / "config.json").read_text())
    if config.get("ltp_task") != task.name:
        raise SystemExit(f"--teacher {folder}: config.json says it was trained on "
                         f"{config.get('ltp_task', 'no GLUE task')!r}, not {task.name}")
    if "ltp" in config:
        raise SystemExit(f"--teacher {folder}: it has LTP thresholds, which a Hugging Face model ignores; "
                         "pass the run's model-dense folder")
    model = AutoModelForSequenceClassification.from_pretrained(folder, dtype=torch.float32)
    return model.eval()


def token_types(model, types):
    """MPNet's forward takes no token type ids."""
    return {} if model.config.model_type == "mpnet" else {"token_type_ids": types}


def cache_key(teacher: Path, rows, max_length):
    """Names the teacher's weights and the rows, so that a changed teacher or data set recomputes."""
    digest = hashlib.sha256()
    with open(teacher / "model.safetensors", "rb") as f:
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
