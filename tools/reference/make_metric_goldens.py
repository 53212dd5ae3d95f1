"""Goldens for ltp-eval's metrics from scikit-learn and scipy on fixed
predictions (seeded), including ties and a three-class case.

    python -m tools.reference.make_metric_goldens   (from the repository root)"""
import json
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef

ROOT = Path(__file__).resolve().parents[2]


def best_threshold(similarity, gold, metric):
    """Brute force over every cut between sorted similarities."""
    values = sorted(set(similarity))
    cuts = [values[0] - 1] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1]
    return max(metric(gold, [int(s >= c) for s in similarity]) for c in cuts)


def main():
    rng = np.random.default_rng(0)
    cases = []
    for n, classes in ((50, 2), (200, 2), (90, 3)):
        gold = rng.integers(0, classes, n).tolist()
        pred = [g if rng.random() < 0.7 else int(rng.integers(0, classes)) for g in gold]
        case = {"gold": gold, "predicted": pred, "accuracy": accuracy_score(gold, pred),
                "matthews_corr": matthews_corrcoef(gold, pred)}
        if classes == 2:
            case["f1"] = f1_score(gold, pred)
        cases.append(case)
    regression = []
    for n in (30, 500):
        x = np.round(rng.normal(size=n), 1)  # rounding makes ties
        y = np.round(0.6 * x + rng.normal(size=n), 2)
        regression.append({"x": x.tolist(), "y": y.tolist(), "pearson": pearsonr(x, y)[0],
                           "spearman": spearmanr(x, y)[0]})
    similarity = np.round(rng.uniform(-1, 1, 120), 2).tolist()
    labels = [int(s + rng.normal(scale=0.5) > 0.1) for s in similarity]
    thresholds = {"similarity": similarity, "gold": labels,
                  "best_accuracy": best_threshold(similarity, labels, accuracy_score),
                  "best_f1": best_threshold(similarity, labels, lambda g, p: f1_score(g, p, zero_division=0))}
    out = ROOT / "tests" / "data" / "golden" / "metrics.json"
    out.write_text(json.dumps({"classification": cases, "regression": regression, "thresholds": thresholds}) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
