// GPT-2 / RoBERTa byte-level BPE with Hugging Face semantics: the GPT-2
// pre-tokenization pattern over Unicode letter/number classes, bytes mapped to
// printable characters, merges applied by rank (results cached per word).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ltp/tokenizer.h"

namespace ltp {

class ByteLevelBpeTokenizer : public Tokenizer {
 public:
  using Merges = std::vector<std::pair<std::string, std::string>>;

  // vocab.json + merges.txt.
  ByteLevelBpeTokenizer(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt,
                        bool add_prefix_space);
  // In memory (tokenizer.json); `where` names the source in errors.
  ByteLevelBpeTokenizer(std::unordered_map<std::string, int32_t> vocab, const Merges& merges, bool add_prefix_space,
                        const std::string& where);
  ~ByteLevelBpeTokenizer() override;

 protected:
  void tokenize_plain(std::string_view text, std::vector<int32_t>& ids) const override;

 private:
  void add_word(const std::string& word, std::vector<int32_t>& out) const;

  std::unordered_map<std::string, int32_t> vocab_;
  std::unordered_map<std::string, int> merge_rank_;  // "left right" → rank
  std::string byte_symbol_[256];                     // UTF-8 of each byte's printable stand-in
  bool add_prefix_space_;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

// The GPT-2 pre-tokenizer: contractions, optional-space + letters / numbers /
// other symbols, whitespace runs (the last space left to the next word).
std::vector<std::string> gpt2_pre_tokenize(std::string_view text);

}  // namespace ltp
