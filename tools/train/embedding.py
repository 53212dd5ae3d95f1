"""Sentence embeddings of a PruningClassifier pooled as the engine pools them
(docs/pruning.md, "Mean pooling when tokens are pruned"), and the
self-distillation loss that teaches an embedder's thresholds without labels.

Under soft masks a token is partly alive; its aliveness after layer l is the
product of its masks so far, and the drop in aliveness at layer l is the share
of it that leaves there. Weighting each layer's entering state by that drop
makes `all` pooling the engine's rule when the masks are 0/1."""
import torch

from tools.train.ltp_model import alive_counts


def pooled(states, masks, attention_mask, mean_over, exit_maps=None):
    """[B × H] mean-pooled embeddings. states, masks: PruningClassifier.encode's;
    mean_over: "all" (a pruned token as it left, over the original length) or
    "survivors" (the last layer's alive tokens only). exit_maps (with "all"):
    per layer l, (W, b) sending a token that leaves at l to state · W + b instead."""
    real = attention_mask.to(states[0].dtype)
    alive, summed = real, 0.0
    for l, (state, mask) in enumerate(zip(states, masks)):
        after = alive * mask
        if mean_over == "all":
            if exit_maps:
                weight, bias = exit_maps[l]
                state = state @ weight + bias
            summed = summed + ((alive - after)[..., None] * state).sum(dim=1)
        alive = after
    summed = summed + (alive[..., None] * states[-1]).sum(dim=1)
    count = real if mean_over == "all" else alive
    return summed / count.sum(dim=-1, keepdim=True)


def distillation_loss(model, batch, dense_embeddings, lam, mean_over):
    """(1 − mean cosine to the dense embeddings) + lam · mean share of tokens alive
    over layers. Cosine ignores the models' final Normalize, so it is left out."""
    ids, types, mask = batch
    states, masks = model.encode(ids, types, mask)
    embeddings = pooled(states, masks, mask, mean_over)
    distance = 1.0 - torch.nn.functional.cosine_similarity(embeddings, dense_embeddings, dim=-1).mean()
    kept = alive_counts(masks, mask).sum() / (len(masks) * mask.sum()) if masks else torch.zeros(())
    return distance + lam * kept, distance.item(), kept.item()
