#include "input_reader.h"

#include <nlohmann/json.hpp>

#include "ltp/error.h"

namespace ltp::cli {

InputFormat parse_input_format(const std::string& name) {
  if (name == "text") return InputFormat::Text;
  if (name == "jsonl") return InputFormat::Jsonl;
  throw Error("unknown input format '" + name + "': expected text or jsonl");
}

namespace {

std::vector<int32_t> id_list(const nlohmann::json& j, const char* key) {
  if (!j.is_array()) throw Error(std::string("\"") + key + "\" must be a list of integers");
  std::vector<int32_t> ids;
  ids.reserve(j.size());
  for (const auto& v : j) {
    if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
      throw Error(std::string("\"") + key + "\" holds " + v.dump() + ", expected integers");
    ids.push_back(v.get<int32_t>());
  }
  return ids;
}

Encoding parse_jsonl(std::string_view line, const Model& model, int max_length) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) throw Error("expected a JSON object with \"text\" or \"input_ids\"");
  const bool has_text = j.contains("text"), has_ids = j.contains("input_ids");
  if (has_text == has_ids) throw Error("expected exactly one of \"text\" and \"input_ids\"");
  if (has_text) {
    if (!j["text"].is_string()) throw Error("\"text\" must be a string");
    std::optional<std::string> pair;
    if (j.contains("text_pair") && !j["text_pair"].is_null()) {
      if (!j["text_pair"].is_string()) throw Error("\"text_pair\" must be a string");
      pair = j["text_pair"].get<std::string>();
    }
    const std::string text = j["text"].get<std::string>();
    if (text.empty()) throw Error("\"text\" is empty");
    return model.encode(text, pair ? std::optional<std::string_view>(*pair) : std::nullopt, max_length);
  }
  Encoding e;
  e.ids = id_list(j["input_ids"], "input_ids");
  e.type_ids = j.contains("token_type_ids") ? id_list(j["token_type_ids"], "token_type_ids")
                                            : std::vector<int32_t>(e.ids.size(), 0);
  return e;
}

Encoding parse_text(std::string_view line, const Model& model, int max_length) {
  if (line.empty()) throw Error("empty line");
  const size_t tab = line.find('\t');
  if (tab == std::string_view::npos) return model.encode(line, std::nullopt, max_length);
  if (line.find('\t', tab + 1) != std::string_view::npos)
    throw Error("more than one TAB: a line holds one text or a pair separated by one TAB");
  if (tab == 0 || tab + 1 == line.size()) throw Error("a pair needs text on both sides of the TAB");
  return model.encode(line.substr(0, tab), line.substr(tab + 1), max_length);
}

}  // namespace

ParsedInput parse_input_line(std::string_view line, InputFormat format, const Model& model, int max_length) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ParsedInput out;
  try {
    Encoding e = format == InputFormat::Text ? parse_text(line, model, max_length) : parse_jsonl(line, model, max_length);
    model.validate(e);
    out.encoding = std::move(e);
  } catch (const std::exception& err) {  // any failure stays this line's error record
    out.error = err.what();
  }
  return out;
}

}  // namespace ltp::cli
