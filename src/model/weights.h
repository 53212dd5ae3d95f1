// The weights of a BERT/RoBERTa encoder and its head, bound from Hugging Face
// tensor names, checked against config.json, and prepacked for the device.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ltp/config.h"
#include "ltp/model.h"
#include "model/safetensors.h"
#include "tensor.h"
#include "ops/linear.h"

namespace ltp {

struct LayerNormWeights {
  Tensor gamma;
  Tensor beta;
};

struct EmbeddingWeights {
  Tensor word;         // [vocab × H]
  Tensor position;     // [max_position_embeddings × H]
  Tensor token_type;   // [type_vocab × H]; MPNet, which has none: one zero row
  LayerNormWeights norm;
  Tensor position_bias;  // MPNet: [N × (2·max_tokens − 1)] relative bias by offset (model/relative_position.h); else empty
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

// Where tensors come from, by Hugging Face name.
class WeightSource {
 public:
  virtual ~WeightSource() = default;
  virtual bool has(const std::string& name) const = 0;
  // The tensor as float32; throws ltp::Error when absent or of another shape.
  virtual Tensor load(const std::string& name, const std::vector<int64_t>& shape) const = 0;
};

class SafetensorsSource : public WeightSource {
 public:
  explicit SafetensorsSource(const SafetensorsFile& file) : file_(file) {}
  bool has(const std::string& name) const override { return file_.find(name) != nullptr; }
  Tensor load(const std::string& name, const std::vector<int64_t>& shape) const override;

 private:
  const SafetensorsFile& file_;
};

// Random weights for shape-bound benchmarks: N(0, 0.02) seeded by name,
// LayerNorm weights 1 and biases 0, as a freshly initialised BERT.
class RandomSource : public WeightSource {
 public:
  explicit RandomSource(uint64_t seed) : seed_(seed) {}
  bool has(const std::string& name) const override { return name.rfind("bert.", 0) == 0 || name.rfind("roberta.", 0) == 0 || name.rfind("mpnet.", 0) == 0; }
  Tensor load(const std::string& name, const std::vector<int64_t>& shape) const override;

 private:
  uint64_t seed_;
};

// A model folder's int8_smoothing.safetensors (tools/quant/smoothing.py): per
// encoder GEMM, "<name>.input_smoothing", [in] floats (F32, F16 or BF16),
// factors s in [1e-20, 1e20] that int8
// divides the GEMM's inputs by (ops/cpu/quantize.h). <name> is the Linear's
// Hugging Face name; fused query/key/value are "<attention self path>qkv".
inline constexpr const char* kInt8SmoothingFile = "int8_smoothing.safetensors";

// smoothing: that file (int8 only), or null. Every encoder GEMM must have its
// factors and every tensor of the file must be used, so a file made for
// another model is refused, naming the file and tensor.
ModelWeights bind_weights(const WeightSource& source, const ModelConfig& config, Device device, Precision precision,
                          const SafetensorsFile* smoothing = nullptr);

// A model's bound weights (a friend of Model, so the type stays out of include/).
const ModelWeights& weights_of(const Model& model);

}  // namespace ltp
