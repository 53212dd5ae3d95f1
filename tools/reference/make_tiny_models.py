"""Tiny random BERT and RoBERTa models in Hugging Face format, and the goldens
the C++ tests compare against (reference: HF transformers in float64).

    python -m tools.reference.make_tiny_models   (from the repository root)

Writes tests/data/models/<name>/ (config.json, model.safetensors, tokenizer
files where the model has them) and tests/data/golden/<name>.json with
  dense:   inputs, logits or embeddings, final hidden states;
  pruning: per mode and normalisation, thresholds and, per input, logits and
           the kept count per layer (LTP masking semantics, ltp_reference.py).
Query and key weights are scaled up so attention is peaked and thresholds
prune 30-80% of the tokens by the last layer."""
import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import (BertConfig, BertForSequenceClassification, BertModel, RobertaConfig,
                          RobertaForSequenceClassification)

from tools.reference import ltp_reference as ref
from tools.reference.glue_text import read_dev_texts
from tools.reference.hf_bert_tokenizer import hf_bert_tokenizer

ROOT = Path(__file__).resolve().parents[2]
GLUE = ROOT / "data" / "glue"
MODELS = ROOT / "tests" / "data" / "models"
GOLDEN = ROOT / "tests" / "data" / "golden"
LAYERS = 6
MARGIN = 1e-4          # inputs with a decision this close (relative) to a cut are left out
TARGET_PRUNED = 0.55   # calibrated share of tokens pruned by the last layer


def rounded(values):
    return [float(f"{v:.9g}") for v in values]


def peaked(model, scale=15.0):
    """Scale query/key weights so attention concentrates on few tokens."""
    with torch.no_grad():
        for layer in model.base_model.encoder.layer:
            layer.attention.self.query.weight.mul_(scale)
            layer.attention.self.key.weight.mul_(scale)
    return model


def save(model, name, dtype=torch.float32, extra_files=()):
    out = MODELS / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    model.config.save_pretrained(out)
    state = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"))
    for src, dst in extra_files:
        shutil.copy(src, out / dst)
    # The float64 reference runs on exactly the stored values.
    ref_model = type(model)(model.config).double().eval()
    ref_model.load_state_dict({k: v.double() for k, v in state.items()}, strict=False)
    return ref_model


@torch.no_grad()
def dense_golden(model, inputs, embedding=None):
    records = []
    for ids, types in inputs:
        out = model(input_ids=torch.tensor([ids]), token_type_ids=torch.tensor([types]), output_hidden_states=True)
        hidden = out.hidden_states[-1][0]
        h, _, _, _ = ref.forward(model, ids, types)  # the hand-written reference must agree with HF
        assert (h - hidden).abs().max() < 1e-9, "reference forward disagrees with transformers"
        r = {"input_ids": ids, "token_type_ids": types, "hidden_states": rounded(hidden.flatten().tolist())}
        if embedding is None:
            r["logits"] = rounded(out.logits[0].tolist())
        else:
            pooled = hidden.mean(dim=0) if embedding["pooling"] == "mean" else hidden[0]
            if embedding["normalize"]:
                pooled = pooled / pooled.norm().clamp_min(1e-12)
            r["embedding"] = rounded(pooled.tolist())
        records.append(r)
    return records


def pruned_share(model, inputs, case):
    kept = total = 0
    for ids, types in inputs:
        _, alive, _, _ = ref.forward(model, ids, types, **case)
        kept += int(alive.sum())
        total += len(ids)
    return 1 - kept / total


def calibrate(model, inputs, mode, norm_length):
    """Thresholds growing with depth, scaled so ~TARGET_PRUNED of tokens go."""
    n = len(model.base_model.encoder.layer)
    if mode == "absolute_threshold":
        typical = 1.0 / (norm_length if norm_length else sum(len(i) for i, _ in inputs) / len(inputs))
        base = [typical * (l + 1) / n for l in range(n)]
    else:
        base = [0.5 * l / n for l in range(n)] if mode == "rising_threshold" else [(l + 1) / n for l in range(n)]
    lo, hi = 0.0, 4.0
    for _ in range(30):
        mid = (lo + hi) / 2
        case = {"mode": mode, "thresholds": [b * mid for b in base], "norm_length": norm_length}
        if pruned_share(model, inputs, case) < TARGET_PRUNED:
            lo = mid
        else:
            hi = mid
    return [float(f"{b * (lo + hi) / 2:.6g}") for b in base]


def pruning_golden(model, inputs):
    cases = []
    specs = [("absolute_threshold", None), ("absolute_threshold", 128), ("threshold", None),
             ("rising_threshold", None), ("topk", None)]
    for mode, norm_length in specs:
        case = {"mode": mode, "norm_length": norm_length, "thresholds": None, "keep_rate": None}
        if mode == "topk":
            case["keep_rate"] = 0.3
        else:
            case["thresholds"] = calibrate(model, inputs, mode, norm_length)
        records, skipped, kept, total = [], 0, 0, 0
        for ids, types in inputs:
            h, alive, kept_per_layer, margin = ref.forward(model, ids, types, **case)
            if margin < MARGIN:
                skipped += 1
                continue
            r = {"input_ids": ids, "token_type_ids": types, "tokens_kept": kept_per_layer,
                 "kept_positions": alive.nonzero().flatten().tolist(), "first_hidden": rounded(h[0].tolist())}
            if hasattr(model, "classifier"):
                r["logits"] = rounded(ref.classify(model, h[0:1])[0].tolist())
            records.append(r)
            kept += kept_per_layer[-1]
            total += len(ids)
        share = 1 - kept / total
        print(f"  {mode:18s} norm={norm_length}: {len(records)} inputs ({skipped} near a cut left out), "
              f"{share:.0%} pruned by the last layer")
        assert 0.3 <= share <= 0.8, "calibration missed the 30-80% pruning band"
        cases.append({"mode": mode, "score_norm_length": norm_length, "thresholds": case["thresholds"],
                      "keep_rate": case["keep_rate"], "inputs": records})
    return cases


def write_golden(name, model, dense, pruning=None):
    GOLDEN.mkdir(parents=True, exist_ok=True)
    doc = {"model": name, "hidden_size": model.config.hidden_size, "dense": dense}
    if pruning is not None:
        doc["pruning"] = pruning
    (GOLDEN / f"{name}.json").write_text(json.dumps(doc) + "\n")


def glue_inputs(tok):
    texts = [(t, None) for t, _ in list(read_dev_texts(GLUE, "SST-2"))[:24]]
    texts += list(read_dev_texts(GLUE, "MRPC"))[:12]
    texts += list(read_dev_texts(GLUE, "RTE"))[:8]
    inputs = []
    for t, p in texts:
        e = tok(t, p, truncation="longest_first", max_length=128)
        inputs.append((e["input_ids"], e["token_type_ids"]))
    cls, sep = tok.cls_token_id, tok.sep_token_id
    return inputs + [([cls], [0]), ([cls, sep], [0, 0])]


def random_inputs(vocab, lengths, bos, eos, seed):
    g = torch.Generator().manual_seed(seed)
    inputs = []
    for n in lengths:
        ids = torch.randint(3, vocab, (n,), generator=g).tolist()
        ids[0] = bos
        if n > 1:
            ids[-1] = eos
        inputs.append((ids, [0] * n))
    return inputs


def main():
    torch.manual_seed(0)
    vocab_file = ROOT / "tests" / "data" / "tokenizers" / "bert-base-uncased" / "vocab.txt"
    tok = hf_bert_tokenizer(vocab_file, lowercase=True)

    bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=LAYERS,
                          num_attention_heads=4, intermediate_size=64, max_position_embeddings=128,
                          id2label={0: "negative", 1: "positive"}, label2id={"negative": 0, "positive": 1},
                          architectures=["BertForSequenceClassification"])
    bert = peaked(BertForSequenceClassification(bert_cfg))
    (MODELS / "tiny-bert").mkdir(parents=True, exist_ok=True)
    tok_config = MODELS.parent / "tokenizer_config_uncased.json"
    tok_config.write_text(json.dumps({"do_lower_case": True}) + "\n")
    bert_ref = save(bert, "tiny-bert", extra_files=[(vocab_file, "vocab.txt"), (tok_config, "tokenizer_config.json")])
    tok_config.unlink()
    inputs = glue_inputs(tok)
    print("tiny-bert")
    write_golden("tiny-bert", bert_ref, dense_golden(bert_ref, inputs), pruning_golden(bert_ref, inputs))

    rob_cfg = RobertaConfig(vocab_size=1000, hidden_size=32, num_hidden_layers=LAYERS, num_attention_heads=4,
                            intermediate_size=64, max_position_embeddings=66, type_vocab_size=1, pad_token_id=1,
                            bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5, num_labels=3,
                            architectures=["RobertaForSequenceClassification"])
    roberta = peaked(RobertaForSequenceClassification(rob_cfg))
    rob_inputs = random_inputs(1000, [1, 2, 3, 5, 8, 13, 17, 21, 26, 30, 34, 40, 47, 55, 60, 64] * 2, 0, 2, seed=1)
    print("tiny-roberta")
    rob_ref = save(roberta, "tiny-roberta")
    write_golden("tiny-roberta", rob_ref, dense_golden(rob_ref, rob_inputs), pruning_golden(rob_ref, rob_inputs))
    for suffix, dtype in (("f16", torch.float16), ("bf16", torch.bfloat16)):
        variant = save(roberta, f"tiny-roberta-{suffix}", dtype=dtype)
        write_golden(f"tiny-roberta-{suffix}", variant, dense_golden(variant, rob_inputs[:8]))

    # Regression (STS-B style): one output, no label names.
    reg_cfg = BertConfig(vocab_size=1000, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                         intermediate_size=64, max_position_embeddings=64, num_labels=1, problem_type="regression",
                         architectures=["BertForSequenceClassification"])
    reg_ref = save(BertForSequenceClassification(reg_cfg), "tiny-bert-regression")
    write_golden("tiny-bert-regression", reg_ref, dense_golden(reg_ref, random_inputs(1000, [3, 9, 30], 101, 102, 3)))

    # A sentence-transformers style encoder: no head, mean pooling, normalised.
    embed_cfg = BertConfig(vocab_size=1000, hidden_size=32, num_hidden_layers=LAYERS, num_attention_heads=4,
                           intermediate_size=64, max_position_embeddings=128, architectures=["BertModel"])
    embed = peaked(BertModel(embed_cfg, add_pooling_layer=False))
    embed_ref = save(embed, "tiny-bert-embed")
    (MODELS / "tiny-bert-embed" / "1_Pooling").mkdir()
    (MODELS / "tiny-bert-embed" / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 32, "pooling_mode_cls_token": False,
                    "pooling_mode_mean_tokens": True}) + "\n")
    (MODELS / "tiny-bert-embed" / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]) + "\n")
    embed_inputs = random_inputs(1000, [1, 2, 7, 19, 33, 64, 100], 101, 102, seed=2)
    write_golden("tiny-bert-embed", embed_ref,
                 dense_golden(embed_ref, embed_inputs, embedding={"pooling": "mean", "normalize": True}))
    print("done")


if __name__ == "__main__":
    main()
