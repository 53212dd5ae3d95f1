// The weights of a BERT/RoBERTa encoder and its head, bound from Hugging Face
// tensor names, checked against config.json, and prepacked for the device.
#pragma once

#include <optional>
#include <vector>

#include "ltp/config.h"
#include "ltp/safetensors.h"
#include "ltp/tensor.h"
#include "ops/linear.h"

namespace ltp {

struct LayerNormWeights {
  Tensor gamma;
  Tensor beta;
};

struct EmbeddingWeights {
  Tensor word;         // [vocab × H]
  Tensor position;     // [max_position_embeddings × H]
  Tensor token_type;   // [type_vocab × H]
  LayerNormWeights norm;
};

struct LayerWeights {
  ops::Linear qkv;            // query, key, value fused: [3H × H]
  ops::Linear attention_out;  // [H × H]
  LayerNormWeights attention_norm;
  ops::Linear intermediate;   // [I × H]
  ops::Linear output;         // [H × I]
  LayerNormWeights output_norm;
};

// BertForSequenceClassification: pooler (dense + tanh) then classifier.
// RobertaForSequenceClassification: classifier.dense + tanh then out_proj.
struct HeadWeights {
  ops::Linear dense;
  ops::Linear classifier;
};

struct ModelWeights {
  EmbeddingWeights embeddings;
  std::vector<LayerWeights> layers;
  std::optional<HeadWeights> head;
};

ModelWeights bind_weights(const SafetensorsFile& file, const ModelConfig& config, Device device);

}  // namespace ltp
