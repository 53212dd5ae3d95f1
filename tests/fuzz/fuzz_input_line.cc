// ltp-run's line parser (text and JSON lines) on arbitrary bytes, then the
// record it would write: every line gives an input or an error, and the record
// is always valid UTF-8 JSON.
#include <nlohmann/json.hpp>

#include "common/input_reader.h"
#include "common/output_file.h"
#include "fuzz_support.h"
#include "ltp/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto model = ltp::Model::load(ltp::fuzz::test_data() / "models" / "tiny-bert");
  if (size == 0) return 0;
  const auto format = data[0] & 1 ? ltp::cli::InputFormat::Jsonl : ltp::cli::InputFormat::Text;
  const std::string_view line(reinterpret_cast<const char*>(data + 1), size - 1);
  const ltp::cli::ParsedInput parsed = ltp::cli::parse_input_line(line, format, *model, 32);
  if (parsed.encoding.has_value() == !parsed.error.empty()) __builtin_trap();
  if (parsed.encoding) model->validate(*parsed.encoding);
  const std::string record = ltp::cli::to_text(nlohmann::json{{"index", 0}, {"error", parsed.error}});
  (void)nlohmann::json::parse(record);  // throws (and so crashes the harness) if it were not valid JSON
  return 0;
}
