"""Writes a model folder the C++ engine loads: config.json (with the "ltp"
section when thresholds are given), model.safetensors, every tokenizer file
of the base, and MODEL_CARD.md. tokenizer_config.json gets the length the
model was trained at as model_max_length, the engine's default --max-length.
The folder is built beside OUT and renamed into place."""
import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import save_file

from tools.convert.convert import TOKENIZER_FILES, staged_folder


def export_model_folder(hf_model, base: Path, out: Path, task, max_length, card, thresholds=None,
                        dtype=torch.float16):
    with staged_folder(out) as folder:
        hf_model.config.save_pretrained(folder)
        config = json.loads((folder / "config.json").read_text())
        if thresholds is not None:
            config["ltp"] = {"format_version": 1, "prune_mode": "absolute_threshold", "thresholds": thresholds,
                             "score_norm_length": None}
        config["ltp_task"] = task.name
        (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        state = {k: v.detach().to(dtype).contiguous() for k, v in hf_model.state_dict().items()
                 if v.is_floating_point()}
        save_file(state, str(folder / "model.safetensors"))
        copy_tokenizer(base, folder, max_length)
        (folder / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def copy_tokenizer(base: Path, out: Path, max_length):
    for name in TOKENIZER_FILES:
        if (base / name).exists():
            shutil.copy(base / name, out / name)
    path = out / "tokenizer_config.json"
    settings = json.loads(path.read_text()) if path.exists() else {}
    settings["model_max_length"] = max_length
    path.write_text(json.dumps(settings, indent=2) + "\n")
