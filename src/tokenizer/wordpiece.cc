#include "tokenizer/wordpiece.h"

#include <fstream>

#include "common/files.h"
#include "ltp/error.h"
#include "tokenizer/unicode.h"

namespace ltp {

namespace {

// Words longer than this (in characters) become [UNK], as in BERT.
constexpr size_t kMaxCharsPerWord = 100;

std::unordered_map<std::string, int32_t> read_vocab(const std::filesystem::path& file) {
  std::ifstream in = open_file(file, "vocabulary");
  std::unordered_map<std::string, int32_t> vocab;
  std::string line;
  int32_t id = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    vocab.emplace(line, id++);  // a repeated token keeps its first id, as Hugging Face does
  }
  if (vocab.empty()) throw Error(file.string() + ": vocabulary is empty");
  return vocab;
}

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(const std::filesystem::path& vocab_file, BertNormalizerOptions options,
                                       const WordPieceSpecials& specials)
    : WordPieceTokenizer(read_vocab(vocab_file), options, vocab_file.string(), specials) {}

WordPieceTokenizer::WordPieceTokenizer(std::unordered_map<std::string, int32_t> vocab, BertNormalizerOptions options,
                                       const std::string& where, const WordPieceSpecials& specials)
    : options_(options), vocab_(std::move(vocab)) {
  unk_ = require_token(vocab_, specials.unk, where);
  if (specials.double_sep)  // MPNet's specials, as its tokenizer lists them
    use_special_tokens(vocab_, where, specials.cls, specials.sep, true, {"<s>", "</s>", "<pad>", "<unk>", "<mask>", "[UNK]"});
  else
    use_special_tokens(vocab_, where, specials.cls, specials.sep, false, {"[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"});
}

WordPieceTokenizer::~WordPieceTokenizer() = default;

int32_t WordPieceTokenizer::token_id(const std::string& token) const {
  const auto it = vocab_.find(token);
  if (it == vocab_.end()) throw Error("token '" + token + "' is not in the vocabulary");
  return it->second;
}

void WordPieceTokenizer::add_word_pieces(const std::string& word, std::vector<int32_t>& out) const {
  if (utf8_length(word) > kMaxCharsPerWord) {
    out.push_back(unk_);
    return;
  }
  const size_t first = out.size();
  size_t start = 0;
  std::string candidate;
  while (start < word.size()) {
    size_t end = word.size();
    int32_t found = -1;
    while (end > start) {
      candidate.assign(start > 0 ? "##" : "");
      candidate.append(word, start, end - start);
      const auto it = vocab_.find(candidate);
      if (it != vocab_.end()) {
        found = it->second;
        break;
      }
      // Step back one whole UTF-8 character.
      do --end;
      while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
    }
    if (found < 0) {  // no piece fits: the whole word is unknown
      out.resize(first);
      out.push_back(unk_);
      return;
    }
    out.push_back(found);
    start = end;
  }
}

void WordPieceTokenizer::tokenize_plain(std::string_view text, std::vector<int32_t>& ids) const {
  for (const std::string& word : bert_pre_tokenize(text, options_)) add_word_pieces(word, ids);
}

}  // namespace ltp
