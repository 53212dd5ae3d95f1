"""Evaluates trained models with the C++ ltp-eval and writes the results table.

    python -m tools.train.report --runs RUNS_DIR [--pattern 'mpnet-{task}'] [--data data/glue]
        [--ltp-eval build/tools/ltp-eval] [--out FILE] [--curves DIR] [--tasks RTE,MRPC]

For each task with RUNS_DIR/<folder>/model-dense and model-ltp (folder: the
task's short name, or --pattern with {task}): the majority-class baseline, the
dense metric, the LTP metric, its FLOPs reduction and tokens kept per layer,
and top-k pruning (the paper's baseline, on the dense model) at the same
FLOPs two ways: the SpAtten cascade interpolated between the two nearest points
of a keep-rate sweep (it keeps its first layers whole, so it may not reach
LTP's FLOPs), and top-k told to keep LTP's own share of tokens at every layer
(--keep-rates), which costs what LTP costs; then the same models in bf16 and
int8 against fp32, pruning off and on. With --curves, LTP's threshold-scale
sweep, the cascade's keep-rate sweep and top-k at each LTP point's shares go
into one SVG per task (DIR/<task>-curves.svg). Every number comes from ltp-eval's JSON;
the commands are printed with the tables."""
import argparse
import json
import shlex
import subprocess
from collections import Counter
from pathlib import Path

from tools.train import curves
from tools.train.glue import TASKS as GLUE_TASKS, read_split
from tools.train.model_card import shown

ROOT = Path(__file__).resolve().parents[2]
TASKS = {"SST-2": "sst2", "MRPC": "MRPC", "CoLA": "CoLA", "STS-B": "STS-B", "RTE": "RTE"}
KEEP_RATES = [0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
THRESHOLD_SCALES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3]
PRECISIONS = ["bf16", "int8"]


def run_eval(ltp_eval, model, data, extra, json_path):
    """(ltp-eval's JSON, the command as the report prints it)."""
    args = ["-m", str(model), "--data", str(data)] + extra
    subprocess.run([str(ltp_eval)] + args + ["--json", str(json_path)], check=True, stdout=subprocess.DEVNULL)
    command = ["ltp-eval", "-m", str(model), "--data", str(shown(data))] + extra
    return json.loads(Path(json_path).read_text()), shlex.join(command)


def change(metric, reference):
    """metric − reference in points, from the two as the tables print them (so a row's figures agree)."""
    return f"{round(100 * metric, 2) - round(100 * reference, 2):+.2f}"


def majority_baseline(glue_dir, task, metric):
    """`metric` on dev when every prediction is the most frequent dev label;
    None where a constant prediction leaves it undefined (correlations)."""
    labels = [row[2] for row in read_split(glue_dir, GLUE_TASKS[task], "dev")]
    if metric == "accuracy":
        return Counter(labels).most_common(1)[0][1] / len(labels)
    if metric == "matthews_corr":
        return 0.0  # a constant prediction is uncorrelated, as sklearn counts it
    return None


def keep_rates_of(report, input_length):
    """An ltp-eval report's share of the input kept after each layer, as
    --keep-rates text: top-k told these rates keeps what the report's model kept."""
    return ",".join(f"{min(1.0, max(0.01, kept / input_length)):.4f}" for kept in report["tokens_kept_per_layer"])


def precision_label(precision, dense, ltp):
    """The precision as run: int8 says which models had their inputs smoothed (int8_smoothing.safetensors)."""
    smoothed = [name for name, r in (("dense", dense), ("LTP", ltp)) if r.get("int8_smoothing")]
    if not smoothed:
        return precision
    return f"{precision}, smoothed" + ("" if len(smoothed) == 2 else f" ({smoothed[0]} only)")


def interpolate(points, flops):
    """Metric at relative FLOPs `flops` from (relative_flops, metric) points."""
    points = sorted(points)
    for (f0, m0), (f1, m1) in zip(points, points[1:]):
        if f0 <= flops <= f1:
            return m0 + (m1 - m0) * (flops - f0) / (f1 - f0) if f1 > f0 else m0
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "glue", help="GLUE folder holding <TASK>/dev.tsv")
    ap.add_argument("--ltp-eval", type=Path, default=ROOT / "build" / "tools" / "ltp-eval")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--work", type=Path, default=Path("/tmp/ltp-report"))
    ap.add_argument("--pattern", help="run folder of each task, {task} replaced (default: the task's short name)")
    ap.add_argument("--curves", type=Path, help="write <task>-curves.svg here (LTP and top-k sweeps)")
    ap.add_argument("--tasks", default=",".join(TASKS), help="the tasks to report, comma-separated (default: all)")
    args = ap.parse_args()
    args.tasks = list(dict.fromkeys(args.tasks.split(",")))  # each once, in the order given
    if unknown := [t for t in args.tasks if t not in TASKS]:
        ap.error(f"--tasks: unknown {', '.join(unknown)}; known: {', '.join(TASKS)}")
    args.work.mkdir(parents=True, exist_ok=True)
    rows, precision_rows, commands = [], [], []
    for task in args.tasks:
        folder = TASKS[task]
        run = args.runs / (args.pattern.format(task=task) if args.pattern else folder)
        if not (run / "model-ltp").exists():
            print(f"{task}: no model-ltp in {run}, skipped")
            continue
        data = args.data / task
        dense, c1 = run_eval(args.ltp_eval, run / "model-dense", data, [], args.work / f"{task}-dense.json")
        ltp, c2 = run_eval(args.ltp_eval, run / "model-ltp", data, [], args.work / f"{task}-ltp.json")
        sweep, c3 = run_eval(args.ltp_eval, run / "model-dense", data,
                             ["--sweep", "keep-rate=" + ",".join(map(str, KEEP_RATES)),
                              "--sweep-out", str(args.work / f"{task}-topk")], args.work / f"{task}-topk.json")
        commands += [c1, c2, c3]
        metric = next(iter(dense["metrics"]))
        length = dense["tokens_kept_per_layer"][0]
        matched, c4 = run_eval(args.ltp_eval, run / "model-dense", data, ["--keep-rates", keep_rates_of(ltp, length)],
                               args.work / f"{task}-topk-matched.json")
        commands.append(c4)
        if args.curves:
            ltp_sweep, c5 = run_eval(args.ltp_eval, run / "model-ltp", data,
                                     ["--sweep", "threshold-scale=" + ",".join(map(str, THRESHOLD_SCALES)),
                                      "--sweep-out", str(args.work / f"{task}-ltp")], args.work / f"{task}-ltp-sweep.json")
            shares = ";".join(keep_rates_of(p, length) for p in ltp_sweep if p["point"] != "dense")
            matched_sweep, c6 = run_eval(args.ltp_eval, run / "model-dense", data,
                                         ["--sweep", f"keep-rates={shares}",
                                          "--sweep-out", str(args.work / f"{task}-topk-matched")],
                                         args.work / f"{task}-topk-matched-sweep.json")
            commands += [c5, c6]
            args.curves.mkdir(parents=True, exist_ok=True)
            curves.write_svg(args.curves / f"{task}-curves.svg", f"{run.name} on {task}: {metric} vs FLOPs", metric,
                             100 * dense["metrics"][metric],
                             [("LTP (threshold scale)", curves.points_of(ltp_sweep, metric)),
                              ("top-k, cascade", curves.points_of(sweep, metric)),
                              ("top-k, LTP's shares", curves.points_of(matched_sweep, metric))])
        majority = majority_baseline(args.data, task, metric)
        majority_text = f"{100 * majority:.2f}" if majority is not None else "n/a"
        ltp_rel = 1 / ltp["flops"]["reduction"]
        topk_points = [(1 / p["flops"]["reduction"], p["metrics"][metric]) for p in sweep]
        topk = interpolate(topk_points, ltp_rel)
        # On a 6-layer model the cascade leaves 3 layers whole, so top-k may not reach LTP's FLOPs:
        # then show its furthest point.
        furthest_rel, furthest_metric = min(topk_points)
        topk_text = (f"{100 * topk:.2f}" if topk is not None else
                     f"not reachable; at its limit, {1 / furthest_rel:.2f}x: {100 * furthest_metric:.2f}")
        kept = ltp["tokens_kept_per_layer"]
        matched_text = f"{100 * matched['metrics'][metric]:.2f} at {matched['flops']['reduction']:.2f}x"
        rows.append(f"| {task} | {metric} | {majority_text} | {100 * dense['metrics'][metric]:.2f} | "
                    f"{100 * ltp['metrics'][metric]:.2f} | "
                    f"{change(ltp['metrics'][metric], dense['metrics'][metric])} | {ltp['flops']['reduction']:.2f}x | "
                    f"{' '.join(f'{k / length:.2f}' for k in kept)} | "
                    f"{topk_text} | {matched_text} |")
        def kept_change(a, b):
            return 100 * (sum(b["tokens_kept_per_layer"]) / sum(a["tokens_kept_per_layer"]) - 1)
        for precision in PRECISIONS:
            dense_p, c7 = run_eval(args.ltp_eval, run / "model-dense", data, ["--precision", precision],
                                   args.work / f"{task}-dense-{precision}.json")
            ltp_p, c8 = run_eval(args.ltp_eval, run / "model-ltp", data, ["--precision", precision],
                                 args.work / f"{task}-ltp-{precision}.json")
            commands += [c7, c8]
            precision_rows.append(
                f"| {task} | {precision_label(precision, dense_p, ltp_p)} | {metric} | {100 * dense['metrics'][metric]:.2f} | "
                f"{100 * dense_p['metrics'][metric]:.2f} | "
                f"{change(dense_p['metrics'][metric], dense['metrics'][metric])} | "
                f"{100 * ltp['metrics'][metric]:.2f} | {100 * ltp_p['metrics'][metric]:.2f} | "
                f"{change(ltp_p['metrics'][metric], ltp['metrics'][metric])} | {kept_change(ltp, ltp_p):+.2f}% |")
    precision_table = ("| task | precision | metric | dense fp32 | dense | change | LTP fp32 | LTP | change | "
                       "tokens kept vs fp32 |\n|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(precision_rows))
    table = ("| task | metric | majority class | dense | LTP | change | FLOPs reduction | "
             "tokens kept per layer (share of input) | top-k cascade at LTP's FLOPs | "
             "top-k at LTP's shares |\n|---|---|---|---|---|---|---|---|---|---|\n"
             + "\n".join(rows))
    print(table + "\n\n" + precision_table)
    print("\nCommands:\n" + "\n".join("    " + c for c in commands))
    if args.out:
        args.out.write_text(table + "\n\n" + precision_table + "\n\nCommands:\n\n" + "\n".join("    " + c for c in commands) + "\n")


if __name__ == "__main__":
    main()
