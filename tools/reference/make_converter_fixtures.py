"""Runs tools/convert on two checkpoints made from tiny-roberta and commits the
results as test models:

  tests/data/models/tiny-roberta-from-bin   tiny-roberta saved as pytorch_model.bin, converted
  tests/data/models/tiny-ltp-converted      a synthetic checkpoint in the LTP paper's layout
                                            ("ibert." names, quantisation buffers, pruner
                                            keep_threshold parameters), converted

    python -m tools.reference.make_converter_fixtures   (after make_tiny_models)

The C++ tests check that both give tiny-roberta's golden outputs and that the
LTP thresholds are keep_threshold[l] + 0.01 * l / 6 with KEEP below."""
import json
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file
from transformers import RobertaForSequenceClassification

from tools.convert.convert import convert

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "tests" / "data" / "models"
KEEP = [0.0, 0.002, -0.001, 0.004, 0.0035, 0.006]   # learned parts; tests/convert_test.cc repeats them
FINAL_TOKEN_THRESHOLD = 0.01


def main():
    src = MODELS / "tiny-roberta"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = RobertaForSequenceClassification.from_pretrained(src)
        (tmp / "bin").mkdir()
        model.config.save_pretrained(tmp / "bin")
        torch.save(model.state_dict(), tmp / "bin" / "pytorch_model.bin")  # the legacy PyTorch format
        convert(tmp / "bin", MODELS / "tiny-roberta-from-bin")  # replaces the folder whole

        state = load_file(str(src / "model.safetensors"))
        ltp = {}
        for name, tensor in state.items():
            name = "ibert." + name[len("roberta."):] if name.startswith("roberta.") else name
            ltp[name] = tensor
            if name.endswith(".weight") and tensor.dim() == 2 and "embeddings" not in name:
                ltp[name[:-len("weight")] + "weight_integer"] = torch.zeros_like(tensor, dtype=torch.int8)
                ltp[name[:-len("weight")] + "fc_scaling_factor"] = torch.ones(tensor.shape[0])
        ltp["ibert.embeddings.position_ids"] = torch.arange(66)[None]
        for l, k in enumerate(KEEP):
            ltp[f"ibert.encoder.layer.{l}.attention.self.pruner.keep_threshold"] = torch.tensor(k)
            ltp[f"ibert.encoder.layer.{l}.attention.self.query_activation.x_min"] = torch.tensor(-1.0)
        (tmp / "ltp").mkdir()
        torch.save(ltp, tmp / "ltp" / "pytorch_model.bin")
        config = json.loads((src / "config.json").read_text())
        config.update({"model_type": "ltp", "architectures": ["LTPForSequenceClassification"],
                       "prune_mode": "absolute_threshold", "final_token_threshold": FINAL_TOKEN_THRESHOLD,
                       "quant_mode": False})
        (tmp / "ltp" / "config.json").write_text(json.dumps(config))
        convert(tmp / "ltp", MODELS / "tiny-ltp-converted", dtype="f32", score_norm_length=128)
    print("done")


if __name__ == "__main__":
    main()
