"""A Hugging Face BERT classifier run layer by layer with LTP token pruning,
scored exactly as the C++ engine scores (docs/pruning.md):

    s_j = sum over heads and alive query rows of P[h, i, j] / (H * N),  N = alive count

modes: dense; soft (mask = sigmoid((s - theta_l) / T) multiplies each layer's
output and the keys of later layers, thresholds learnable); hard (tokens with
s < max(1e-5, theta_l) are masked with -10000 from the next layer on, as the
paper's code does). Position 0 is never pruned."""
import math

import torch
from torch import nn


class PruningClassifier(nn.Module):
    def __init__(self, hf_model, initial_thresholds, temperature=1e-3):
        super().__init__()
        self.hf = hf_model
        self.thresholds = nn.Parameter(torch.tensor(initial_thresholds, dtype=torch.float32))
        self.temperature = temperature
        self.mode = "dense"

    def forward(self, input_ids, token_type_ids, attention_mask):
        """Returns (logits, per-layer keep masks [B × n] over real tokens)."""
        bert = self.hf.bert
        heads = bert.config.num_attention_heads
        h = bert.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
        batch, n, width = h.shape
        d = width // heads
        real = attention_mask.to(h.dtype)
        alive = real
        masks = []
        for l, layer in enumerate(bert.encoder.layer):
            sa = layer.attention.self
            q = sa.query(h).view(batch, n, heads, d).transpose(1, 2)
            k = sa.key(h).view(batch, n, heads, d).transpose(1, 2)
            v = sa.value(h).view(batch, n, heads, d).transpose(1, 2)
            if self.mode == "soft":
                key_bias = torch.log(alive.clamp_min(1e-9))
            else:
                key_bias = (1.0 - (alive > 0).to(h.dtype)) * -10000.0
            probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + key_bias[:, None, None, :], dim=-1)
            ctx = (sa.dropout(probs) @ v).transpose(1, 2).reshape(batch, n, width)
            a = layer.attention.output(ctx, h)
            out = layer.output(layer.intermediate(a), a)
            if self.mode != "dense":
                raw = (probs * alive[:, None, :, None]).sum(dim=(1, 2))
                score = raw / (heads * alive.sum(dim=-1, keepdim=True))
                theta = self.thresholds[l]
                if self.mode == "soft":
                    keep = torch.sigmoid((score - theta) / self.temperature)
                else:
                    keep = (score >= torch.clamp(theta.detach(), min=1e-5)).to(h.dtype)
                    if float(theta) == 0.0:  # the engine skips a zero threshold
                        keep = torch.ones_like(keep)
                keep = torch.cat([torch.ones_like(keep[:, :1]), keep[:, 1:]], dim=1) * real
                alive = alive * keep
                if self.mode == "soft":
                    out = out * keep[..., None]
                masks.append(keep)
            h = out
        pooled = bert.pooler(h)
        return self.hf.classifier(self.hf.dropout(pooled)), masks


def alive_counts(masks, attention_mask):
    """[B × layers] tokens alive after each layer (differentiable in soft
    mode): a token's aliveness is the product of its masks so far."""
    alive = attention_mask.to(torch.float32)
    counts = []
    for m in masks:
        alive = alive * m
        counts.append(alive.sum(dim=-1))
    return torch.stack(counts, dim=1)
