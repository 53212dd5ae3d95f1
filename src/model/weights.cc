#include "model/weights.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <set>

#include "ltp/error.h"
#include "model/relative_position.h"

namespace ltp {

namespace {

class Binder {
 public:
  Binder(const WeightSource& source, std::string prefix, Device device, Precision precision,
         const SafetensorsFile* smoothing)
      : source_(source), prefix_(std::move(prefix)), device_(device), precision_(precision), smoothing_(smoothing) {}

  // `name` under the encoder prefix ("bert.", "roberta." or none).
  Tensor encoder(const std::string& name, std::vector<int64_t> shape) const { return load(prefix_ + name, shape); }

  Tensor load(const std::string& full_name, const std::vector<int64_t>& shape) const {
    return source_.load(full_name, shape);
  }

  ops::Linear linear(const std::string& full_name, int64_t out, int64_t in) const {
    return linear_with(full_name, out, in, Tensor());
  }

  // An encoder GEMM: with the smoothing file's factors for its inputs, if there is one.
  ops::Linear encoder_linear(const std::string& full_name, int64_t out, int64_t in) {
    return linear_with(full_name, out, in, input_smoothing(full_name, in));
  }

  // Every tensor of the smoothing file was given to a GEMM.
  void check_smoothing_used() const {
    if (!smoothing_) return;
    for (const auto& t : smoothing_->tensors())
      if (!bound_.count(t.name))
        throw Error(smoothing_->path().string() + ": tensor " + t.name + " belongs to no GEMM of this model " +
                    "(was the file made for another model?)");
  }

  // `name` under the encoder prefix, on the device.
  Tensor encoder_on_device(const std::string& name, std::vector<int64_t> shape) const {
    Tensor t = encoder(name, std::move(shape));
    return device_ == Device::CPU ? std::move(t) : t.to(device_);
  }

  LayerNormWeights norm(const std::string& name, int64_t width) const {
    Tensor gamma = encoder_on_device(name + ".weight", {width});
    return {std::move(gamma), encoder_on_device(name + ".bias", {width})};
  }

  // query, key and value stacked into one [3H × H] layer: one GEMM instead of three.
  ops::Linear fused_qkv(const std::string& self, const std::array<const char*, 3>& names, int64_t hidden) {
    Tensor weight({3 * hidden, hidden});
    Tensor bias({3 * hidden});
    int64_t part = 0;
    for (const char* which : names) {
      const Tensor w = encoder(self + which + ".weight", {hidden, hidden});
      const Tensor b = encoder(self + which + ".bias", {hidden});
      std::copy(w.data(), w.data() + w.size(), weight.data() + part * hidden * hidden);
      std::copy(b.data(), b.data() + b.size(), bias.data() + part * hidden);
      ++part;
    }
    return ops::Linear(weight, bias, device_, precision_, input_smoothing(prefix_ + self + "qkv", hidden));
  }

  const std::string& prefix() const { return prefix_; }

 private:
  ops::Linear linear_with(const std::string& full_name, int64_t out, int64_t in, const Tensor& smoothing) const {
    const Tensor weight = load(full_name + ".weight", {out, in});
    const Tensor bias = load(full_name + ".bias", {out});
    return ops::Linear(weight, bias, device_, precision_, smoothing);
  }

  Tensor input_smoothing(const std::string& gemm, int64_t in) {
    if (!smoothing_) return Tensor();
    const std::string name = gemm + ".input_smoothing";
    const std::string where = smoothing_->path().string() + ": tensor " + name;
    const StoredTensor* stored = smoothing_->find(name);
    if (!stored) throw Error(where + " is missing (every encoder GEMM needs its factors; remake the file with " +
                             "tools/quant/smoothing.py)");
    if (stored->shape != std::vector<int64_t>{in})
      throw Error(where + " has shape " + shape_to_string(stored->shape) + ", this model expects [" +
                  std::to_string(in) + "]");
    Tensor factors = smoothing_->to_float(*stored);  // refuses NaN and infinities
    // Far outside what any calibration gives, and where 1/s or W·s would leave float's range.
    constexpr float kSmallest = 1e-20f, kLargest = 1e20f;
    for (int64_t k = 0; k < in; ++k)
      if (!(factors.data()[k] >= kSmallest && factors.data()[k] <= kLargest))
        throw Error(where + " has " + std::to_string(factors.data()[k]) + " at " + std::to_string(k) +
                    "; smoothing factors must be in [1e-20, 1e20]");
    bound_.insert(name);
    return factors;
  }

  const WeightSource& source_;
  std::string prefix_;
  Device device_;
  Precision precision_;
  const SafetensorsFile* smoothing_;
  std::set<std::string> bound_;  // smoothing tensors given to a GEMM
};

// Where each family keeps a layer's attention tensors (under encoder.layer.<l>.).
struct AttentionNames {
  const char* self;
  std::array<const char*, 3> qkv;
  const char* out;
  const char* norm;
};

AttentionNames attention_names(ModelFamily family) {
  if (family == ModelFamily::Mpnet) return {"attention.attn.", {"q", "k", "v"}, "attention.attn.o", "attention.LayerNorm"};
  return {"attention.self.", {"query", "key", "value"}, "attention.output.dense", "attention.output.LayerNorm"};
}

const char* family_prefix(ModelFamily family) {
  switch (family) {
    case ModelFamily::Bert: return "bert.";
    case ModelFamily::Roberta: return "roberta.";
    case ModelFamily::Mpnet: return "mpnet.";
  }
  return "";
}

std::string find_prefix(const WeightSource& source, const ModelConfig& config) {
  const std::string family = family_prefix(config.family);
  for (const std::string& p : {family, std::string()})
    if (source.has(p + "embeddings.word_embeddings.weight")) return p;
  // Let the source say what is missing, with its file name.
  source.load(family + "embeddings.word_embeddings.weight", {config.vocab_size, config.hidden_size});
  throw Error("tensor " + family + "embeddings.word_embeddings.weight is missing");
}

}  // namespace

Tensor SafetensorsSource::load(const std::string& name, const std::vector<int64_t>& shape) const {
  const StoredTensor* t = file_.find(name);
  if (!t) throw Error(file_.path().string() + ": tensor " + name + " is missing (is this a BERT/RoBERTa checkpoint? " +
                      "re-run tools/convert for other layouts)");
  if (t->shape != shape)
    throw Error(file_.path().string() + ": tensor " + name + " has shape " + shape_to_string(t->shape) +
                ", config.json expects " + shape_to_string(shape));
  return file_.to_float(*t);
}

Tensor RandomSource::load(const std::string& name, const std::vector<int64_t>& shape) const {
  Tensor t(shape);
  const bool layer_norm = name.find("LayerNorm") != std::string::npos;
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0) return t;  // zeros
  if (layer_norm) {
    std::fill(t.data(), t.data() + t.size(), 1.0f);
    return t;
  }
  std::mt19937_64 rng(seed_ ^ std::hash<std::string>{}(name));
  std::normal_distribution<float> normal(0.0f, 0.02f);
  for (int64_t i = 0; i < t.size(); ++i) t.data()[i] = normal(rng);
  return t;
}

ModelWeights bind_weights(const WeightSource& source, const ModelConfig& c, Device device, Precision precision,
                          const SafetensorsFile* smoothing) {
  Binder b(source, find_prefix(source, c), device, precision, smoothing);
  const int64_t h = c.hidden_size, i = c.intermediate_size;
  ModelWeights w;
  w.embeddings.word = b.encoder_on_device("embeddings.word_embeddings.weight", {c.vocab_size, h});
  w.embeddings.position = b.encoder_on_device("embeddings.position_embeddings.weight", {c.max_position_embeddings, h});
  if (c.family == ModelFamily::Mpnet) {
    w.embeddings.token_type = Tensor({1, h}).to(device);
    const Tensor bucket_bias = b.encoder("encoder.relative_attention_bias.weight", {c.relative_attention_buckets, c.num_heads});
    w.embeddings.position_bias = position_bias_by_offset(bucket_bias, c.max_tokens()).to(device);
  } else {
    w.embeddings.token_type = b.encoder_on_device("embeddings.token_type_embeddings.weight", {c.type_vocab_size, h});
  }
  w.embeddings.norm = b.norm("embeddings.LayerNorm", h);
  const AttentionNames names = attention_names(c.family);
  for (int l = 0; l < c.num_layers; ++l) {
    const std::string layer = "encoder.layer." + std::to_string(l) + ".";
    w.layers.push_back(LayerWeights{
        b.fused_qkv(layer + names.self, names.qkv, h),
        b.encoder_linear(b.prefix() + layer + names.out, h, h),
        b.norm(layer + names.norm, h),
        b.encoder_linear(b.prefix() + layer + "intermediate.dense", i, h),
        b.encoder_linear(b.prefix() + layer + "output.dense", h, i),
        b.norm(layer + "output.LayerNorm", h),
    });
  }
  switch (c.head) {
    case HeadKind::None: break;
    case HeadKind::BertClassifier:
      w.head = HeadWeights{b.linear(b.prefix() + "pooler.dense", h, h), b.linear("classifier", c.num_labels, h)};
      break;
    case HeadKind::RobertaClassifier:
      w.head = HeadWeights{b.linear("classifier.dense", h, h), b.linear("classifier.out_proj", c.num_labels, h)};
      break;
  }
  b.check_smoothing_used();
  return w;
}

}  // namespace ltp
