"""Label-free thresholds for embedders (tools/train/embedding.py, embed_thresholds.py)
on tests/data/models/tiny-bert-embed: pooling under pruning, the distillation
loss and the folder written."""
import json
import math
from pathlib import Path

import pytest
import torch
from transformers import AutoModel

from tools.train.embed_thresholds import write_model
from tools.train.embedding import distillation_loss, pooled
from tools.train.ltp_model import PruningClassifier
from tools.train.pooling_bound import oracle_fill_in

TINY_EMBED = Path(__file__).resolve().parents[2] / "tests" / "data" / "models" / "tiny-bert-embed"
LAYERS = 6


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    hf = AutoModel.from_pretrained(TINY_EMBED, add_pooling_layer=False)
    hf.requires_grad_(False)
    hf.eval()
    return PruningClassifier(hf, [0.0] * LAYERS)


@pytest.fixture(scope="module")
def batch():
    """Two sentences, the second padded: 9 and 6 tokens."""
    ids = torch.randint(5, 1000, (2, 9))
    mask = torch.ones_like(ids)
    mask[1, 6:] = 0
    return ids, torch.zeros_like(ids), mask


def set_mode(model, mode, thresholds):
    model.mode = mode
    with torch.no_grad():
        model.thresholds.copy_(torch.tensor(thresholds, dtype=torch.float32))


def test_dense_pooling_is_the_masked_mean_of_the_last_layer(model, batch):
    ids, types, mask = batch
    set_mode(model, "dense", [0.0] * LAYERS)
    last = model.hf(input_ids=ids, token_type_ids=types, attention_mask=mask).last_hidden_state
    expected = (last * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    for mean_over in ("all", "survivors"):
        got = pooled(*model.encode(ids, types, mask), mask, mean_over)
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


def test_hard_pooling_follows_the_engine_rule(model, batch):
    """θ = +inf at layer 2 keeps only [CLS]: `all` averages [CLS]'s final state with
    every other token's state entering layer 2; `survivors` is [CLS] alone."""
    ids, types, mask = batch
    set_mode(model, "hard", [0.0, 0.0, math.inf, 0.0, 0.0, 0.0])
    states, masks = model.encode(ids, types, mask)
    real = mask.to(torch.float32)
    left = real.clone()
    left[:, 0] = 0
    expected = (states[-1][:, 0] + (states[2] * left[..., None]).sum(1)) / real.sum(1, keepdim=True)
    torch.testing.assert_close(pooled(states, masks, mask, "all"), expected)
    torch.testing.assert_close(pooled(states, masks, mask, "survivors"), states[-1][:, 0])


def test_oracle_takes_pruned_tokens_from_the_dense_run(model, batch):
    """Only [CLS] survives layer 2: the oracle is [CLS]'s pruned final state averaged
    with every other real token's dense final state; with nothing pruned it is dense pooling."""
    ids, types, mask = batch
    set_mode(model, "dense", [0.0] * LAYERS)
    dense_states, _ = model.encode(ids, types, mask)
    dense = pooled(dense_states, [], mask, "all")
    set_mode(model, "hard", [0.0, 0.0, math.inf, 0.0, 0.0, 0.0])
    states, masks = model.encode(ids, types, mask)
    real = mask.to(torch.float32)
    rest = real.clone()
    rest[:, 0] = 0
    expected = (states[-1][:, 0] + (dense_states[-1] * rest[..., None]).sum(1)) / real.sum(1, keepdim=True)
    torch.testing.assert_close(oracle_fill_in(states, masks, mask, dense_states[-1]), expected)
    assert not torch.allclose(expected, dense)  # [CLS] attended to itself alone after layer 2
    set_mode(model, "hard", [0.0] * LAYERS)
    states, masks = model.encode(ids, types, mask)
    torch.testing.assert_close(oracle_fill_in(states, masks, mask, dense_states[-1]), dense,
                               atol=1e-5, rtol=1e-5)


def test_exit_maps_move_only_the_pruned_tokens(model, batch):
    ids, types, mask = batch
    set_mode(model, "hard", [0.0, 0.0, math.inf, 0.0, 0.0, 0.0])
    states, masks = model.encode(ids, types, mask)
    width = states[0].shape[-1]
    identity = [(torch.eye(width), torch.zeros(width))] * LAYERS
    torch.testing.assert_close(pooled(states, masks, mask, "all", identity), pooled(states, masks, mask, "all"))
    shifted = [(torch.eye(width), torch.ones(width))] * LAYERS  # pruned tokens moved by 1 in every dimension
    gone = (mask.sum(1, keepdim=True) - 1) / mask.sum(1, keepdim=True)  # all but [CLS]
    torch.testing.assert_close(pooled(states, masks, mask, "all", shifted), pooled(states, masks, mask, "all") + gone)


def test_loss_is_zero_when_nothing_is_pruned_and_lambda_raises_thresholds(model, batch):
    ids, types, mask = batch
    set_mode(model, "dense", [0.0] * LAYERS)
    with torch.no_grad():
        dense = pooled(*model.encode(ids, types, mask), mask, "all")
    set_mode(model, "soft", [-1.0] * LAYERS)  # far below every score: all masks are 1
    loss, distance, kept = distillation_loss(model, batch, dense, 0.0, "all")
    assert distance == pytest.approx(0.0, abs=1e-6) and kept == pytest.approx(1.0)

    def gradient(lam):
        set_mode(model, "soft", [0.1] * LAYERS)  # near the scores (about 1/n): gradients flow
        model.thresholds.grad = None
        distillation_loss(model, batch, dense, lam, "all")[0].backward()
        return model.thresholds.grad.clone()

    quiet, pushed = gradient(0.0), gradient(10.0)
    assert torch.isfinite(quiet).all() and quiet.abs().sum() > 0
    assert pushed.sum() < quiet.sum()  # gradient descent moves thresholds up as λ grows


def test_written_folder_keeps_the_weights_and_adds_the_section(tmp_path):
    out = tmp_path / "model-ltp"
    write_model(TINY_EMBED, out, [0.0, 0.01, 0.02, 0.03, 0.04, 0.05], 128, "survivors")
    config = json.loads((out / "config.json").read_text())
    assert config["ltp"] == {"format_version": 1, "prune_mode": "absolute_threshold",
                             "thresholds": [0.0, 0.01, 0.02, 0.03, 0.04, 0.05], "score_norm_length": None,
                             "mean_over": "survivors"}
    assert (out / "model.safetensors").read_bytes() == (TINY_EMBED / "model.safetensors").read_bytes()
    assert (out / "1_Pooling" / "config.json").exists() and (out / "modules.json").exists()
    assert json.loads((out / "tokenizer_config.json").read_text())["model_max_length"] == 128
