"""Tokenised examples and their batches. An epoch's batches are a function of
the seed and the epoch alone, so a resumed run sees the batches it would have
seen."""
import math
import random

import torch


def encode_rows(tok, rows, max_length):
    """[(input ids, token type ids, label)] from glue.read_split rows, truncated to max_length tokens."""
    if not rows:
        return []
    texts = [r[0] for r in rows]
    pairs = [r[1] for r in rows] if rows[0][1] is not None else None
    enc = tok(texts, pairs, truncation="longest_first", max_length=max_length)
    ids = enc["input_ids"]
    types = enc.get("token_type_ids") or [[0] * len(i) for i in ids]  # MPNet's and RoBERTa's tokenizers give none
    return [(ids[i], types[i], rows[i][2]) for i in range(len(rows))]


def sample(examples, count, seed):
    """(count examples drawn at random, the others), both in their original order."""
    chosen = set(random.Random(seed).sample(range(len(examples)), count))
    return ([e for i, e in enumerate(examples) if i in chosen],
            [e for i, e in enumerate(examples) if i not in chosen])


def batches(examples, batch_size, seed, epoch):
    """Shuffle, sort by length within chunks of 50 batches (less padding), shuffle the batches."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(examples)))
    rng.shuffle(order)
    chunk = batch_size * 50
    result = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: len(examples[i][0]))
        result += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(result)
    return result


def numbered_batches(examples, batch_size, seed, done, total):
    """(step, indices) for steps done + 1 .. total, epoch after epoch."""
    per_epoch = math.ceil(len(examples) / batch_size)
    step = done
    while step < total:
        epoch, offset = divmod(step, per_epoch)
        for indices in batches(examples, batch_size, seed, epoch)[offset:offset + total - step]:
            step += 1
            yield step, indices


def collate(examples, indices, regression):
    """Padded tensors (ids, token types, attention mask, labels) for examples[indices].
    Padding sits right of every real token and is masked, so its id (0) never matters."""
    n = max(len(examples[i][0]) for i in indices)
    ids = torch.zeros(len(indices), n, dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for row, i in enumerate(indices):
        e = examples[i]
        ids[row, :len(e[0])] = torch.tensor(e[0])
        types[row, :len(e[1])] = torch.tensor(e[1])
        mask[row, :len(e[0])] = 1
    labels = torch.tensor([examples[i][2] for i in indices], dtype=torch.float32 if regression else torch.long)
    return ids, types, mask, labels
