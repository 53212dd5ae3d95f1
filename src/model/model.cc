#include "ltp/model.h"

#include "ltp/error.h"
#include "model/safetensors.h"
#include "model/weights.h"

namespace ltp {

std::unique_ptr<Model> Model::load(const std::filesystem::path& dir, Device device, std::optional<Precision> precision) {
  if (!std::filesystem::is_directory(dir)) throw Error(dir.string() + ": model folder not found");
  std::unique_ptr<Model> m(new Model());
  m->dir_ = dir;
  m->device_ = device;
  m->config_ = load_config(dir);
  m->precision_ = precision.value_or(m->config_.precision.value_or(Precision::FP32));
  require_device(device, m->precision_);
  const auto weights_file = dir / "model.safetensors";
  if (!std::filesystem::exists(weights_file))
    throw Error(weights_file.string() + ": not found (convert .bin checkpoints with tools/convert)");
  const SafetensorsFile file(weights_file);
  // Smoothing changes only how int8 quantizes; other precisions compute the same product without it.
  const auto smoothing_file = dir / kInt8SmoothingFile;
  std::optional<SafetensorsFile> smoothing;
  if (m->precision_ == Precision::INT8 && std::filesystem::exists(smoothing_file)) smoothing.emplace(smoothing_file);
  m->int8_smoothing_ = smoothing.has_value();
  m->weights_ = std::make_unique<ModelWeights>(bind_weights(SafetensorsSource(file), m->config_, device, m->precision_,
                                                            smoothing ? &*smoothing : nullptr));
  m->tokenizer_ = load_tokenizer(dir);
  if (m->tokenizer_) m->check_special_tokens();
  return m;
}

std::unique_ptr<Model> Model::random(const ModelConfig& config, uint64_t seed, Device device, Precision precision) {
  require_device(device, precision);
  std::unique_ptr<Model> m(new Model());
  m->dir_ = "random";
  m->device_ = device;
  m->precision_ = precision;
  m->config_ = config;
  m->weights_ = std::make_unique<ModelWeights>(bind_weights(RandomSource(seed), config, device, precision));
  return m;
}

Model::~Model() = default;

const ModelWeights& weights_of(const Model& model) { return *model.weights_; }

// A tokenizer from another model would make every input fail at run time.
void Model::check_special_tokens() const {
  const SpecialTokens& special = tokenizer_->special_tokens();
  for (const auto& [name, id] : {std::pair{"first ([CLS] / <s>)", special.cls}, std::pair{"separator ([SEP] / </s>)", special.sep}})
    if (id < 0 || id >= config_.vocab_size)
      throw Error(dir_.string() + ": the tokenizer's " + name + " token has id " + std::to_string(id) +
                  ", outside the model's vocabulary of " + std::to_string(config_.vocab_size) +
                  " (do the tokenizer files belong to this model?)");
}

Encoding Model::encode(std::string_view text, std::optional<std::string_view> pair, int max_length) const {
  if (!tokenizer_)
    throw Error(dir_.string() + " has no tokenizer files (vocab.txt); give pre-tokenized input (--input-format jsonl "
                "with \"input_ids\")");
  return tokenizer_->encode(text, pair, max_length);
}

void Model::validate(const Encoding& input) const {
  const auto n = input.ids.size();
  if (n == 0) throw Error("input has no tokens");
  if (input.type_ids.size() != n)
    throw Error("token_type_ids has " + std::to_string(input.type_ids.size()) + " entries, input_ids " +
                std::to_string(n));
  if (n > static_cast<size_t>(config_.max_tokens()))
    throw Error("input has " + std::to_string(n) + " tokens, the model takes at most " +
                std::to_string(config_.max_tokens()));
  for (size_t i = 0; i < n; ++i) {
    if (input.ids[i] < 0 || input.ids[i] >= config_.vocab_size)
      throw Error("token id " + std::to_string(input.ids[i]) + " at position " + std::to_string(i) +
                  " is outside the vocabulary [0, " + std::to_string(config_.vocab_size) + ")");
    if (input.type_ids[i] < 0 || input.type_ids[i] >= config_.type_vocab_size)
      throw Error("token type id " + std::to_string(input.type_ids[i]) + " at position " + std::to_string(i) +
                  " is outside [0, " + std::to_string(config_.type_vocab_size) + ")");
  }
}

}  // namespace ltp
