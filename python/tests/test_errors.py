"""Bad models, options and inputs raise Python exceptions carrying ltp's
messages; nothing crashes and nothing is silently dropped."""
import re
import shutil

import pytest

import ltp
from conftest import DEFAULT_MODEL, MODELS


@pytest.mark.parametrize("options, message", [
    ({"device": "tpu"}, "unknown device 'tpu'"),
    ({"precision": "fp8"}, "unknown precision 'fp8'"),
    ({"precision": "fp16"}, "fp16 runs on --device cuda only"),
    ({"threads": -1}, "--threads must be in [0, 1024]"),
    ({"max_length": 513}, "exceeds the model's maximum of 512"),
    ({"max_length": 0}, "at least 1 token"),
    ({"thresholds": [0.1, 0.2]}, "needs 6 thresholds"),
    ({"keep_rate": 1.5}, "(0, 1]"),
    ({"prune": False, "keep_rate": 0.5}, "running dense"),
    ({"keep_rate": 0.5, "threshold_scale": 0.5}, "exclude each other"),
    ({"keep_rate": 0.5, "keep_rates": [1] * 6}, "exclude each other"),
    ({"keep_rates": [1, 0.5]}, "needs 6 keep_rates (one per layer), got 2"),
    ({"keep_rates": []}, "keep_rates is empty"),
    ({"thresholds": [0] * 6, "keep_rate": 0.5}, "thresholds and a keep rate"),
    ({"threshold_scale": float("nan")}, "--threshold-scale must be a number >= 0"),
    ({"pooling": "max"}, "unknown pooling 'max'"),
])
def test_bad_options(options, message):
    with pytest.raises(ltp.Error, match=re.escape(message)):
        ltp.Model(DEFAULT_MODEL, **options)


def test_bad_model_folders(tmp_path):
    with pytest.raises(ltp.Error, match="model folder not found"):
        ltp.Model(tmp_path / "missing")
    broken = tmp_path / "broken"
    shutil.copytree(MODELS / "tiny-bert", broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ltp.Error, match="model.safetensors"):
        ltp.Model(broken)
    assert issubclass(ltp.Error, RuntimeError)


@pytest.mark.parametrize("inputs, error, message", [
    ("a fine film", TypeError, "wrap a single input in a list"),
    (5, TypeError, "not iterable"),
    (["fine", 5], TypeError, "input 1: expected a str, a pair of str or an ltp.Encoding, got int"),
    (["fine", None], TypeError, "input 1: .* got NoneType"),
    ([("a", "b", "c")], TypeError, "input 0: .* got tuple"),
    (["fine", ""], ltp.Error, "input 1: the text is empty"),
    ([("fine", "")], ltp.Error, "input 0: the second text of the pair is empty"),
    (["\ud800"], ValueError, "input 0: the text cannot be encoded as UTF-8"),
    ([ltp.Encoding([])], ltp.Error, "input 0: input has no tokens"),
    ([ltp.Encoding([101, 10**6, 102])], ltp.Error, "token id 1000000 at position 1 is outside the vocabulary"),
    ([ltp.Encoding([101, 102], [0])], ltp.Error, "token_type_ids has 1 entries, input_ids 2"),
    ([ltp.Encoding([101] * 600)], ltp.Error, "input has 600 tokens, the model takes at most 512"),
])
def test_bad_inputs(default_model, inputs, error, message):
    with pytest.raises(error, match=message):
        default_model.encode(inputs)


def test_bad_calls(default_model):
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        default_model.encode(["fine"], batch_size=0)
    with pytest.raises(ltp.Error, match="the text is empty"):
        default_model.tokenizer.encode("")
    with pytest.raises(ltp.Error, match="exceeds the model's maximum"):
        default_model.tokenizer.encode("fine", max_length=1000)
    with pytest.raises(ltp.Error, match="has no tokenizer files"):
        ltp.Model(MODELS / "tiny-roberta").encode(["text needs a tokenizer"])
    with pytest.raises(TypeError):
        ltp.Encoding(["not", "ids"])
