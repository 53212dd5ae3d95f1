// A model loaded for Python: the ltp::Model, the options it runs with, and the
// encode loop. Plain C++ (no Python objects), so it runs with the GIL released.
//
// Thread safety: one Runner may be used from any number of threads at once;
// each encode call runs its own Encoder (include/ltp/encoder.h).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ltp/encoder.h"
#include "ltp/model.h"

namespace ltp::py {

// A text, or the two texts of a pair.
struct Text {
  std::string text;
  std::optional<std::string> pair;
};

// One input of encode: text to tokenize, or ids already tokenized.
using Input = std::variant<Text, Encoding>;

struct RunnerOptions {
  std::string device = "cpu";
  std::optional<std::string> precision;  // empty: config.json's ltp.precision, else fp32
  int threads = 0;                       // OpenMP threads per encode call; 0: OpenMP's default
  std::optional<int> max_length;         // empty: the length the model was trained at
  EncoderOverrides overrides;
};

class Runner {
 public:
  // Throws ltp::Error naming the file, field or option at fault.
  Runner(const std::filesystem::path& dir, const RunnerOptions& options);

  // Ids and type ids of a text (or pair), truncated to max_length (empty: the
  // Runner's). Throws ltp::Error on empty text or a folder without tokenizer files.
  Encoding tokenize(const Text& input, std::optional<int> max_length = std::nullopt) const;

  // One output per input, in order, batch_size inputs per Encoder::run. Checks
  // every input before running any; throws ltp::Error naming the first that
  // cannot run ("input 3: ...").
  std::vector<SequenceOutput> encode(std::vector<Input> inputs, int batch_size) const;

  const Model& model() const { return *model_; }
  const EncoderOptions& encoder_options() const { return encoder_options_; }
  int max_length() const { return max_length_; }
  int threads() const { return threads_; }

 private:
  std::unique_ptr<const Model> model_;
  EncoderOptions encoder_options_;
  int max_length_ = 0;
  int threads_ = 0;
};

}  // namespace ltp::py
