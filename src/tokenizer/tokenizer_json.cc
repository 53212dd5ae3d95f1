#include "tokenizer/tokenizer_json.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "tokenizer/byte_level_bpe.h"
#include "ltp/error.h"
#include "tokenizer/wordpiece.h"

namespace ltp {

namespace {

using nlohmann::json;

// j[key] without the undefined behaviour of a const operator[] on a missing
// key (or a non-object): null when absent.
const json& member(const json& j, const char* key) {
  static const json null;
  if (!j.is_object()) return null;
  const auto it = j.find(key);
  return it == j.end() ? null : *it;
}

std::string type_of(const json& section) {
  return section.is_object() ? section.value("type", std::string("?")) : std::string("null");
}

std::unordered_map<std::string, int32_t> vocab_of(const json& model, const std::string& where) {
  if (!model.contains("vocab") || !member(model, "vocab").is_object()) throw Error(where + ": model.vocab must be an object");
  std::unordered_map<std::string, int32_t> vocab;
  for (const auto& [token, id] : member(model, "vocab").items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
      throw Error(where + ": model.vocab gives \"" + token + "\" the id " + id.dump() + ", expected an integer >= 0");
    vocab.emplace(token, id.get<int32_t>());
  }
  return vocab;
}

// Hugging Face writes "a b" strings (older) or ["a", "b"] pairs (newer).
ByteLevelBpeTokenizer::Merges merges_of(const json& model, const std::string& where) {
  ByteLevelBpeTokenizer::Merges merges;
  for (const auto& m : model.value("merges", json::array())) {
    if (m.is_string()) {
      const std::string s = m.get<std::string>();
      const size_t space = s.find(' ');
      if (space == std::string::npos) throw Error(where + ": merge \"" + s + "\" is not two symbols");
      merges.emplace_back(s.substr(0, space), s.substr(space + 1));
    } else if (m.is_array() && m.size() == 2) {
      merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
    } else {
      throw Error(where + ": merge " + m.dump() + " is not two symbols");
    }
  }
  return merges;
}

void unsupported(const std::string& where, const std::string& part, const json& value) {
  throw Error(where + ": " + part + " " + value.dump().substr(0, 200) +
              " is not supported (ltp reads BERT WordPiece and RoBERTa byte-level BPE tokenizer.json files)");
}

std::unique_ptr<Tokenizer> wordpiece(const json& j, const std::string& where) {
  const json& model = member(j, "model");
  if (model.value("continuing_subword_prefix", std::string("##")) != "##")
    unsupported(where, "model.continuing_subword_prefix", member(model, "continuing_subword_prefix"));
  if (model.value("max_input_chars_per_word", 100) != 100)
    unsupported(where, "model.max_input_chars_per_word", member(model, "max_input_chars_per_word"));
  BertNormalizerOptions options;
  const json& norm = member(j, "normalizer");
  if (type_of(norm) == "BertNormalizer") {
    if (!norm.value("clean_text", true)) unsupported(where, "normalizer.clean_text", member(norm, "clean_text"));
    options.lowercase = norm.value("lowercase", true);
    if (norm.contains("strip_accents") && member(norm, "strip_accents").is_boolean())
      options.strip_accents = member(norm, "strip_accents").get<bool>();
    options.split_cjk = norm.value("handle_chinese_chars", true);
  } else {
    unsupported(where, "normalizer", norm);
  }
  if (type_of(member(j, "pre_tokenizer")) != "BertPreTokenizer") unsupported(where, "pre_tokenizer", member(j, "pre_tokenizer"));
  const json& post = member(j, "post_processor");
  WordPieceSpecials specials;
  specials.unk = model.value("unk_token", std::string("[UNK]"));
  if (type_of(post) == "RobertaProcessing") {  // MPNet: <s> A </s></s> B </s>
    specials.cls = member(post, "cls").at(0).get<std::string>();
    specials.sep = member(post, "sep").at(0).get<std::string>();
    specials.double_sep = true;
  } else if (type_of(post) != "BertProcessing" && type_of(post) != "TemplateProcessing") {
    unsupported(where, "post_processor", post);
  }
  return std::make_unique<WordPieceTokenizer>(vocab_of(model, where), options, where, specials);
}

std::unique_ptr<Tokenizer> byte_level_bpe(const json& j, const std::string& where) {
  const json& model = member(j, "model");
  for (const char* key : {"dropout", "continuing_subword_prefix", "end_of_word_suffix"})
    if (model.contains(key) && !model[key].is_null() && model[key] != "") unsupported(where, std::string("model.") + key, model[key]);
  if (model.value("byte_fallback", false)) unsupported(where, "model.byte_fallback", member(model, "byte_fallback"));
  if (!member(j, "normalizer").is_null()) unsupported(where, "normalizer", member(j, "normalizer"));
  const json& pre = member(j, "pre_tokenizer");
  if (type_of(pre) != "ByteLevel" || !pre.value("use_regex", true)) unsupported(where, "pre_tokenizer", pre);
  const std::string post = type_of(member(j, "post_processor"));
  if (post != "RobertaProcessing" && post != "ByteLevel") unsupported(where, "post_processor", member(j, "post_processor"));
  return std::make_unique<ByteLevelBpeTokenizer>(vocab_of(model, where), merges_of(model, where),
                                                 pre.value("add_prefix_space", false), where);
}

}  // namespace

namespace {

std::unique_ptr<Tokenizer> tokenizer_from(const json& j, const std::string& where) {
  if (!j.contains("model") || !member(j, "model").is_object()) throw Error(where + ": no \"model\" section");
  const json& model = member(j, "model");
  // Older files leave out model.type; WordPiece is the one with a subword prefix.
  const std::string type = model.value("type", model.contains("merges") ? "BPE" : "WordPiece");
  std::unique_ptr<Tokenizer> tokenizer;
  if (type == "WordPiece") tokenizer = wordpiece(j, where);
  else if (type == "BPE") tokenizer = byte_level_bpe(j, where);
  else unsupported(where, "model.type", member(model, "type"));

  // Added tokens beyond the standard specials are matched literally too; any
  // option that changes how they match is refused.
  for (const auto& t : j.value("added_tokens", json::array())) {
    if (t.value("single_word", false) || t.value("rstrip", false)) unsupported(where, "added token", t);
    if (!t.value("special", false) && t.value("normalized", false)) unsupported(where, "normalized added token", t);
    const json& id = member(t, "id");
    if (!member(t, "content").is_string() || !id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
      unsupported(where, "added token", t);
    tokenizer->add_token(member(t, "content").get<std::string>(), id.get<int32_t>(), t.value("lstrip", false));
  }
  return tokenizer;
}

}  // namespace

std::unique_ptr<Tokenizer> tokenizer_from_json(const std::filesystem::path& file) {
  const json j = read_json_file(file, "tokenizer");
  try {
    return tokenizer_from(j, file.string());
  } catch (const json::exception& e) {  // a field of the wrong type somewhere in the file
    throw Error(file.string() + ": " + e.what());
  }
}

}  // namespace ltp
