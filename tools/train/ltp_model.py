"""A Hugging Face BERT, RoBERTa or MPNet classifier run layer by layer with LTP token pruning,
scored exactly as the C++ engine scores (docs/pruning.md):

    s_j = sum over heads and alive query rows of P[h, i, j] / (H * N),  N = alive count

modes: dense; soft (mask = sigmoid((s - theta_l) / T) multiplies each layer's
output and the keys of later layers, thresholds learnable); hard (tokens with
s < max(1e-5, theta_l) are masked with -10000 from the next layer on, as the
paper's code does). Position 0 is never pruned, nor is any token at layers
before first_pruning_layer (their thresholds get no gradient)."""
import math

import torch
from torch import nn


class PruningClassifier(nn.Module):
    def __init__(self, hf_model, initial_thresholds, temperature=1e-3, first_pruning_layer=0):
        super().__init__()
        self.hf = hf_model
        self.thresholds = nn.Parameter(torch.tensor(initial_thresholds, dtype=torch.float32))
        self.temperature = temperature
        self.first_pruning_layer = first_pruning_layer
        self.mode = "dense"

    def forward(self, input_ids, token_type_ids, attention_mask):
        """Returns (logits, per-layer keep masks [B × n] over real tokens)."""
        states, masks = self.encode(input_ids, token_type_ids, attention_mask)
        h = states[-1]
        if hasattr(self.hf, "bert"):  # pooler (dense + tanh) then classifier
            return self.hf.classifier(self.hf.dropout(self.hf.base_model.pooler(h))), masks
        return self.hf.classifier(h), masks  # RoBERTa and MPNet heads read the first token themselves

    def encode(self, input_ids, token_type_ids, attention_mask):
        """Returns (states, masks): states[l] [B × n × H] enters layer l and
        states[-1] leaves the last one; masks as forward's. Embedders pool
        states (tools/train/embedding.py), since a token pruned at layer l
        leaves with states[l]. self.hf is a headless model or one with a head."""
        base = self.hf.base_model
        heads = base.config.num_attention_heads
        h = base.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)  # MPNet ignores the types
        batch, n, width = h.shape
        d = width // heads
        # MPNet's relative position bias over the (right-padded) positions, as the model adds it.
        position_bias = base.encoder.compute_position_bias(h) if base.config.model_type == "mpnet" else 0.0
        real = attention_mask.to(h.dtype)
        alive = real
        masks, states = [], [h]
        for l, layer in enumerate(base.encoder.layer):
            query, key, value, dropout = attention_inputs(layer)
            q = query(h).view(batch, n, heads, d).transpose(1, 2)
            k = key(h).view(batch, n, heads, d).transpose(1, 2)
            v = value(h).view(batch, n, heads, d).transpose(1, 2)
            if self.mode == "soft":
                key_bias = torch.log(alive.clamp_min(1e-9))
            else:
                key_bias = (1.0 - (alive > 0).to(h.dtype)) * -10000.0
            logits = q @ k.transpose(-1, -2) / math.sqrt(d) + position_bias + key_bias[:, None, None, :]
            probs = torch.softmax(logits, dim=-1)
            ctx = (dropout(probs) @ v).transpose(1, 2).reshape(batch, n, width)
            a = attention_output(layer, ctx, h)
            out = layer.output(layer.intermediate(a), a)
            if self.mode != "dense" and l >= self.first_pruning_layer:
                raw = (probs * alive[:, None, :, None]).sum(dim=(1, 2))
                score = raw / (heads * alive.sum(dim=-1, keepdim=True))
                theta = self.thresholds[l]
                if self.mode == "soft":
                    keep = torch.sigmoid((score - theta) / self.temperature)
                else:
                    keep = (score >= torch.clamp(theta.detach(), min=1e-5)).to(h.dtype)
                    if float(theta.detach()) == 0.0:  # the engine skips a zero threshold
                        keep = torch.ones_like(keep)
                keep = torch.cat([torch.ones_like(keep[:, :1]), keep[:, 1:]], dim=1) * real
                alive = alive * keep
                if self.mode == "soft":
                    out = out * keep[..., None]
                masks.append(keep)
            h = out
            states.append(h)
        return states, masks


def attention_inputs(layer):
    """(query, key, value, probability dropout) of one layer: BERT and RoBERTa
    name them attention.self.*, MPNet attention.attn.{q,k,v}."""
    if hasattr(layer.attention, "attn"):
        a = layer.attention.attn
        return a.q, a.k, a.v, a.dropout
    sa = layer.attention.self
    return sa.query, sa.key, sa.value, sa.dropout


def attention_output(layer, ctx, h):
    """LayerNorm(h + dropout(ctx · Wo)), however the family names it."""
    if hasattr(layer.attention, "attn"):
        return layer.attention.LayerNorm(layer.attention.dropout(layer.attention.attn.o(ctx)) + h)
    return layer.attention.output(ctx, h)


def alive_counts(masks, attention_mask):
    """[B × layers] tokens alive after each layer (differentiable in soft
    mode): a token's aliveness is the product of its masks so far."""
    alive = attention_mask.to(torch.float32)
    counts = []
    for m in masks:
        alive = alive * m
        counts.append(alive.sum(dim=-1))
    return torch.stack(counts, dim=1)
