#include "runner.h"

#include <algorithm>
#include <span>
#include <stdexcept>
#include <string>

#include "ltp/config.h"
#include "ltp/device.h"
#include "ltp/error.h"

namespace ltp::py {

Runner::Runner(const std::filesystem::path& dir, const RunnerOptions& options) : threads_(options.threads) {
  // As the programs do: the threads are checked and in force while the weights are packed.
  set_num_threads(options.threads);
  model_ = Model::load(dir, parse_device(options.device),
                       options.precision ? std::optional(parse_precision(*options.precision)) : std::nullopt);
  max_length_ = resolve_max_length(model_->config(), options.max_length);
  encoder_options_ = resolve_encoder_options(model_->config(), options.overrides);
}

Encoding Runner::tokenize(const Text& input, std::optional<int> max_length) const {
  // ltp-run refuses empty lines too: an empty text is a mistake, not a sequence of special tokens.
  if (input.text.empty()) throw Error("the text is empty");
  if (input.pair && input.pair->empty()) throw Error("the second text of the pair is empty");
  const int length = max_length ? resolve_max_length(model_->config(), max_length) : max_length_;
  return model_->encode(input.text, input.pair ? std::optional<std::string_view>(*input.pair) : std::nullopt, length);
}

std::vector<SequenceOutput> Runner::encode(std::vector<Input> inputs, int batch_size) const {
  if (batch_size < 1) throw std::invalid_argument("batch_size must be at least 1, got " + std::to_string(batch_size));
  set_num_threads(threads_);  // OpenMP's setting belongs to the calling thread
  std::vector<Encoding> encodings(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    try {
      if (auto* text = std::get_if<Text>(&inputs[i])) encodings[i] = tokenize(*text);
      else encodings[i] = std::move(std::get<Encoding>(inputs[i]));
      model_->validate(encodings[i]);
    } catch (const Error& e) {
      throw Error("input " + std::to_string(i) + ": " + e.what());
    }
  }
  // An Encoder per call keeps concurrent calls apart (one Encoder per thread).
  Encoder encoder(*model_, encoder_options_);
  std::vector<SequenceOutput> outputs;
  outputs.reserve(encodings.size());
  const std::span<const Encoding> all(encodings);
  for (size_t begin = 0; begin < all.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t count = std::min(static_cast<size_t>(batch_size), all.size() - begin);
    for (SequenceOutput& o : encoder.run(all.subspan(begin, count))) outputs.push_back(std::move(o));
  }
  return outputs;
}

}  // namespace ltp::py
