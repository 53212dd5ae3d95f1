"""MODEL_CARD.md of an exported model: where it comes from, how it was
trained, what it scores on dev and under which terms."""
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from tools.train.glue import Task

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunFacts:
    task: Task
    base: Path
    base_licence: Optional[str]
    command: str
    data: Path                   # GLUE root the training set came from
    dev_data: Path
    examples: dict               # "train", "holdout", "dev": counts used
    max_length: int
    batch_size: int
    seed: int
    stages: dict                 # stage name -> its record in state.json
    smoke: bool


def render(run: RunFacts, config, thresholds=None):
    """The card for model-dense (thresholds None) or model-ltp."""
    kind = "with learned token pruning (LTP)" if thresholds is not None else "dense"
    labels = ", ".join(f"`{name}`" for name in run.task.labels) or "a similarity score"
    lines = [f"# GLUE {run.task.name} classifier from {run.base.name}, {kind}", ""]
    if run.smoke:
        lines += ["**Smoke run** (`--smoke`): a few steps on a small subset, made to check a setup. "
                  "Not a usable model.", ""]
    lines += [f"Predicts {labels}. {config.num_hidden_layers} layers, hidden {config.hidden_size}, "
              f"{config.num_attention_heads} heads, FFN {config.intermediate_size}; F16 weights.", ""]
    stages = ["dense"] if thresholds is None else ["dense", "soft", "hard"]
    return "\n".join(lines + origin(run) + schedule(run, stages, thresholds) + results(run, stages))


def origin(run):
    holdout = run.examples["holdout"]
    held_out = f" ({holdout} more held out to measure the FLOPs target)" if holdout else ""
    licence = run.base_licence or "not recorded (train.py --base-licence); the base model's own terms apply"
    return ["## Origin and licence", "",
            f"- Base model: `{shown(run.base)}`; licence: {licence}.",
            f"- Training data: GLUE {run.task.name} train.tsv from `{shown(run.data)}`, "
            f"{run.examples['train']} examples{held_out}; dev: `{shown(run.dev_data)}`, {run.examples['dev']} "
            "examples. Each GLUE task keeps its source's terms (data/SOURCES.md).",
            "- Training code: ltp's tools/train (Apache-2.0).", ""]


def schedule(run, stages, thresholds):
    lines = ["## How it was made", "", "    " + run.command, "",
             "| stage | epochs | steps | learning rate | threshold learning rate | λ |", "|---|---|---|---|---|---|"]
    for name in stages:
        s = run.stages[name]
        lam = lambda_text(s) if name == "soft" else ""
        lines.append(f"| {name} | {s['epochs']:g} | {s['steps']} | {s['lr']:g} | {s['threshold_lr'] or ''} | {lam} |")
    lines += ["", f"Batch {run.batch_size}, inputs truncated at {run.max_length} tokens (tokenizer_config.json's "
              f"model_max_length), seed {run.seed}.", ""]
    lines += distillation(run, stages)
    if thresholds is not None:
        lines += ["Thresholds (absolute_threshold, scores normalised by the alive count): "
                  + ", ".join(f"{t:.4g}" for t in thresholds) + ".", ""]
    return lines


def distillation(run, stages):
    """One line per teacher: which stages learned from it and how."""
    by_teacher = {}
    for name in stages:
        if teacher := run.stages[name].get("teacher"):
            by_teacher.setdefault(tuple(sorted(teacher.items())), []).append(name)
    lines = []
    for key, names in by_teacher.items():
        t = dict(key)
        temperature = f", temperature {t['temperature']:g}" if t["temperature"] is not None else ""
        lines += [f"Distilled from `{shown(Path(t['folder']))}` in the {', '.join(names)} "
                  f"stage{'s' if len(names) > 1 else ''}: the teacher's share of the loss {t['weight']:g}"
                  f"{temperature} (tools/train/losses.py).", ""]
    return lines


def results(run, stages):
    labels = {"pearson": "Pearson r × 100", "matthews_corr": "Matthews correlation × 100"}
    metric = labels.get(run.task.metric, "accuracy")
    dense = run.stages["dense"]["dev"]
    lines = [f"## Dev results ({run.examples['dev']} examples; PyTorch, pruning as the engine prunes)", "",
             f"| model | {metric} | FLOPs reduction | tokens kept per layer (share of input) |", "|---|---|---|---|",
             f"| dense | {100 * dense['metric']:.2f} | 1.00x | |"]
    if "hard" in stages:
        ltp = run.stages["hard"]["dev"]
        kept = " ".join(f"{k:.2f}" for k in ltp["kept_per_layer"])
        lines.append(f"| LTP | {100 * ltp['metric']:.2f} | {ltp['flops_reduction']:.2f}x | {kept} |")
    return lines + ["", "ltp-eval reports the task's GLUE metrics for this folder:", "",
                    f"    build/tools/ltp-eval -m MODEL_DIR --data data/glue/{run.task.name}", ""]


def lambda_text(record):
    if record["target_reduction"]:
        return (f"steered from {record['lam']:.3g} to {record['lam_end']:.3g} for a {record['target_reduction']:g}x "
                f"FLOPs reduction ({record['holdout_reduction']:.2f}x reached on the held-out training examples)")
    return f"{record['lam']:g}"


def shown(path: Path):
    """A path inside the repository as the repository names it (data/glue), others as given."""
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path
