"""The package's results are ltp-run's: same records on every golden model and
option, bit-identical arrays whatever the batch size."""
import json

import numpy as np
import pytest

import ltp
from conftest import DEFAULT_MODEL, MODELS, ROOT, golden_encodings, package_records, pairs, sentences

TEXTS = sentences(48) + pairs(16)

# (model folder, its inputs, ltp.Model keyword arguments, the same as ltp-run options)
CASES = {
    "default, pruned": (DEFAULT_MODEL, TEXTS, {}, []),
    "default, dense": (DEFAULT_MODEL, TEXTS, {"prune": False}, ["--prune", "none"]),
    "default, topk": (DEFAULT_MODEL, TEXTS, {"keep_rate": 0.5}, ["--keep-rate", "0.5"]),
    "default, topk per layer": (DEFAULT_MODEL, TEXTS, {"keep_rates": [1, 0.8, 0.6, 0.5, 0.4, 0.3]},
                                ["--keep-rates", "1,0.8,0.6,0.5,0.4,0.3"]),
    "default, scaled, short": (DEFAULT_MODEL, TEXTS, {"threshold_scale": 2.0, "max_length": 24},
                               ["--threshold-scale", "2", "--max-length", "24"]),
    "tiny-bert, text": (MODELS / "tiny-bert", sentences(40), {}, []),
    "tiny-bert, thresholds": (MODELS / "tiny-bert", sentences(40), {"thresholds": [0, 0.01, 0.02, 0.03, 0.04, 0.05]},
                              ["--thresholds", "0,0.01,0.02,0.03,0.04,0.05"]),
    "tiny-roberta": (MODELS / "tiny-roberta", golden_encodings("tiny-roberta"), {"keep_rate": 0.6},
                     ["--keep-rate", "0.6"]),
    "regression": (MODELS / "tiny-bert-regression", golden_encodings("tiny-bert-regression"), {}, []),
    "embedding": (MODELS / "tiny-bert-embed", golden_encodings("tiny-bert-embed"), {}, []),
    "embedding, cls": (MODELS / "tiny-bert-embed", golden_encodings("tiny-bert-embed"),
                       {"pooling": "cls", "normalize": False}, ["--pooling", "cls", "--normalize", "off"]),
    "embedding, pruned survivors": (MODELS / "tiny-bert-embed", golden_encodings("tiny-bert-embed"),
                                    {"keep_rate": 0.5, "pool_pruned_tokens": False},
                                    ["--keep-rate", "0.5", "--mean-over", "survivors"]),
}


@pytest.mark.parametrize("case", CASES)
def test_records_equal_ltp_run(case, ltp_run):
    folder, inputs, options, cli_options = CASES[case]
    assert package_records(ltp.Model(folder, **options), inputs) == ltp_run(folder, inputs, *cli_options)


def test_output_fields_follow_the_head(default_model):
    out = default_model.encode(["a fine film", ("a fine film", "a dull one")])
    assert out.labels[0] == "positive" and len(out.labels) == 2
    assert out.logits.shape == out.probabilities.shape == (2, 2)
    assert out.logits.dtype == np.float32 and np.allclose(out.probabilities.sum(axis=1), 1)
    assert out.scores is None and out.embeddings is None and out.tokens_kept is None
    embedding = ltp.Model(MODELS / "tiny-bert-embed").encode(golden_encodings("tiny-bert-embed")[:2])
    assert embedding.embeddings.shape == (2, 32) and embedding.logits is None
    assert np.allclose(np.linalg.norm(embedding.embeddings, axis=1), 1)  # modules.json has Normalize
    score = ltp.Model(MODELS / "tiny-bert-regression").encode(golden_encodings("tiny-bert-regression"), trace=True)
    assert score.scores.shape == (3,) and score.tokens_kept.shape == (3, 2) and score.flops.dtype == np.int64
    assert repr(out).startswith("ltp.Output(labels=['positive', ")


@pytest.mark.parametrize("options", [{}, {"prune": False}, {"keep_rate": 0.4}])
def test_bit_identical_whatever_the_batch(options):
    model = ltp.Model(DEFAULT_MODEL, **options)
    one_by_one = model.encode(TEXTS, batch_size=1, trace=True)
    for batch_size in (5, len(TEXTS)):
        batched = model.encode(TEXTS, batch_size=batch_size, trace=True)
        assert np.array_equal(one_by_one.logits, batched.logits)
        assert np.array_equal(one_by_one.tokens_kept, batched.tokens_kept)


def test_tokenizer_equals_hugging_face():
    tokenizer = ltp.Model(MODELS / "tiny-bert").tokenizer
    cases = (ROOT / "tests" / "data" / "tokenizer" / "bert-base-uncased" / "truncation.jsonl").read_text().splitlines()
    for case in map(json.loads, cases):
        encoding = tokenizer.encode(case["text"], case.get("pair"), max_length=case["max_length"])
        assert (encoding.ids, encoding.type_ids) == (case["ids"], case["type_ids"]), case["text"]


def test_encodings_run_as_their_text(default_model):
    texts = sentences(10) + pairs(5)
    encodings = [default_model.tokenizer.encode(*([t] if isinstance(t, str) else t)) for t in texts]
    assert np.array_equal(default_model.encode(encodings).logits, default_model.encode(texts).logits)
    assert len(encodings[0]) == len(encodings[0].ids) and default_model.max_length == 128


def test_nothing_to_encode(default_model):
    out = default_model.encode([], trace=True)
    assert out.logits.shape == (0, 2) and out.labels == [] and out.tokens_kept.shape == (0, 6)
