// Text → token ids with the special-token layout of the model family.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <initializer_list>
#include <vector>

namespace ltp {

// One model input: token ids and segment ids of equal length.
struct Encoding {
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
};

struct SpecialTokens {
  int32_t cls = 0;          // [CLS] / <s>
  int32_t sep = 0;          // [SEP] / </s>
  bool double_sep = false;  // RoBERTa pairs: <s> A </s></s> B </s>
};

class AddedTokens;

class Tokenizer {
 public:
  Tokenizer();
  virtual ~Tokenizer();

  // Sub-word ids of `text`; special tokens written in it (e.g. "[MASK]") are
  // kept whole, no [CLS]/[SEP] added. Throws ltp::Error on invalid UTF-8.
  std::vector<int32_t> tokenize(std::string_view text) const;

  // cls A sep [sep] (B sep), truncated "longest_first" to max_length tokens in
  // all, as Hugging Face tokenizers do it. Type ids are 0 for A, 1 for B.
  Encoding encode(std::string_view text, std::optional<std::string_view> pair, int max_length) const;

  const SpecialTokens& special_tokens() const { return special_; }

  // A token matched literally in the text before any normalisation; with
  // lstrip it swallows the whitespace before it.
  void add_token(std::string content, int32_t id, bool lstrip = false);

 protected:
  // Appends the ids of a stretch of text that holds no added token.
  virtual void tokenize_plain(std::string_view text, std::vector<int32_t>& ids) const = 0;

  // Sets [CLS]/[SEP] (or <s>/</s>) from `vocab`, throwing with `where` when
  // absent, and registers those of `added` that `vocab` has as added tokens.
  void use_special_tokens(const std::unordered_map<std::string, int32_t>& vocab, const std::string& where,
                          const std::string& cls, const std::string& sep, bool double_sep,
                          std::initializer_list<const char*> added);
  // The id of `token` in `vocab`; throws ltp::Error naming `where` when absent.
  static int32_t require_token(const std::unordered_map<std::string, int32_t>& vocab, const std::string& token,
                               const std::string& where);

  SpecialTokens special_;  // set by each tokenizer from its vocabulary

 private:
  std::unique_ptr<AddedTokens> added_;
};

// The tokenizer a model folder describes (vocab.txt + tokenizer_config.json);
// nullptr when the folder has no tokenizer files.
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& dir);

// Lengths (first, second) after "longest_first" truncation of a pair to
// `budget` tokens, as Hugging Face tokenizers computes them.
std::pair<size_t, size_t> longest_first_lengths(size_t first, size_t second, size_t budget);

}  // namespace ltp
