// A loaded model folder: config, weights prepacked for the device, tokenizer.
// Immutable after load: one Model may be shared by many threads, each with its
// own Encoder (include/ltp/encoder.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ltp/config.h"
#include "ltp/device.h"
#include "ltp/tokenizer.h"

namespace ltp {

struct ModelWeights;  // src/model/weights.h

class Model {
 public:
  // Reads dir/config.json, dir/model.safetensors and the tokenizer files, if any.
  // Throws ltp::Error naming the file and tensor at fault.
  // precision: empty = the config's "ltp.precision", else fp32.
  static std::unique_ptr<Model> load(const std::filesystem::path& dir, Device device = Device::CPU,
                                     std::optional<Precision> precision = std::nullopt);
  // A model of the given shape with random weights (shape-bound benchmarks).
  static std::unique_ptr<Model> random(const ModelConfig& config, uint64_t seed, Device device = Device::CPU,
                                       Precision precision = Precision::FP32);
  ~Model();

  const ModelConfig& config() const { return config_; }
  Device device() const { return device_; }
  Precision precision() const { return precision_; }
  // int8 GEMM inputs smoothed by the folder's int8_smoothing.safetensors.
  bool int8_smoothing() const { return int8_smoothing_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool has_tokenizer() const { return tokenizer_ != nullptr; }

  // Tokenizes text (or a pair) to at most max_length tokens, special tokens
  // included. Throws ltp::Error when the folder has no tokenizer files.
  Encoding encode(std::string_view text, std::optional<std::string_view> pair, int max_length) const;

  // Throws ltp::Error when an input cannot run: empty, longer than the position
  // table, ids outside the vocabulary or type ids outside the type vocabulary.
  void validate(const Encoding& input) const;

 private:
  Model() = default;
  friend const ModelWeights& weights_of(const Model& model);  // for the layer runner (src/model/weights.h)
  void check_special_tokens() const;
  std::filesystem::path dir_;
  ModelConfig config_;
  Device device_ = Device::CPU;
  Precision precision_ = Precision::FP32;
  bool int8_smoothing_ = false;
  std::unique_ptr<ModelWeights> weights_;
  std::unique_ptr<Tokenizer> tokenizer_;
};

}  // namespace ltp
