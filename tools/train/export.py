"""Writes a model folder the C++ engine loads: config.json (with the "ltp"
section when thresholds are given), model.safetensors, vocab.txt and
tokenizer_config.json."""
import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import save_file


def export_model_folder(hf_model, base: Path, out: Path, task, thresholds=None, dtype=torch.float16):
    out.mkdir(parents=True, exist_ok=True)
    hf_model.config.save_pretrained(out)
    config = json.loads((out / "config.json").read_text())
    if thresholds is not None:
        config["ltp"] = {"prune_mode": "absolute_threshold", "thresholds": thresholds, "score_norm_length": None}
    config["ltp_task"] = task.name
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    state = {k: v.detach().to(dtype).contiguous() for k, v in hf_model.state_dict().items()
             if v.is_floating_point()}
    save_file(state, str(out / "model.safetensors"))
    for name in ("vocab.txt", "tokenizer_config.json"):
        if (base / name).exists():
            shutil.copy(base / name, out / name)
