"""tools/train/report.py: top-k told an LTP model's kept shares costs what LTP costs."""
import json
import subprocess

from tools.train import report
from conftest import ROOT

LTP_EVAL = ROOT / "build" / "tools" / "ltp-eval"


def test_keep_rates_are_kept_shares_within_topk_range():
    ltp = {"tokens_kept_per_layer": [20.0, 15.0, 5.0, 0.1]}
    assert report.keep_rates_of(ltp, 20.0) == "1.0000,0.7500,0.2500,0.0100"  # 0.005 raised to topk's floor


def test_interpolate_between_neighbours_and_none_outside():
    points = [(0.5, 0.8), (1.0, 0.9)]
    assert abs(report.interpolate(points, 0.75) - 0.85) < 1e-12
    assert report.interpolate(points, 0.4) is None


def evaluate(tmp_path, name, *options):
    out = tmp_path / f"{name}.json"
    assert LTP_EVAL.exists(), "build first: bash tools/setup.sh"
    subprocess.run([str(LTP_EVAL), "-m", str(ROOT / "models" / "default"), "--data", str(ROOT / "data" / "glue" / "SST-2"),
                    "--limit", "96", "--threads", "1", "--json", str(out), *options], check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def test_topk_at_ltp_shares_matches_ltp_flops(tmp_path):
    dense = evaluate(tmp_path, "dense", "--prune", "none")
    ltp = evaluate(tmp_path, "ltp")
    rates = report.keep_rates_of(ltp, dense["tokens_kept_per_layer"][0])
    topk = evaluate(tmp_path, "topk", "--keep-rates", rates)
    assert ltp["flops"]["reduction"] > 1.3
    # Per sequence k = round(n0 · r): the linear FLOPs match to rounding; attention's n² terms differ a little
    # because LTP keeps more of long inputs and less of short ones.
    assert abs(topk["flops"]["reduction"] / ltp["flops"]["reduction"] - 1) < 0.05
    for kept_topk, kept_ltp in zip(topk["tokens_kept_per_layer"], ltp["tokens_kept_per_layer"]):
        assert abs(kept_topk - kept_ltp) < 0.6  # mean tokens per input: rounding and position 0


def test_precision_label_says_which_models_ran_smoothed():
    assert report.precision_label("bf16", {}, {}) == "bf16"
    assert report.precision_label("int8", {"int8_smoothing": False}, {"int8_smoothing": False}) == "int8"
    assert report.precision_label("int8", {"int8_smoothing": True}, {"int8_smoothing": True}) == "int8, smoothed"
    assert report.precision_label("int8", {"int8_smoothing": False}, {"int8_smoothing": True}) == "int8, smoothed (LTP only)"


def test_changes_agree_with_the_rounded_figures_beside_them():
    assert report.change(0.885447, 0.885491) == "-0.01"  # printed 88.54 and 88.55
    assert report.change(0.8897, 0.8725) == "+1.72"
