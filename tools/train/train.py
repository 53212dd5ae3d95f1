"""Fine-tunes a pretrained BERT-family encoder on a GLUE task, learns LTP
thresholds the paper's way and exports model folders the C++ engine loads.
Never part of the build.

    python -m tools.train.train --task RTE --base MINILM_DIR --data GLUE_DIR --out RUN_DIR \\
        [--target-flops-reduction 2] [--smoke]

GLUE_DIR holds <TASK>/train.tsv (any copy of the GLUE distribution); dev
metrics use data/glue unless --dev-data says otherwise. Stages: dense
(fine-tune) -> soft (thresholds learn through sigmoid masks, loss + lambda *
mean alive share; with --target-flops-reduction lambda is steered until the
thresholds reach that reduction on a held-out slice of the training data) ->
hard (thresholds frozen, real pruning, weights fine-tuned). Re-running the
same command continues from RUN_DIR's checkpoints, which are deleted once
all stages are done (--keep-checkpoints N keeps the last N). Writes
RUN_DIR/model-dense and RUN_DIR/model-ltp, each with a MODEL_CARD.md, and
RUN_DIR/log.jsonl."""
import argparse
import json
import shlex
import sys
import time
import warnings
from pathlib import Path

import torch
import transformers
from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

from tools.train import model_card
from tools.train.batching import encode_rows, sample
from tools.train.distill import teacher_logits
from tools.train.export import export_model_folder
from tools.train.glue import TASKS, read_split
from tools.train.ltp_model import PruningClassifier
from tools.train.stages import Data, Settings, Stage, run_stage

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("dense", "soft", "hard")

# Per task: epochs of each stage and the sparsity weight lambda.
SCHEDULES = {
    "SST-2": dict(dense=1.0, soft=0.3, hard=0.3, lam=0.5),
    "CoLA": dict(dense=3.0, soft=1.0, hard=1.0, lam=0.5),
    "MRPC": dict(dense=4.0, soft=2.0, hard=2.0, lam=0.5),
    "RTE": dict(dense=3.0, soft=1.0, hard=1.0, lam=0.5),
    "STS-B": dict(dense=3.0, soft=1.0, hard=1.0, lam=0.5),
}

# --smoke: enough of everything to exercise every stage, export and the
# controller in about a minute on a CPU (an explicit --epochs or --max-steps wins).
SMOKE = dict(train=256, dev=64, holdout=64, max_steps=6, control_every=2, epochs=1.0)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", required=True, choices=sorted(TASKS))
    ap.add_argument("--base", required=True, type=Path, help="pretrained HF BERT folder (safetensors + vocab.txt)")
    ap.add_argument("--data", required=True, type=Path, help="GLUE folder holding <TASK>/train.tsv")
    ap.add_argument("--dev-data", type=Path, default=ROOT / "data" / "glue", help="GLUE folder holding <TASK>/dev.tsv")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--stages", default=",".join(STAGES), help="stages to run, in order (default: all)")
    ap.add_argument("--epochs", type=float, help="epochs of every stage (default: per task)")
    for stage in STAGES:
        ap.add_argument(f"--{stage}-epochs", type=float, help=f"epochs of the {stage} stage")
    ap.add_argument("--max-steps", type=int, help="at most this many steps per stage")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=128, help="truncation length; exported as model_max_length")
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threshold-lr", type=float, default=2e-4)
    ap.add_argument("--final-token-threshold", type=float, default=0.02, help="initial thresholds: f * l / L")
    ap.add_argument("--lam", type=float, help="sparsity weight; its start value under a target (default: per task)")
    ap.add_argument("--target-flops-reduction", type=float, metavar="R",
                    help="steer lambda in the soft stage until the thresholds reduce FLOPs R times")
    ap.add_argument("--holdout", type=int, default=256,
                    help="training examples held out to measure the target (at most a tenth of train.tsv)")
    ap.add_argument("--control-every", type=int, default=10, help="steps between measurements for the target")
    ap.add_argument("--teacher", type=Path, metavar="MODEL_DIR",
                    help="distil from this fine-tuned model folder (a run's model-dense, any family) in every stage")
    ap.add_argument("--distill-weight", type=float, help="share of the loss that follows the teacher (default 0.5)")
    ap.add_argument("--distill-temperature", type=float,
                    help="softmax temperature of the teacher's soft targets (default 2; classification only)")
    ap.add_argument("--ltp-run", type=Path, help="the engine that runs the teacher (default build/tools/ltp-run)")
    ap.add_argument("--smoke", action="store_true", help="check a setup in about a minute: few steps, small subset")
    ap.add_argument("--keep-checkpoints", type=int, default=0, metavar="N",
                    help="stage checkpoints kept once all stages are done, newest first")
    ap.add_argument("--base-licence", help="the base model's licence, for the model cards (e.g. Apache-2.0)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save-every", type=int, default=200)
    args = ap.parse_args(argv)
    args.stages = args.stages.split(",")
    if any(s not in STAGES for s in args.stages) or args.stages != sorted(args.stages, key=STAGES.index):
        ap.error(f"--stages: a subset of {','.join(STAGES)} in that order, got {','.join(args.stages)}")
    if args.target_flops_reduction is not None and args.target_flops_reduction <= 1:
        ap.error(f"--target-flops-reduction must exceed 1, got {args.target_flops_reduction}")
    distill_options = {"--distill-weight": args.distill_weight, "--distill-temperature": args.distill_temperature,
                       "--ltp-run": args.ltp_run}
    if not args.teacher and (given := [name for name, value in distill_options.items() if value is not None]):
        ap.error(f"{', '.join(given)} without --teacher")
    args.distill_weight = 0.5 if args.distill_weight is None else args.distill_weight
    args.distill_temperature = 2.0 if args.distill_temperature is None else args.distill_temperature
    args.ltp_run = args.ltp_run or ROOT / "build" / "tools" / "ltp-run"
    if not 0 <= args.distill_weight <= 1:
        ap.error(f"--distill-weight must lie in [0, 1], got {args.distill_weight}")
    if args.distill_temperature <= 0:
        ap.error(f"--distill-temperature must be positive, got {args.distill_temperature}")
    if args.smoke:
        args.epochs = args.epochs or SMOKE["epochs"]  # so that every stage reaches max_steps
        args.max_steps = args.max_steps or SMOKE["max_steps"]
        args.holdout = min(args.holdout, SMOKE["holdout"])
        args.control_every = min(args.control_every, SMOKE["control_every"])
    return args


def quiet_transformers():
    """The console shows progress bars and one line per stage: transformers'
    load report (a fresh classifier head is expected here) and warnings go."""
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    warnings.filterwarnings("ignore", module="transformers")


def load_data(args, task, tok):
    """Rows are drawn before they are encoded, so that a teacher reads the same rows with its own tokenizer."""
    train = read_split(args.data, task, "train")
    dev = encode_rows(tok, read_split(args.dev_data, task, "dev"), args.max_length)
    if args.smoke:
        train = sample(train, min(len(train), SMOKE["train"]), args.seed)[0]
        dev = dev[:SMOKE["dev"]]
    holdout = []
    if args.target_flops_reduction:
        holdout, train = sample(train, min(args.holdout, len(train) // 10), args.seed)
        holdout = encode_rows(tok, holdout, args.max_length)
    teacher = None
    if args.teacher:
        teacher = teacher_logits(args.teacher, train, task, args.max_length, args.out / "teacher-logits.pt",
                                 args.ltp_run, args.threads)
    return Data(encode_rows(tok, train, args.max_length), dev, holdout, teacher)


def build_model(args, task):
    config = AutoConfig.from_pretrained(args.base)  # BERT, RoBERTa or MPNet
    config.num_labels = 1 if task.is_regression else len(task.labels)
    if task.is_regression:
        config.problem_type = "regression"
    else:
        config.id2label = dict(enumerate(task.labels))
        config.label2id = {name: i for i, name in enumerate(task.labels)}
    hf = AutoModelForSequenceClassification.from_pretrained(args.base, config=config)
    hf.config.architectures = [type(hf).__name__]  # the base may name its pretraining head
    layers = config.num_hidden_layers
    return PruningClassifier(hf, [args.final_token_threshold * l / layers for l in range(layers)])


def stage_plan(args):
    schedule = SCHEDULES[args.task]
    lam = args.lam if args.lam is not None else schedule["lam"]

    def epochs(name):
        own = getattr(args, f"{name}_epochs")
        return own if own is not None else args.epochs if args.epochs is not None else schedule[name]

    return {"dense": Stage("dense", epochs("dense"), args.lr),
            "soft": Stage("soft", epochs("soft"), args.lr, threshold_lr=args.threshold_lr, lam=lam,
                          target_reduction=args.target_flops_reduction),
            "hard": Stage("hard", epochs("hard"), args.lr / 2)}


def remove_checkpoints(run_dir, keep):
    """Drops stage checkpoints (weights + optimizer: several times a model's size) but the newest `keep`."""
    for name in list(reversed(STAGES))[keep:]:
        (run_dir / f"ckpt-{name}.pt").unlink(missing_ok=True)


class RunDir:
    """RUN_DIR's record: state.json (stages done, what each did) and log.jsonl."""

    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        state_file = path / "state.json"
        self.state = json.loads(state_file.read_text()) if state_file.exists() else {"completed": [], "stages": {}}

    def log(self, **record):
        record["time"] = time.strftime("%H:%M:%S")
        with open(self.path / "log.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")

    def record(self, stage: Stage, outcome, teacher):
        self.state["stages"][stage.name] = dict(vars(stage), steps=outcome.steps, lam_end=outcome.lam,
                                                holdout_reduction=outcome.holdout_reduction,
                                                dev=outcome.dev._asdict(), teacher=teacher)

    def complete(self, name):
        self.state["completed"].append(name)
        (self.path / "state.json").write_text(json.dumps(self.state, indent=1) + "\n")


def export(name, model, args, task, facts):
    """model-dense after the dense stage, model-ltp after the hard stage."""
    if name == "dense":
        export_model_folder(model.hf, args.base, args.out / "model-dense", task, args.max_length,
                            model_card.render(facts, model.hf.config))
    elif name == "hard":
        thresholds = model.thresholds.tolist()
        export_model_folder(model.hf, args.base, args.out / "model-ltp", task, args.max_length,
                            model_card.render(facts, model.hf.config, thresholds), thresholds)


def teacher_record(args, task):
    """What the stages distil from, for the loss, the checkpoints, state.json and the model cards; None
    without a teacher. Regression has no temperature."""
    if not args.teacher:
        return None
    return {"folder": str(args.teacher), "weight": args.distill_weight,
            "temperature": None if task.is_regression else args.distill_temperature}


def summary(stage: Stage, outcome):
    line = f"{stage.name}: dev {100 * outcome.dev.metric:.2f}, FLOPs reduction {outcome.dev.flops_reduction:.2f}x"
    if stage.target_reduction:
        line += (f"; held-out training slice {outcome.holdout_reduction:.2f}x for a {stage.target_reduction:g}x "
                 f"target, lambda {outcome.lam:.3g}")
    return line


def main():
    args = parse_args()
    quiet_transformers()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    task = TASKS[args.task]
    run = RunDir(args.out)
    data = load_data(args, task, AutoTokenizer.from_pretrained(args.base))
    model = build_model(args, task)
    settings = Settings(out=args.out, batch_size=args.batch_size, seed=args.seed, save_every=args.save_every,
                        max_steps=args.max_steps, control_every=args.control_every,
                        teacher=teacher_record(args, task))
    plan = stage_plan(args)
    facts = model_card.RunFacts(
        task=task, base=args.base, base_licence=args.base_licence,
        command="python -m tools.train.train " + shlex.join(sys.argv[1:]), data=args.data, dev_data=args.dev_data,
        examples={"train": len(data.train), "holdout": len(data.holdout), "dev": len(data.dev)},
        max_length=args.max_length, batch_size=args.batch_size, seed=args.seed, stages=run.state["stages"],
        smoke=args.smoke)
    for name in args.stages:
        if name in run.state["completed"]:
            print(f"{name}: done in an earlier run", flush=True)
            continue
        if name != "dense":
            previous = args.out / f"ckpt-{STAGES[STAGES.index(name) - 1]}.pt"
            if not previous.exists():
                raise SystemExit(f"the {name} stage starts from {previous}, which is missing: "
                                 "run the stage before it first (--stages)")
            model.load_state_dict(torch.load(previous, weights_only=False)["model"])
        outcome = run_stage(plan[name], model, data, task, settings, run.log)
        print(summary(plan[name], outcome), flush=True)
        run.record(plan[name], outcome, settings.teacher)
        export(name, model, args, task, facts)
        run.complete(name)
    if all(s in run.state["completed"] for s in STAGES):
        remove_checkpoints(args.out, args.keep_checkpoints)
        print(f"models in {args.out / 'model-dense'} and {args.out / 'model-ltp'}")


if __name__ == "__main__":
    main()
