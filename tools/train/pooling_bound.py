"""Where a pruned embedder's loss lies: in the survivors, or in the pruned tokens?

For every distinct sentence of a GLUE dev set, runs the model dense and with
its thresholds (hard, as the engine prunes) and reports the mean cosine to the
dense embedding of these mean pooling rules:

- all: each pruned token as it left (the engine's rule unless the folder says otherwise);
- survivors: the last layer's alive tokens only (the engine's other rule);
- linear (with --fit-data): each pruned token mapped from the state it left
  with by a per-layer least-squares map to the dense model's final states,
  fitted on sentences of the GLUE training sets (the best linear read-out);
- oracle: the survivors as they are, each pruned token filled in with its
  state at the end of the dense model. No rule sees those states; what this
  loses is lost in the survivors themselves, which attended to fewer tokens.

    python -m tools.train.pooling_bound --model runs/embed-l0.7/model-ltp --data data/glue/STS-B --threshold-scale 2 \
        --fit-data GLUE_DIR
"""
import argparse
import json
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer

from tools.train.embed_thresholds import batch_of, by_length, sentences, tokenised
from tools.train.embedding import pooled
from tools.train.flops import flops_reduction
from tools.train.glue import TASKS, distinct_sentences
from tools.train.ltp_model import PruningClassifier, alive_counts


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, required=True, help="model folder whose config.json has an \"ltp\" section")
    p.add_argument("--data", type=Path, required=True, help="a GLUE task folder with dev.tsv")
    p.add_argument("--threshold-scale", type=float, default=1.0, help="multiply the thresholds, as ltp-eval does")
    p.add_argument("--fit-data", type=Path, help="GLUE folder with <TASK>/train.tsv: adds the linear rule")
    p.add_argument("--fit-sentences", type=int, default=4000, help="training sentences the linear maps are fitted on")
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    return p.parse_args(argv)


def oracle_fill_in(states, masks, attention_mask, dense_final):
    """[B × H] mean over all tokens: survivors as they end, pruned tokens as the dense model ends them."""
    real = attention_mask.to(states[-1].dtype)
    alive = real
    for mask in masks:
        alive = alive * mask
    summed = (alive[..., None] * states[-1] + (real - alive)[..., None] * dense_final).sum(dim=1)
    return summed / real.sum(dim=-1, keepdim=True)


@torch.no_grad()
def linear_maps(model, examples, ridge=1e-2):
    """Per layer l, (W, b) minimising |x W + b − y|² + ridge (|W|² + |b|²) over the real tokens of
    the dense runs, x a token's state entering layer l and y its final state."""
    model.mode = "dense"
    batches = []
    for indices in by_length(examples):
        ids, types, mask = batch_of(examples, indices)
        states, _ = model.encode(ids, types, mask)
        batches.append([state[mask.bool()] for state in states])
    by_layer = list(zip(*batches))  # by_layer[l]: the real tokens' states entering layer l, batch by batch
    y = torch.cat(by_layer[-1]).double()
    maps = []
    for rows in by_layer[:-1]:
        x = torch.cat(rows).double()
        x1 = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)
        wb = torch.linalg.solve(x1.T @ x1 + ridge * torch.eye(x1.shape[1], dtype=x.dtype), x1.T @ y).float()
        maps.append((wb[:-1], wb[-1]))
    return maps


@torch.no_grad()
def cosines(model, examples, maps=None):
    """(FLOPs reduction, {rule: mean cosine to dense}) over the examples."""
    cosine = torch.nn.functional.cosine_similarity
    lengths, kept, found = [], [], {"all": [], "survivors": [], "oracle": []}
    if maps:
        found["linear"] = []
    for indices in by_length(examples):
        ids, types, mask = batch_of(examples, indices)
        model.mode = "dense"
        dense_states, _ = model.encode(ids, types, mask)
        dense = pooled(dense_states, [], mask, "all")
        model.mode = "hard"
        states, masks = model.encode(ids, types, mask)
        found["all"] += cosine(pooled(states, masks, mask, "all"), dense, dim=-1).tolist()
        found["survivors"] += cosine(pooled(states, masks, mask, "survivors"), dense, dim=-1).tolist()
        found["oracle"] += cosine(oracle_fill_in(states, masks, mask, dense_states[-1]), dense, dim=-1).tolist()
        if maps:
            found["linear"] += cosine(pooled(states, masks, mask, "all", maps), dense, dim=-1).tolist()
        lengths += mask.sum(dim=-1).tolist()
        kept += alive_counts(masks, mask).tolist()
    return flops_reduction(model.hf.config, lengths, kept), {k: sum(v) / len(v) for k, v in found.items()}


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    section = json.loads((args.model / "config.json").read_text()).get("ltp")
    if not section or section.get("prune_mode") != "absolute_threshold" or section.get("score_norm_length"):
        raise SystemExit(f"{args.model / 'config.json'}: expected an \"ltp\" section with absolute thresholds "
                         "and no score_norm_length (the scores this tool computes)")
    thresholds = [t * args.threshold_scale for t in section["thresholds"]]
    tok = AutoTokenizer.from_pretrained(args.model)
    texts = distinct_sentences(args.data.parent, [args.data.name], "dev")
    examples = tokenised(tok, texts, args.max_length)
    hf = AutoModel.from_pretrained(args.model, add_pooling_layer=False).eval()
    model = PruningClassifier(hf, thresholds)
    maps = None
    if args.fit_data:
        fit = sentences(args.fit_data, list(TASKS), args.fit_sentences, seed=0)
        maps = linear_maps(model, tokenised(tok, fit, args.max_length))
    reduction, found = cosines(model, examples, maps)
    print(f"{args.model} × {args.threshold_scale:g} on {len(texts)} {args.data.name} dev sentences: "
          f"{reduction:.2f}x fewer FLOPs; mean cosine to dense: "
          + ", ".join(f"{rule} {value:.4f}" for rule, value in found.items()))


if __name__ == "__main__":
    main()
