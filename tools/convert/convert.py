"""Converts a checkpoint folder into a model folder the ltp engine loads.

    python -m tools.convert.convert SRC_DIR OUT_DIR [--dtype f32|f16|bf16] [--score-norm-length 128]

OUT_DIR may be SRC_DIR (conversion in place). It is built in a temporary
folder beside it and renamed into place at the end, so a failure leaves an
existing OUT_DIR as it was. Afterwards OUT_DIR holds only what conversion
writes (weights, config.json, tokenizer files, modules.json, 1_Pooling); an
existing OUT_DIR is replaced only when it is empty or a model folder (has
config.json).

SRC_DIR may be
  - a Hugging Face BERT/RoBERTa folder: config.json + model.safetensors or
    pytorch_model.bin, tokenizer files (vocab.txt, or tokenizer.json alone);
  - a sentence-transformers folder (1_Pooling/config.json and modules.json are kept);
  - a checkpoint of the LTP paper's code (LTPForSequenceClassification on I-BERT
    RoBERTa: "ibert." tensor names, quantisation buffers, a prune_mode in
    config.json). Thresholds become config.json's "ltp" section: for
    absolute_threshold, layer l's learned encoder.layer.l.attention.self.pruner.keep_threshold
    plus the base final_token_threshold * l / L.

Only float .weight/.bias tensors are written (quantisation buffers and
position_ids are dropped), in the dtype asked for. Tokenizer files are copied
as they are, so tokenizer_config.json keeps its model_max_length (the
engine's default --max-length)."""
import argparse
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

DTYPES = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}
TOKENIZER_FILES = ("vocab.txt", "vocab.json", "merges.txt", "spiece.model", "tokenizer.json",
                   "tokenizer_config.json", "special_tokens_map.json")


def load_state(src: Path):
    if (src / "model.safetensors").exists():
        return load_file(str(src / "model.safetensors"))
    if (src / "pytorch_model.bin").exists():
        return torch.load(src / "pytorch_model.bin", map_location="cpu", weights_only=True)
    raise SystemExit(f"{src}: neither model.safetensors nor pytorch_model.bin found")


def is_ltp_checkpoint(config, state):
    return "prune_mode" in config or config.get("model_type") in ("ltp", "ibert") or \
        any(k.startswith("ibert.") for k in state)


def ltp_section(config, state, score_norm_length):
    """The "ltp" section from an LTP-paper checkpoint's config and pruner parameters."""
    mode = config.get("prune_mode")
    layers = config["num_hidden_layers"]
    section = {"prune_mode": mode or "none", "score_norm_length": score_norm_length}
    final = config.get("final_token_threshold")
    if mode == "absolute_threshold":
        if final is None:
            raise SystemExit("config.json: absolute_threshold needs final_token_threshold")
        thresholds = []
        for l in range(layers):
            name = f"ibert.encoder.layer.{l}.attention.self.pruner.keep_threshold"
            if name not in state:
                raise SystemExit(f"checkpoint: {name} is missing")
            thresholds.append(float(state[name]) + final * l / layers)
        section["thresholds"] = thresholds
    elif mode == "threshold":
        section["thresholds"] = [float(config["token_threshold"])] * layers
    elif mode == "rising_threshold":
        section["final_token_threshold"] = final
    elif mode == "topk":
        section["keep_rate"] = config["token_keep_rate"]
    return section


def convert_weights(state, ltp, dtype):
    out = {}
    for name, tensor in state.items():
        if not tensor.is_floating_point() or not (name.endswith(".weight") or name.endswith(".bias")):
            continue  # quantisation buffers, position_ids, pruner parameters
        if ltp and name.startswith("ibert."):
            name = "roberta." + name[len("ibert."):]
        out[name] = tensor.to(dtype).contiguous()
    return out


def write_tokenizer(src: Path, out: Path):
    for name in TOKENIZER_FILES:
        if (src / name).exists():
            shutil.copy(src / name, out / name)
    if (out / "vocab.txt").exists() or not (src / "tokenizer.json").exists():
        return
    tok = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    model = tok.get("model", {})
    if model.get("type", "WordPiece") != "WordPiece" or "vocab" not in model or "continuing_subword_prefix" not in model:
        return  # BPE and others are read from tokenizer.json itself
    vocab = sorted(model["vocab"].items(), key=lambda kv: kv[1])
    if [i for _, i in vocab] != list(range(len(vocab))):
        raise SystemExit("tokenizer.json: WordPiece ids are not 0..N-1")
    (out / "vocab.txt").write_text("".join(token + "\n" for token, _ in vocab), encoding="utf-8")
    normalizer = tok.get("normalizer") or {}
    settings = json.loads((out / "tokenizer_config.json").read_text()) if (out / "tokenizer_config.json").exists() else {}
    settings.setdefault("do_lower_case", bool(normalizer.get("lowercase", True)))
    settings.setdefault("strip_accents", normalizer.get("strip_accents"))
    settings.setdefault("tokenize_chinese_chars", bool(normalizer.get("handle_chinese_chars", True)))
    (out / "tokenizer_config.json").write_text(json.dumps(settings, indent=2) + "\n")


@contextmanager
def staged_folder(target: Path):
    """Yields an empty folder beside `target` to fill; when the block ends
    without an exception, that folder replaces `target`, otherwise it is
    deleted and `target` is left as it was."""
    target = Path(os.path.abspath(target))  # "." and "x/.." have no name to stage beside
    staging = target.parent / f".{target.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)  # left by a killed run
    staging.mkdir(parents=True)
    try:
        yield staging
        replace_folder(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_folder(new: Path, target: Path):
    """Renames `new` to `target`. POSIX cannot swap two folders in one rename:
    an existing `target` is first moved aside, and moved back if the second
    rename fails."""
    if not target.exists():
        os.rename(new, target)
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old)


def convert(src: Path, out: Path, dtype="f32", score_norm_length=128):
    src, out = Path(src), Path(out)
    if out.is_file() or (out.is_dir() and any(out.iterdir()) and not (out / "config.json").exists()):
        raise SystemExit(f"{out}: exists and is not a model folder (no config.json); "
                         "conversion replaces OUT_DIR whole, so choose a new or model folder")
    config = json.loads((src / "config.json").read_text())
    state = load_state(src)
    ltp = is_ltp_checkpoint(config, state)
    if ltp:
        section = ltp_section(config, state, score_norm_length)
        config["model_type"] = "roberta"
        if any(k.startswith("classifier.") for k in state):
            config["architectures"] = ["RobertaForSequenceClassification"]
        for key in ("prune_mode", "final_token_threshold", "token_threshold", "token_keep_rate", "quant_mode"):
            config.pop(key, None)
        config["ltp"] = section
    with staged_folder(out) as staging:
        save_file(convert_weights(state, ltp, DTYPES[dtype]), str(staging / "model.safetensors"))
        (staging / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        write_tokenizer(src, staging)
        for extra in ("modules.json", "1_Pooling"):
            if (src / extra).is_dir():
                shutil.copytree(src / extra, staging / extra)
            elif (src / extra).exists():
                shutil.copy(src / extra, staging / extra)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dtype", choices=sorted(DTYPES), default="f32")
    ap.add_argument("--score-norm-length", type=int, default=128,
                    help="N of the LTP score normalisation for paper checkpoints (their padded length)")
    args = ap.parse_args()
    print("wrote", convert(args.src, args.out, args.dtype, args.score_norm_length))


if __name__ == "__main__":
    main()
