"""One training stage (dense, soft or hard) with resumable checkpoints, and the
evaluation that reports a model as the engine will run it: metric, tokens
kept per layer and FLOPs reduction."""
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Optional

import torch
from tqdm import tqdm

from tools.train.batching import collate, numbered_batches
from tools.train.losses import task_loss, teacher_mixed_loss
from tools.train.flops import flops_reduction
from tools.train.lambda_control import LambdaController
from tools.train.ltp_model import alive_counts

LOG_EVERY = 50  # steps between records in log.jsonl


@dataclass
class Stage:
    name: str                                  # dense, soft or hard
    epochs: float
    lr: float
    threshold_lr: Optional[float] = None       # soft: the thresholds learn at this rate
    lam: float = 0.0                           # soft: sparsity weight (the start value under a target)
    target_reduction: Optional[float] = None   # soft: steer lam until the thresholds reach this


@dataclass
class Settings:
    out: Path                    # the run folder: checkpoints and log.jsonl
    batch_size: int
    seed: int
    save_every: int
    max_steps: Optional[int]     # caps each stage's steps
    control_every: int           # steps between held-out measurements under a target
    teacher: Optional[dict] = None  # with Data.teacher: {"folder", "weight", "temperature"} (losses.py)


class Data(NamedTuple):
    train: list
    dev: list
    holdout: list                # slice of the training data measured for the FLOPs target; never trained on
    teacher: Optional[torch.Tensor] = None  # [len(train) × labels]: a teacher's logits to distil (distill.py)


class Evaluation(NamedTuple):
    metric: float                # the task's GLUE metric (Task.metric)
    kept_per_layer: list         # share of the input tokens alive after each layer; None when dense
    flops_reduction: float


class Outcome(NamedTuple):
    dev: Evaluation              # the model as exported
    lam: float                   # sparsity weight at the end
    steps: int
    holdout_reduction: Optional[float]  # under a target: the FLOPs reduction reached on the held-out slice


def supervised_loss(data: Data, task, settings: Settings):
    """loss(logits, labels, indices) of a training batch: the task's, or mixed with the teacher's when there is one."""
    if data.teacher is None:
        return lambda logits, labels, indices: task_loss(logits, labels, task.is_regression)
    weight, temperature = settings.teacher["weight"], settings.teacher["temperature"]
    return lambda logits, labels, indices: teacher_mixed_loss(logits, data.teacher[indices], labels,
                                                              task.is_regression, weight, temperature)


@contextmanager
def as_exported(model):
    """The model as its exported folder runs in the engine: pruning is hard,
    with negative thresholds as 0 (which prunes nothing). Dense stays dense."""
    if model.mode == "dense":
        yield model
        return
    mode, thresholds = model.mode, model.thresholds.detach().clone()
    model.mode = "hard"
    with torch.no_grad():
        model.thresholds.clamp_(min=0.0)
    try:
        yield model
    finally:
        model.mode = mode
        with torch.no_grad():
            model.thresholds.copy_(thresholds)


@torch.no_grad()
def evaluate(model, examples, task, batch_size=64):
    """Metric, tokens kept and FLOPs reduction of `model`, in its current mode, on `examples`."""
    training = model.training
    model.eval()
    predictions, lengths, kept = [], [], []
    for start in range(0, len(examples), batch_size):
        indices = range(start, min(len(examples), start + batch_size))
        ids, types, mask, _ = collate(examples, indices, task.is_regression)
        logits, masks = model(ids, types, mask)
        predictions += logits.squeeze(-1).tolist() if task.is_regression else logits.argmax(-1).tolist()
        lengths += mask.sum(dim=-1).tolist()
        if masks:
            kept += alive_counts(masks, mask).tolist()
    model.train(training)
    metric = task.score(predictions, [e[2] for e in examples])
    if not kept:
        return Evaluation(metric, None, 1.0)
    shares = [sum(k[l] for k in kept) / sum(lengths) for l in range(len(kept[0]))]
    return Evaluation(metric, shares, flops_reduction(model.hf.config, lengths, kept))


def optimizer_for(stage: Stage, model, total):
    """AdamW (the thresholds in their own group when they learn) with a 6%
    linear warm-up, then a linear decay to 0 at `total` steps."""
    weights = [p for n, p in model.named_parameters() if n != "thresholds"]
    groups = [{"params": weights, "lr": stage.lr, "weight_decay": 0.01}]
    if stage.threshold_lr:
        groups.append({"params": [model.thresholds], "lr": stage.threshold_lr, "weight_decay": 0.0})
    optimizer = torch.optim.AdamW(groups)
    warmup = int(0.06 * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / max(1, warmup)) * max(0.0, (total - s) / max(1, total - warmup)))
    return optimizer, schedule


def train_step(model, examples, indices, task, lam, loss_of):
    """Forward and backward on one batch; the soft stage adds lam · mean share of tokens alive."""
    ids, types, mask, labels = collate(examples, indices, task.is_regression)
    logits, masks = model(ids, types, mask)
    loss = loss_of(logits, labels, indices)
    if model.mode == "soft":
        loss = loss + lam * alive_counts(masks, mask).sum() / (len(masks) * mask.sum())
    loss.backward()
    return loss.item()


def run_stage(stage: Stage, model, data: Data, task, settings: Settings, log):
    """Trains `model` through `stage`, continuing from the stage's checkpoint when there is one."""
    ckpt = settings.out / f"ckpt-{stage.name}.pt"
    total = max(1, int(stage.epochs * math.ceil(len(data.train) / settings.batch_size)))
    if settings.max_steps:
        total = min(total, settings.max_steps)
    optimizer, schedule = optimizer_for(stage, model, total)
    controller = LambdaController(stage.target_reduction, stage.lam) if stage.target_reduction else None
    if stage.name == "hard":
        with torch.no_grad():
            model.thresholds.clamp_(min=0.0)
    step, lam, reduction = 0, stage.lam, None
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step, lam = state["step"], state["lam"]
        if state.get("teacher") != settings.teacher:  # one stage, one loss
            raise SystemExit(f"{ckpt} was trained with teacher {state.get('teacher')}, this run has "
                             f"{settings.teacher}: rerun with the options it started with, or delete it")
        if controller:
            controller.integral = state["lam_integral"]
        log(stage=stage.name, event="resumed", step=step, of=total)
    model.mode = stage.name
    model.thresholds.requires_grad_(stage.threshold_lr is not None)
    model.train()
    bar = tqdm(total=total, initial=step, desc=stage.name, unit="step", dynamic_ncols=True)

    def steer():
        nonlocal lam, reduction
        reduction = holdout_reduction(model, data, task)
        lam = controller.update(reduction)
        log(stage=stage.name, step=step, holdout_flops_reduction=reduction, lam=lam)
        bar.set_postfix(lam=f"{lam:.3g}", flops=f"{reduction:.2f}x", refresh=False)

    if controller and step == 0:
        steer()  # the first steps already move the thresholds: start from a measured lam
    loss_of = supervised_loss(data, task, settings)
    for step, indices in numbered_batches(data.train, settings.batch_size, settings.seed, step, total):
        loss = train_step(model, data.train, indices, task, lam, loss_of)
        torch.nn.utils.clip_grad_norm_(optimizer.param_groups[0]["params"], 1.0)  # the weights, not the thresholds
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        bar.update()
        if controller and step % settings.control_every == 0:
            steer()
        if step % LOG_EVERY == 0:
            log(stage=stage.name, step=step, of=total, loss=round(loss, 4),
                thresholds=[round(t, 5) for t in model.thresholds.tolist()])
        if step % settings.save_every == 0 or step == total:
            tmp = ckpt.with_suffix(".tmp")
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "schedule": schedule.state_dict(), "step": step, "lam": lam,
                        "lam_integral": controller.integral if controller else None,
                        "teacher": settings.teacher}, tmp)
            os.replace(tmp, ckpt)
    bar.close()
    if controller:
        reduction = holdout_reduction(model, data, task)
    with as_exported(model):
        result = evaluate(model, data.dev, task)
    log(stage=stage.name, event="done", dev_metric=round(result.metric, 4), kept_per_layer=result.kept_per_layer,
        flops_reduction=result.flops_reduction, holdout_flops_reduction=reduction,
        thresholds=model.thresholds.tolist(), lam=lam)
    return Outcome(result, lam, total, reduction)


def holdout_reduction(model, data: Data, task):
    with as_exported(model):
        return evaluate(model, data.holdout, task).flops_reduction
