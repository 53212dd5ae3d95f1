"""GLUE train/dev TSV files in the original distribution's format (data/glue has the dev
sets; training sets come from a copy of the distribution), read with quoting off."""
import math
import statistics
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Task:
    name: str
    header: bool
    text_columns: tuple        # one column, or two for pairs
    label_column: int
    labels: tuple              # class names in the GLUE processors' order; () for regression

    @property
    def is_regression(self):
        return not self.labels

    @property
    def metric(self):
        """GLUE's dev metric, named as ltp-eval names it."""
        return "pearson" if self.is_regression else "matthews_corr" if self.name == "CoLA" else "accuracy"

    def score(self, predictions, labels):
        """`metric` of predicted against gold values (class indices, or scores for regression)."""
        if self.is_regression:
            return statistics.correlation(predictions, labels)
        if self.metric == "matthews_corr":
            return binary_matthews(predictions, labels)
        return sum(int(p == y) for p, y in zip(predictions, labels)) / len(labels)


def binary_matthews(predictions, labels):
    """Matthews correlation of two 0/1 sequences; 0 when a row or column of the confusion matrix is empty."""
    tp = sum(1 for p, y in zip(predictions, labels) if p == 1 and y == 1)
    tn = sum(1 for p, y in zip(predictions, labels) if p == 0 and y == 0)
    fp = sum(1 for p, y in zip(predictions, labels) if p == 1 and y == 0)
    fn = len(labels) - tp - tn - fp
    denominator = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / denominator if denominator else 0.0


TASKS = {
    "SST-2": Task("SST-2", True, (0,), 1, ("negative", "positive")),
    "CoLA": Task("CoLA", False, (3,), 1, ("unacceptable", "acceptable")),
    "MRPC": Task("MRPC", True, (3, 4), 0, ("not_equivalent", "equivalent")),
    "RTE": Task("RTE", True, (1, 2), -1, ("entailment", "not_entailment")),
    "STS-B": Task("STS-B", True, (7, 8), -1, ()),
}

# Raw label strings of each task, in class order.
RAW_LABELS = {"SST-2": ("0", "1"), "CoLA": ("0", "1"), "MRPC": ("0", "1"), "RTE": ("entailment", "not_entailment")}


def read_split(glue_dir: Path, task: Task, split: str):
    """[(text, pair or None, label)] — label is a class index or a float score."""
    lines = (glue_dir / task.name / f"{split}.tsv").read_text(encoding="utf-8-sig").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows = []
    for number, line in enumerate(lines[1 if task.header else 0:], start=2 if task.header else 1):
        fields = line.split("\t")
        try:
            text = fields[task.text_columns[0]]
            pair = fields[task.text_columns[1]] if len(task.text_columns) == 2 else None
            raw = fields[task.label_column]
            label = float(raw) if task.is_regression else RAW_LABELS[task.name].index(raw)
        except (IndexError, ValueError) as e:
            raise ValueError(f"{task.name}/{split}.tsv line {number}: malformed row ({e})") from None
        rows.append((text, pair, label))
    return rows


def distinct_sentences(glue_dir: Path, task_names, split):
    """The tasks' distinct sentences in one split (both sides of pairs), sorted; labels ignored."""
    found = set()
    for name in task_names:
        for text, pair, _ in read_split(glue_dir, TASKS[name], split):
            found.update(s for s in (text, pair) if s)
    return sorted(found)
