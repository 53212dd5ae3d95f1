"""tools/train/export: the model folder records the training length and
carries every tokenizer file of the base."""
import json

import pytest

torch = pytest.importorskip("torch")
from safetensors.torch import load_file  # noqa: E402
from transformers import BertForSequenceClassification  # noqa: E402

from tools.convert.convert import TOKENIZER_FILES  # noqa: E402
from tools.train.export import export_model_folder  # noqa: E402
from tools.train.glue import TASKS  # noqa: E402


@pytest.fixture
def base(tiny_bert):
    """tiny-bert with every kind of tokenizer file a base can have (contents are not read)."""
    for name in TOKENIZER_FILES:
        if not (tiny_bert / name).exists():
            (tiny_bert / name).write_text(f"{name} of the base\n")
    (tiny_bert / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True, "model_max_length": 512}))
    return tiny_bert


def export(base, out, thresholds=None):
    model = BertForSequenceClassification.from_pretrained(base)
    export_model_folder(model, base, out, TASKS["SST-2"], max_length=128, card="# card\n", thresholds=thresholds)


def test_records_the_training_length_and_keeps_the_tokenizer_settings(base, tmp_path):
    export(base, tmp_path / "model")
    settings = json.loads((tmp_path / "model" / "tokenizer_config.json").read_text())
    assert settings == {"do_lower_case": True, "model_max_length": 128}


def test_copies_every_tokenizer_file_of_the_base(base, tmp_path):
    export(base, tmp_path / "model")
    for name in TOKENIZER_FILES:
        if name != "tokenizer_config.json":
            assert (tmp_path / "model" / name).read_bytes() == (base / name).read_bytes(), name


def test_writes_weights_config_and_card(base, tmp_path):
    export(base, tmp_path / "model", thresholds=[0.0, 0.01, 0.02, 0.03, 0.04, 0.05])
    out = tmp_path / "model"
    config = json.loads((out / "config.json").read_text())
    assert config["ltp"] == {"format_version": 1, "prune_mode": "absolute_threshold",
                             "thresholds": [0.0, 0.01, 0.02, 0.03, 0.04, 0.05], "score_norm_length": None}
    assert config["ltp_task"] == "SST-2"
    assert {t.dtype for t in load_file(str(out / "model.safetensors")).values()} == {torch.float16}
    assert (out / "MODEL_CARD.md").read_text() == "# card\n"


def test_exporting_again_replaces_the_folder(base, tmp_path):
    export(base, tmp_path / "model", thresholds=[0.1] * 6)
    (tmp_path / "model" / "stale.txt").write_text("from an earlier export")
    export(base, tmp_path / "model")
    assert not (tmp_path / "model" / "stale.txt").exists()
    assert "ltp" not in json.loads((tmp_path / "model" / "config.json").read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "tiny-bert"]
