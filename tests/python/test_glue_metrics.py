"""The trainer's dev metrics are GLUE's, as ltp-eval reports them: Matthews correlation for CoLA,
Pearson r for STS-B, accuracy for the other classification tasks."""
import random
import statistics

import pytest

from tools.train.glue import TASKS, binary_matthews


def test_each_task_names_the_metric_ltp_eval_reports():
    assert {name: task.metric for name, task in TASKS.items()} == {
        "SST-2": "accuracy", "CoLA": "matthews_corr", "MRPC": "accuracy", "RTE": "accuracy", "STS-B": "pearson"}


def test_matthews_equals_pearson_of_the_0_1_sequences():
    # For two binary variables the phi coefficient (Matthews) is their Pearson correlation: an independent reference.
    rng = random.Random(0)
    for _ in range(20):
        labels = [rng.randrange(2) for _ in range(200)]
        predictions = [y if rng.random() < 0.8 else 1 - y for y in labels]
        assert binary_matthews(predictions, labels) == pytest.approx(statistics.correlation(predictions, labels), abs=1e-12)


def test_matthews_by_hand_and_when_undefined():
    assert binary_matthews([1, 1, 0, 0], [1, 0, 0, 0]) == pytest.approx(2 / 12 ** 0.5)  # tp 1, tn 2, fp 1, fn 0
    assert binary_matthews([1, 1, 1], [1, 0, 1]) == 0.0  # one predicted class: sklearn's and GLUE's convention


def test_cola_scores_matthews_not_accuracy():
    predictions, labels = [1, 1, 1, 1, 0], [1, 1, 1, 0, 0]
    assert TASKS["CoLA"].score(predictions, labels) == pytest.approx(binary_matthews(predictions, labels))
    assert TASKS["SST-2"].score(predictions, labels) == pytest.approx(0.8)
    assert TASKS["STS-B"].score([0.1, 0.5, 0.9], [1.0, 2.0, 3.0]) == pytest.approx(1.0)
