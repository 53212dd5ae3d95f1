"""Fine-tune a pretrained BERT-family encoder on a GLUE task, then learn LTP
thresholds the paper's way (soft stage, then hard stage), and export model
folders the C++ engine loads. Never part of the build or the tests.

    python tools/train/train.py --task SST-2 --base DIR --out RUN_DIR

Stages: dense (fine-tune) -> soft (thresholds learn through sigmoid masks with
loss + lambda * mean alive share) -> hard (thresholds frozen, real pruning,
weights fine-tuned). Every --save-every steps the stage's state (weights,
optimizer, schedule, step) is written atomically to RUN_DIR/ckpt-<stage>.pt;
re-running the same command continues where it stopped, on any machine that has
RUN_DIR. Exports RUN_DIR/model-dense and RUN_DIR/model-ltp."""
import argparse
import json
import math
import os
import random
import time
from pathlib import Path

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

from export import export_model_folder
from glue import TASKS, read_split
from ltp_model import PruningClassifier, kept_fraction

ROOT = Path(__file__).resolve().parents[2]
GLUE = ROOT.parent / "shared" / "data" / "glue"

# Per task: epochs of (dense, soft, hard) and the sparsity weight lambda.
SCHEDULES = {
    "SST-2": dict(dense=1.0, soft=0.3, hard=0.3, lam=0.5),
    "CoLA": dict(dense=3.0, soft=1.0, hard=1.0, lam=0.5),
    "MRPC": dict(dense=4.0, soft=2.0, hard=2.0, lam=0.5),
    "RTE": dict(dense=3.0, soft=1.0, hard=1.0, lam=0.5),
    "STS-B": dict(dense=3.0, soft=1.0, hard=1.0, lam=0.5),
}


def log(run_dir, **record):
    record["time"] = time.strftime("%H:%M:%S")
    print(json.dumps(record), flush=True)
    with open(run_dir / "log.jsonl", "a") as f:
        f.write(json.dumps(record) + "\n")


def encode_rows(tok, rows, max_length):
    texts = [r[0] for r in rows]
    pairs = [r[1] for r in rows] if rows[0][1] is not None else None
    enc = tok(texts, pairs, truncation="longest_first", max_length=max_length)
    return [(enc["input_ids"][i], enc["token_type_ids"][i], rows[i][2]) for i in range(len(rows))]


def batches(examples, batch_size, seed, epoch):
    """Deterministic batches for an epoch: shuffle, bucket by length in chunks, shuffle batches."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(examples)))
    rng.shuffle(order)
    chunk = batch_size * 50
    result = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: len(examples[i][0]))
        result += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(result)
    return result


def collate(examples, indices, regression):
    n = max(len(examples[i][0]) for i in indices)
    ids = torch.zeros(len(indices), n, dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for row, i in enumerate(indices):
        e = examples[i]
        ids[row, :len(e[0])] = torch.tensor(e[0])
        types[row, :len(e[1])] = torch.tensor(e[1])
        mask[row, :len(e[0])] = 1
    labels = torch.tensor([examples[i][2] for i in indices], dtype=torch.float32 if regression else torch.long)
    return ids, types, mask, labels


def task_loss(logits, labels, regression):
    if regression:
        return torch.nn.functional.mse_loss(logits.squeeze(-1), labels)
    return torch.nn.functional.cross_entropy(logits, labels)


@torch.no_grad()
def evaluate(model, examples, task, batch_size=64):
    model.eval()
    predictions, kept = [], []
    for start in range(0, len(examples), batch_size):
        idx = list(range(start, min(len(examples), start + batch_size)))
        ids, types, mask, _ = collate(examples, idx, task.is_regression)
        logits, masks = model(ids, types, mask)
        predictions += logits.squeeze(-1).tolist() if task.is_regression else logits.argmax(-1).tolist()
        if masks:
            kept.append((kept_fraction(masks, mask), int(mask.sum())))
    labels = [e[2] for e in examples]
    if task.is_regression:
        metric = float(torch.corrcoef(torch.tensor([predictions, labels]))[0, 1])
    else:
        metric = sum(int(p == y) for p, y in zip(predictions, labels)) / len(labels)
    shares = None
    if kept:
        total = sum(t for _, t in kept)
        shares = [sum(k[l] * t for k, t in kept) / total for l in range(len(kept[0][0]))]
    model.train()
    return metric, shares


def run_stage(name, model, train, dev, task, args, run_dir, epochs, lr, threshold_lr=None, lam=0.0):
    ckpt = run_dir / f"ckpt-{name}.pt"
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total = max(1, int(epochs * steps_per_epoch))
    params = [p for n, p in model.named_parameters() if n != "thresholds"]
    groups = [{"params": params, "lr": lr, "weight_decay": 0.01}]
    if threshold_lr:
        groups.append({"params": [model.thresholds], "lr": threshold_lr, "weight_decay": 0.0})
    optimizer = torch.optim.AdamW(groups)
    warmup = int(0.06 * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / max(1, warmup)) * max(0.0, (total - s) / max(1, total - warmup)))
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step = state["step"]
        log(run_dir, stage=name, event="resumed", step=step, of=total)
    model.thresholds.requires_grad_(threshold_lr is not None)
    model.train()
    started = time.time()
    while step < total:
        epoch, offset = divmod(step, steps_per_epoch)
        plan = batches(train, args.batch_size, args.seed, epoch)
        for indices in plan[offset:]:
            if step >= total:
                break
            ids, types, mask, labels = collate(train, indices, task.is_regression)
            logits, masks = model(ids, types, mask)
            loss = task_loss(logits, labels, task.is_regression)
            sparsity = torch.tensor(0.0)
            if lam and masks:
                real = mask.to(torch.float32)
                alive = real
                shares = []
                for m in masks:
                    alive = alive * m
                    shares.append(alive.sum() / real.sum())
                sparsity = torch.stack(shares).mean()
                loss = loss + lam * sparsity
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 50 == 0:
                log(run_dir, stage=name, step=step, of=total, loss=round(float(loss), 4),
                    alive=round(float(sparsity), 3), thresholds=[round(t, 5) for t in model.thresholds.tolist()],
                    s_per_step=round((time.time() - started) / 50, 2))
                started = time.time()
            if step % args.save_every == 0 or step == total:
                tmp = ckpt.with_suffix(".tmp")
                torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                            "schedule": schedule.state_dict(), "step": step}, tmp)
                os.replace(tmp, ckpt)
    metric, shares = evaluate(model, dev, task)
    log(run_dir, stage=name, event="done", dev_metric=round(metric, 4), kept_per_layer=shares,
        thresholds=model.thresholds.tolist())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", required=True, choices=sorted(TASKS))
    ap.add_argument("--base", required=True, type=Path, help="pretrained HF BERT folder (safetensors + vocab)")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threshold-lr", type=float, default=2e-4)
    ap.add_argument("--final-token-threshold", type=float, default=0.02, help="initial thresholds: f * l / L")
    ap.add_argument("--lam", type=float, default=None, help="sparsity weight (default: per task)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save-every", type=int, default=200)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    task = TASKS[args.task]
    schedule = SCHEDULES[args.task]
    run_dir = args.out
    run_dir.mkdir(parents=True, exist_ok=True)
    state_file = run_dir / "state.json"
    done = json.loads(state_file.read_text())["completed"] if state_file.exists() else []

    tok = BertTokenizerFast.from_pretrained(args.base)
    train = encode_rows(tok, read_split(GLUE, task, "train"), args.max_length)
    dev = encode_rows(tok, read_split(GLUE, task, "dev"), args.max_length)
    config = BertConfig.from_pretrained(args.base)
    config.num_labels = 1 if task.is_regression else len(task.labels)
    if task.is_regression:
        config.problem_type = "regression"
    else:
        config.id2label = dict(enumerate(task.labels))
        config.label2id = {name: i for i, name in enumerate(task.labels)}
    config.architectures = ["BertForSequenceClassification"]
    hf = BertForSequenceClassification.from_pretrained(args.base, config=config)
    layers = config.num_hidden_layers
    model = PruningClassifier(hf, [args.final_token_threshold * l / layers for l in range(layers)])
    lam = args.lam if args.lam is not None else schedule["lam"]

    def finish(stage):
        done.append(stage)
        state_file.write_text(json.dumps({"completed": done}))

    for stage in ("dense", "soft", "hard"):
        if stage in done:
            continue
        previous = {"dense": None, "soft": "dense", "hard": "soft"}[stage]
        if previous:
            model.load_state_dict(torch.load(run_dir / f"ckpt-{previous}.pt", weights_only=False)["model"])
        model.mode = stage
        if stage == "dense":
            run_stage("dense", model, train, dev, task, args, run_dir, schedule["dense"], args.lr)
        elif stage == "soft":
            run_stage("soft", model, train, dev, task, args, run_dir, schedule["soft"], args.lr,
                      threshold_lr=args.threshold_lr, lam=lam)
        else:
            with torch.no_grad():
                model.thresholds.clamp_(min=0.0)
            run_stage("hard", model, train, dev, task, args, run_dir, schedule["hard"], args.lr / 2)
        finish(stage)

    for stage, folder in (("dense", "model-dense"), ("hard", "model-ltp")):
        model.load_state_dict(torch.load(run_dir / f"ckpt-{stage}.pt", weights_only=False)["model"])
        thresholds = [max(0.0, t) for t in model.thresholds.tolist()] if stage == "hard" else None
        export_model_folder(model.hf, args.base, run_dir / folder, task, thresholds)
        log(run_dir, event="exported", folder=str(run_dir / folder))


if __name__ == "__main__":
    main()
