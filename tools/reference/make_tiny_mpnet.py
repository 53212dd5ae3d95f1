"""Tiny random MPNet models and their goldens (reference: transformers in
float64, LTP masking in ltp_reference.py), as make_tiny_models.py does for
BERT and RoBERTa.

    python -m tools.reference.make_tiny_mpnet   (from the repository root)

Writes tests/data/models/tiny-mpnet (MPNetForSequenceClassification) and
tiny-mpnet-embed (MPNetModel with sentence-transformers mean pooling and
normalisation), and tests/data/golden/<name>.json. Inputs reach 200 tokens so
every relative-position bucket (exact, logarithmic, clamped at 128) is used."""
import json

import torch
from transformers import MPNetConfig, MPNetForSequenceClassification, MPNetModel

from tools.reference.make_tiny_models import (LAYERS, MODELS, dense_golden, pruning_golden, random_inputs, save,
                                              write_golden)

LENGTHS = [1, 2, 3, 5, 9, 17, 30, 47, 64, 90, 129, 150, 200]


def peaked(model, scale=15.0):
    """Scale query/key weights so attention concentrates on few tokens, and give
    the position bias a visible size."""
    with torch.no_grad():
        for layer in model.base_model.encoder.layer:
            layer.attention.attn.q.weight.mul_(scale)
            layer.attention.attn.k.weight.mul_(scale)
        model.base_model.encoder.relative_attention_bias.weight.normal_(0.0, 1.0)
    return model


def config(**extra):
    return MPNetConfig(vocab_size=1000, hidden_size=32, num_hidden_layers=LAYERS, num_attention_heads=4,
                       intermediate_size=64, max_position_embeddings=258, relative_attention_num_buckets=32,
                       pad_token_id=1, bos_token_id=0, eos_token_id=2, **extra)


def main():
    torch.manual_seed(0)
    inputs = random_inputs(1000, LENGTHS * 2, 0, 2, seed=5)

    print("tiny-mpnet")
    cls = peaked(MPNetForSequenceClassification(config(num_labels=2, architectures=["MPNetForSequenceClassification"])))
    cls_ref = save(cls, "tiny-mpnet")
    write_golden("tiny-mpnet", cls_ref, dense_golden(cls_ref, inputs), pruning_golden(cls_ref, inputs))

    print("tiny-mpnet-embed")
    embed = peaked(MPNetModel(config(architectures=["MPNetModel"]), add_pooling_layer=False))
    embed_ref = save(embed, "tiny-mpnet-embed")
    folder = MODELS / "tiny-mpnet-embed"
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 32, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True}))
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]))
    write_golden("tiny-mpnet-embed", embed_ref,
                 dense_golden(embed_ref, inputs[:len(LENGTHS)], embedding={"pooling": "mean", "normalize": True}))


if __name__ == "__main__":
    main()
