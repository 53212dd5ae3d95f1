#include "ltp/tokenizer.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tokenizer/byte_level_bpe.h"
#include "common/files.h"
#include "ltp/error.h"
#include "tokenizer/sentencepiece_tokenizer.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/tokenizer_json.h"
#include "tokenizer/unicode.h"
#include "tokenizer/wordpiece.h"

namespace ltp {

Tokenizer::Tokenizer() : added_(std::make_unique<AddedTokens>()) {}
Tokenizer::~Tokenizer() = default;

void Tokenizer::add_token(std::string content, int32_t id, bool lstrip) {
  added_->add(std::move(content), id, lstrip);
}

std::vector<int32_t> Tokenizer::tokenize(std::string_view text) const {
  unicode::decode(text);  // reject invalid UTF-8 before anything else
  std::vector<int32_t> ids;
  added_->split(
      text, [&](std::string_view plain) { tokenize_plain(plain, ids); }, [&](int32_t id) { ids.push_back(id); });
  return ids;
}

int32_t Tokenizer::require_token(const std::unordered_map<std::string, int32_t>& vocab, const std::string& token,
                                 const std::string& where) {
  const auto it = vocab.find(token);
  if (it == vocab.end()) throw Error(where + ": vocabulary lacks the special token " + token);
  return it->second;
}

void Tokenizer::use_special_tokens(const std::unordered_map<std::string, int32_t>& vocab, const std::string& where,
                                   const std::string& cls, const std::string& sep, bool double_sep,
                                   std::initializer_list<const char*> added) {
  special_ = SpecialTokens{require_token(vocab, cls, where), require_token(vocab, sep, where), double_sep};
  for (const char* token : added)
    if (const auto it = vocab.find(token); it != vocab.end()) add_token(token, it->second);
}

std::pair<size_t, size_t> longest_first_lengths(size_t first, size_t second, size_t budget) {
  if (first + second <= budget) return {first, second};
  // Hugging Face tokenizers: the shorter keeps its length when it fits in half
  // the budget, else both get half and the second the odd token.
  const bool swapped = first > second;
  size_t short_len = std::min(first, second), long_len = std::max(first, second);
  long_len = short_len > budget ? short_len : std::max(short_len, budget - short_len);
  if (short_len + long_len > budget) {
    short_len = budget / 2;
    long_len = short_len + budget % 2;
  }
  return swapped ? std::make_pair(long_len, short_len) : std::make_pair(short_len, long_len);
}

Encoding Tokenizer::encode(std::string_view text, std::optional<std::string_view> pair, int max_length) const {
  std::vector<int32_t> a = tokenize(text);
  std::vector<int32_t> b;
  if (pair) b = tokenize(*pair);
  const size_t added = pair ? (special_.double_sep ? 4 : 3) : 2;
  if (max_length < static_cast<int>(added))
    throw Error("max length " + std::to_string(max_length) + " leaves no room for the " + std::to_string(added) +
                " special tokens");
  const size_t budget = static_cast<size_t>(max_length) - added;
  if (pair) {
    const auto [n1, n2] = longest_first_lengths(a.size(), b.size(), budget);
    a.resize(n1);
    b.resize(n2);
  } else if (a.size() > budget) {
    a.resize(budget);
  }

  Encoding e;
  e.ids.reserve(a.size() + b.size() + added);
  e.ids.push_back(special_.cls);
  e.ids.insert(e.ids.end(), a.begin(), a.end());
  e.ids.push_back(special_.sep);
  e.type_ids.assign(e.ids.size(), 0);
  if (pair) {
    if (special_.double_sep) e.ids.push_back(special_.sep);
    e.ids.insert(e.ids.end(), b.begin(), b.end());
    e.ids.push_back(special_.sep);
    // RoBERTa has a single segment type; BERT marks the second segment with 1.
    e.type_ids.resize(e.ids.size(), special_.double_sep ? 0 : 1);
  }
  return e;
}

namespace {

nlohmann::json read_tokenizer_config(const std::filesystem::path& dir) {
  const auto path = dir / "tokenizer_config.json";
  if (!std::filesystem::exists(path)) return nlohmann::json::object();
  return read_json_file(path, "tokenizer configuration");
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& dir) {
  // tokenizer.json first: it is what Hugging Face's fast tokenizers (and so
  // sentence-transformers) load when a folder has it.
  if (std::filesystem::exists(dir / "tokenizer.json")) return tokenizer_from_json(dir / "tokenizer.json");
  const nlohmann::json json = read_tokenizer_config(dir);
  const JsonFields config(json, (dir / "tokenizer_config.json").string());
  if (std::filesystem::exists(dir / "vocab.txt")) {
    BertNormalizerOptions options;
    options.lowercase = config.boolean_or("do_lower_case", true);
    if (config.has("strip_accents")) options.strip_accents = config.boolean_or("strip_accents", false);
    options.split_cjk = config.boolean_or("tokenize_chinese_chars", true);
    WordPieceSpecials specials;
    if (config.string_or("tokenizer_class", "") == "MPNetTokenizer") specials = {"<s>", "</s>", "[UNK]", true};
    return std::make_unique<WordPieceTokenizer>(dir / "vocab.txt", options, specials);
  }
  if (std::filesystem::exists(dir / "vocab.json") && std::filesystem::exists(dir / "merges.txt"))
    return std::make_unique<ByteLevelBpeTokenizer>(dir / "vocab.json", dir / "merges.txt",
                                                   config.boolean_or("add_prefix_space", false));
  if (std::filesystem::exists(dir / "spiece.model"))
    return std::make_unique<SentencePieceTokenizer>(
        dir / "spiece.model",
        SentencePieceOptions{config.boolean_or("do_lower_case", true), config.boolean_or("keep_accents", false)});
  return nullptr;
}

}  // namespace ltp
