"""FLOPs as the engine counts them (docs/pruning.md, src/pruning/flops.cc), so
that a reduction measured here is the one ltp-eval reports: multiply-add = 2;
a layer runs QKV and attention on the tokens it receives and the output
projection and FFN on the tokens it keeps; the head (pooler and classifier)
runs once per sequence."""


def layer_flops(hidden, intermediate, n_in, n_out):
    qkv = 2 * n_in * hidden * 3 * hidden
    attention = 2 * 2 * n_in * n_in * hidden
    output = 2 * n_out * hidden * hidden
    ffn = 2 * 2 * n_out * hidden * intermediate
    return qkv + attention + output + ffn


def flops_reduction(config, lengths, kept):
    """Dense FLOPs over pruned FLOPs, summed over sequences. config: an HF
    config (hidden_size, intermediate_size, num_labels); lengths[s]: tokens of
    sequence s; kept[s][l]: its tokens alive after layer l."""
    h, i = config.hidden_size, config.intermediate_size
    head = 2 * h * h + 2 * h * config.num_labels
    dense = pruned = 0
    for n, alive in zip(lengths, kept):
        dense += len(alive) * layer_flops(h, i, n, n) + head
        pruned += head
        for n_out in alive:
            pruned += layer_flops(h, i, n, n_out)
            n = n_out
    return dense / pruned
