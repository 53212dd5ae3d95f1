// BERT's tokenizer with Hugging Face BertTokenizerFast semantics: text cleaning,
// CJK split, optional lower-casing and accent stripping (NFD via utf8proc),
// whitespace and punctuation split, then greedy longest-match WordPiece.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ltp/tokenizer.h"

namespace ltp {

struct BertNormalizerOptions {
  bool lowercase = true;
  std::optional<bool> strip_accents;  // empty: follow lowercase, as Hugging Face does
  bool split_cjk = true;
};

// The special tokens a WordPiece vocabulary uses: BERT's by default; MPNet's
// are <s>, </s> and [UNK], with RoBERTa's pair layout.
struct WordPieceSpecials {
  std::string cls = "[CLS]";
  std::string sep = "[SEP]";
  std::string unk = "[UNK]";
  bool double_sep = false;  // <s> A </s></s> B </s>
};

class WordPieceTokenizer : public Tokenizer {
 public:
  WordPieceTokenizer(const std::filesystem::path& vocab_file, BertNormalizerOptions options,
                     const WordPieceSpecials& specials = {});
  // From an in-memory vocabulary (tokenizer.json); `where` names it in errors.
  WordPieceTokenizer(std::unordered_map<std::string, int32_t> vocab, BertNormalizerOptions options,
                     const std::string& where, const WordPieceSpecials& specials = {});
  ~WordPieceTokenizer() override;


  int32_t token_id(const std::string& token) const;  // throws when absent

 protected:
  void tokenize_plain(std::string_view text, std::vector<int32_t>& ids) const override;

 private:
  void add_word_pieces(const std::string& word, std::vector<int32_t>& out) const;

  BertNormalizerOptions options_;
  std::unordered_map<std::string, int32_t> vocab_;
  int32_t unk_ = 0;
};

// The words the BERT pre-tokenizer produces from `text` (normalised per options).
std::vector<std::string> bert_pre_tokenize(std::string_view text, const BertNormalizerOptions& options);

}  // namespace ltp
