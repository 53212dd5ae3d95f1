"""Learned token-pruning thresholds for a sentence embedder, without labels.

The weights stay frozen; only the per-layer thresholds learn, in the paper's
soft-mask stage (sigmoid((s − θ_l)/T), tools/train/ltp_model.py), against
self-distillation: 1 − cosine between the pruned model's mean-pooled
embedding and the dense model's, plus λ · mean share of tokens kept. The text
is every sentence of the GLUE training sets under --data, labels ignored.

The result is the base folder with an "ltp" section in config.json; the
weight file is copied unchanged.

    python -m tools.train.embed_thresholds --base MODEL --data GLUE_DIR --out OUT --lam 0.7
"""
import argparse
import json
import random
import shutil
from pathlib import Path

import torch
from tqdm import tqdm
from transformers import AutoModel, AutoTokenizer

from tools.convert.convert import staged_folder
from tools.train.batching import collate, numbered_batches
from tools.train.embedding import distillation_loss, pooled
from tools.train.export import copy_tokenizer
from tools.train.flops import flops_reduction
from tools.train.glue import distinct_sentences
from tools.train.lambda_control import LambdaController
from tools.train.ltp_model import PruningClassifier, alive_counts
from tools.train.stages import as_exported


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", type=Path, required=True, help="sentence-transformers folder (converted)")
    p.add_argument("--data", type=Path, required=True, help="GLUE folder with <TASK>/train.tsv")
    p.add_argument("--out", type=Path, required=True, help="run folder; the model goes to OUT/model-ltp")
    p.add_argument("--tasks", default="SST-2,CoLA,MRPC,RTE,STS-B", help="GLUE training sets to take sentences from")
    p.add_argument("--lam", type=float, default=0.7, help="sparsity weight (the start value under a target)")
    p.add_argument("--target-flops-reduction", type=float, help="steer λ until the thresholds reach this")
    p.add_argument("--mean-over", choices=("all", "survivors"), default="all", help="pooling under pruning")
    p.add_argument("--steps", type=int, default=150)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threshold-lr", type=float, default=1e-3)
    p.add_argument("--final-token-threshold", type=float, default=0.06, help="θ_l starts at this · l / L")
    p.add_argument("--first-pruning-layer", type=int, default=0,
                   help="layers before this one never prune, in training too, and are written with θ = 0")
    p.add_argument("--max-sentences", type=int, default=4000, help="sentences drawn from the training sets")
    p.add_argument("--holdout", type=int, default=256, help="sentences held out to measure FLOPs and cosine")
    p.add_argument("--control-every", type=int, default=10)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def sentences(glue_dir: Path, task_names, count, seed):
    """Up to `count` distinct sentences (both sides of pairs) from the tasks' train.tsv, in random order."""
    ordered = distinct_sentences(glue_dir, task_names, "train")
    random.Random(seed).shuffle(ordered)
    return ordered[:count]


def tokenised(tok, texts, max_length):
    """Examples in batching's (ids, types, label) form; the label slot holds the sentence's index."""
    enc = tok(texts, truncation=True, max_length=max_length)
    return [(ids, [0] * len(ids), i) for i, ids in enumerate(enc["input_ids"])]


def batch_of(examples, indices):
    ids, types, mask, _ = collate(examples, indices, regression=True)
    return ids, types, mask


def by_length(examples, batch_size=128):
    """Index batches of similar lengths, so that little time goes to padding."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


@torch.no_grad()
def dense_embeddings(model, examples):
    """[E × H] the dense model's embeddings, the distillation targets (mean pooling is the same either way)."""
    model.mode, out = "dense", torch.zeros(len(examples), model.hf.config.hidden_size)
    for indices in by_length(examples):
        ids, types, mask = batch_of(examples, indices)
        out[indices] = pooled(*model.encode(ids, types, mask), mask, "all")
    return out


@torch.no_grad()
def measure(model, examples, targets, mean_over):
    """(FLOPs reduction, mean cosine to dense) of the thresholds as the engine applies them."""
    lengths, kept, cosines = [], [], []
    with as_exported(model):
        for indices in by_length(examples):
            ids, types, mask = batch_of(examples, indices)
            states, masks = model.encode(ids, types, mask)
            emb = pooled(states, masks, mask, mean_over)
            cosines += torch.nn.functional.cosine_similarity(emb, targets[indices], dim=-1).tolist()
            lengths += mask.sum(dim=-1).tolist()
            kept += alive_counts(masks, mask).tolist()
    return flops_reduction(model.hf.config, lengths, kept), sum(cosines) / len(cosines)


def learn(model, train, holdout, targets, args, log):
    """Trains the thresholds; returns (λ at the end, holdout FLOPs reduction, holdout mean cosine)."""
    optimizer = torch.optim.Adam([model.thresholds], lr=args.threshold_lr)
    controller = LambdaController(args.target_flops_reduction, args.lam) if args.target_flops_reduction else None
    lam = args.lam
    model.mode = "soft"  # measure() runs the current thresholds hard, and dense_embeddings left it dense
    bar = tqdm(total=args.steps, desc="thresholds", unit="step", dynamic_ncols=True)
    for step, indices in numbered_batches(train, args.batch_size, args.seed, 0, args.steps):
        if controller and (step - 1) % args.control_every == 0:
            reduction, cosine = measure(model, holdout, targets["holdout"], args.mean_over)
            lam = controller.update(reduction)
            bar.set_postfix(lam=f"{lam:.3g}", flops=f"{reduction:.2f}x", cos=f"{cosine:.4f}", refresh=False)
        loss, distance, kept = distillation_loss(model, batch_of(train, indices), targets["train"][indices],
                                                 lam, args.mean_over)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        bar.update()
        if step % 50 == 0 or step == args.steps:
            log(step=step, lam=lam, distance=round(distance, 5), kept=round(kept, 4),
                thresholds=[round(t, 5) for t in model.thresholds.tolist()])
    bar.close()
    reduction, cosine = measure(model, holdout, targets["holdout"], args.mean_over)
    return lam, reduction, cosine


def write_model(base: Path, out: Path, thresholds, max_length, mean_over):
    """base, unchanged but for config.json's "ltp" section (with the pooling rule
    trained with as its default) and model_max_length."""
    with staged_folder(out) as folder:
        shutil.copytree(base, folder, dirs_exist_ok=True)
        config = json.loads((base / "config.json").read_text())
        config["ltp"] = {"format_version": 1, "prune_mode": "absolute_threshold", "thresholds": thresholds,
                         "score_norm_length": None, "mean_over": mean_over}
        (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        copy_tokenizer(base, folder, max_length)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    log_file = (args.out / "log.jsonl").open("a")

    def log(**record):
        log_file.write(json.dumps(record) + "\n")
        log_file.flush()

    log(event="start", args={k: str(v) for k, v in vars(args).items()})
    tok = AutoTokenizer.from_pretrained(args.base)
    examples = tokenised(tok, sentences(args.data, args.tasks.split(","), args.max_sentences, args.seed),
                         args.max_length)
    holdout, train = examples[:args.holdout], examples[args.holdout:]
    hf = AutoModel.from_pretrained(args.base, add_pooling_layer=False)
    hf.requires_grad_(False)
    hf.eval()  # no dropout: the student is the teacher with pruning, nothing else
    layers = hf.config.num_hidden_layers
    if not 0 <= args.first_pruning_layer < layers:
        raise SystemExit(f"--first-pruning-layer {args.first_pruning_layer}: expected 0 to {layers - 1}")
    model = PruningClassifier(hf, [args.final_token_threshold * l / layers if l >= args.first_pruning_layer else 0.0
                                   for l in range(layers)], first_pruning_layer=args.first_pruning_layer)
    targets = {"train": dense_embeddings(model, train), "holdout": dense_embeddings(model, holdout)}
    lam, reduction, cosine = learn(model, train, holdout, targets, args, log)
    thresholds = [max(0.0, t) for t in model.thresholds.tolist()]  # the engine wants none negative
    write_model(args.base, args.out / "model-ltp", thresholds, args.max_length, args.mean_over)
    log(event="done", lam=lam, holdout_flops_reduction=reduction, holdout_cosine=cosine, thresholds=thresholds)
    print(f"holdout: {reduction:.2f}x fewer FLOPs, mean cosine to dense {cosine:.4f}; thresholds "
          + ",".join(f"{t:.5f}" for t in thresholds) + f" -> {args.out / 'model-ltp'}")


if __name__ == "__main__":
    main()
