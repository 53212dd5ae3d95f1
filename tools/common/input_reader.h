// One input line → model input, or the reason it cannot run (which becomes
// that line's error record; the run goes on).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ltp/model.h"

namespace ltp::cli {

enum class InputFormat { Text, Jsonl };

InputFormat parse_input_format(const std::string& name);

struct ParsedInput {
  std::optional<Encoding> encoding;
  std::string error;  // set when encoding is empty
};

// text: one input per line, a TAB between the two sentences of a pair.
// jsonl: {"text", "text_pair"?} or {"input_ids", "token_type_ids"?}.
// Text is truncated to max_length as Hugging Face does; pre-tokenized input
// longer than the model allows is an error.
ParsedInput parse_input_line(std::string_view line, InputFormat format, const Model& model, int max_length);

}  // namespace ltp::cli
