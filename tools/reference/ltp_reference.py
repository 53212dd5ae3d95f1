"""The LTP reference semantics in PyTorch (float64), written the way the paper's
code does it: pruned tokens stay in the tensors and are masked with -10000 as
keys from the next layer on. The C++ engine removes them instead; on kept
tokens both give the same values up to rounding.

score_j = sum over heads and alive query rows of P[h, i, j], divided by H * N
(N = score_norm_length, or the alive count when None). Position 0 is never
pruned."""
import math

import torch


def topk_layer_keep_rate(keep_rate, layer, num_layers):
    unpruned = max(3, math.ceil(0.15 * num_layers))
    if layer < unpruned:
        return 1.0
    return max(0.01, (keep_rate - 1) / (num_layers - unpruned) * (layer - unpruned + 1) + 1)


class Decision:
    """Which alive tokens survive a layer, and how close the closest call was."""

    def __init__(self, keep, margin):
        self.keep = keep          # bool tensor [n]
        self.margin = margin      # smallest relative distance of a score to the cut


def decide(mode, layer, num_layers, raw, alive, num_heads, norm_length, thresholds, keep_rate, n0):
    n_alive = int(alive.sum())
    keep = alive.clone()
    inf = float("inf")
    if mode == "none" or n_alive <= 1:
        return Decision(keep, inf)
    if mode == "topk":
        rate = topk_layer_keep_rate(keep_rate, layer, num_layers)
        if rate == 1.0:
            return Decision(keep, inf)
        k = int(torch.round(torch.tensor(float(n0), dtype=torch.float32) * torch.tensor(rate, dtype=torch.float32)))
        if k >= n_alive:
            return Decision(keep, inf)
        scores = torch.where(alive, raw, torch.full_like(raw, -1.0))
        order = torch.argsort(-scores, stable=True)
        keep = torch.zeros_like(alive)
        keep[order[:k]] = True
        keep[0] = True
        alive_sorted = scores[order[:n_alive]]
        gap = (alive_sorted[k - 1] - alive_sorted[k]).abs() / alive_sorted[k - 1] if k > 0 else torch.tensor(inf)
        return Decision(keep, float(gap))
    theta = thresholds[layer]
    if theta == 0:
        return Decision(keep, inf)
    if mode == "absolute_threshold":
        n = norm_length if norm_length is not None else n_alive
        s = raw / (num_heads * n)
        cut = max(1e-5, theta)
    else:  # threshold, rising_threshold: relative to the largest score
        s = raw / raw[alive].max()
        cut = theta
    keep = alive & ~(s < cut)
    keep[0] = True
    others = alive.clone()
    others[0] = False
    margin = float(((s[others] - cut).abs() / cut).min()) if others.any() else inf
    return Decision(keep, margin)


def attention_parts(layer):
    """(query, key, value, output dense, LayerNorm) of one layer's attention:
    BERT/RoBERTa name them attention.self.* and attention.output.*, MPNet
    attention.attn.{q,k,v,o} and attention.LayerNorm."""
    if hasattr(layer.attention, "attn"):
        a = layer.attention.attn
        return a.q, a.k, a.v, a.o, layer.attention.LayerNorm
    sa, out = layer.attention.self, layer.attention.output
    return sa.query, sa.key, sa.value, out.dense, out.LayerNorm


@torch.no_grad()
def forward(model, input_ids, token_type_ids, mode="none", thresholds=None, norm_length=None, keep_rate=None):
    """One sequence through an HF Bert/Roberta/MPNet model in float64 with LTP
    masking. Returns (final hidden [n × H], alive mask after the last layer, kept
    count per layer, smallest decision margin). MPNet's relative position bias
    is the model's own, over the original positions (nothing is removed here)."""
    base = model.base_model
    cfg = model.config
    heads, d = cfg.num_attention_heads, cfg.hidden_size // cfg.num_attention_heads
    ids = torch.tensor([input_ids])
    types = torch.tensor([token_type_ids])
    h = base.embeddings(input_ids=ids, token_type_ids=types)[0]
    n = h.shape[0]
    bias = base.encoder.compute_position_bias(h[None])[0] if cfg.model_type == "mpnet" else 0.0
    alive = torch.ones(n, dtype=torch.bool)
    kept_per_layer, margin = [], float("inf")
    for l, layer in enumerate(base.encoder.layer):
        query, key, value, out_dense, out_norm = attention_parts(layer)
        q = query(h).view(n, heads, d).transpose(0, 1)
        k = key(h).view(n, heads, d).transpose(0, 1)
        v = value(h).view(n, heads, d).transpose(0, 1)
        mask = torch.where(alive, 0.0, -10000.0).to(h.dtype)
        p = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d) + bias + mask, dim=-1)
        ctx = (p @ v).transpose(0, 1).reshape(n, heads * d)
        raw = (p * alive[None, :, None]).sum(dim=(0, 1))   # alive query rows only
        dec = decide(mode, l, len(base.encoder.layer), raw, alive, heads, norm_length, thresholds, keep_rate,
                     len(input_ids))
        margin = min(margin, dec.margin)
        alive = dec.keep
        kept_per_layer.append(int(alive.sum()))
        a = out_norm(out_dense(ctx) + h)
        h = layer.output.LayerNorm(layer.output.dense(layer.intermediate(a)) + a)
    return h, alive, kept_per_layer, margin


@torch.no_grad()
def classify(model, first_token_state):
    """The head of a *ForSequenceClassification model on the first token."""
    if hasattr(model, "bert"):
        return model.classifier(model.bert.pooler.dense(first_token_state).tanh())
    c = model.classifier
    return c.out_proj(c.dense(first_token_state).tanh())
