"""tools/train/flops counts as docs/pruning.md ("FLOPs") says the engine counts."""
from types import SimpleNamespace

import pytest

from tools.train.flops import flops_reduction

CONFIG = SimpleNamespace(hidden_size=4, intermediate_size=8, num_labels=2)


def layer(n_in, n_out, h=4, i=8):
    """QKV 2·n·H·3H and attention 4·n²·H on the n tokens in; output 2·k·H²
    and FFN 4·k·H·I on the k tokens kept."""
    return 2 * n_in * h * 3 * h + 4 * n_in * n_in * h + 2 * n_out * h * h + 4 * n_out * h * i


HEAD = 2 * 4 * 4 + 2 * 4 * 2  # pooler 2H², classifier 2H·C


def test_no_pruning_is_no_reduction():
    assert flops_reduction(CONFIG, [5, 9], [[5, 5, 5], [9, 9, 9]]) == 1.0


def test_a_layer_runs_attention_on_the_tokens_in_and_the_rest_on_the_tokens_kept():
    dense = 3 * layer(10, 10) + HEAD + 3 * layer(4, 4) + HEAD
    pruned = layer(10, 6) + layer(6, 3) + layer(3, 3) + HEAD + layer(4, 2) + layer(2, 1) + layer(1, 1) + HEAD
    assert flops_reduction(CONFIG, [10, 4], [[6, 3, 3], [2, 1, 1]]) == pytest.approx(dense / pruned)
