#include "tokenizer/byte_level_bpe.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "ltp/error.h"
#include "tokenizer/unicode.h"

namespace ltp {

namespace {

constexpr size_t kMaxCachedWords = 100000;

std::unordered_map<std::string, int32_t> read_vocab_json(const std::filesystem::path& file) {
  const nlohmann::json j = read_json_file(file, "vocabulary");
  if (!j.is_object()) throw Error(file.string() + ": expected an object of token → id");
  std::unordered_map<std::string, int32_t> vocab;
  for (const auto& [token, id] : j.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
      throw Error(file.string() + ": token \"" + token + "\" has id " + id.dump() + ", expected an integer >= 0");
    vocab.emplace(token, id.get<int32_t>());
  }
  return vocab;
}

ByteLevelBpeTokenizer::Merges read_merges(const std::filesystem::path& file) {
  std::ifstream in = open_file(file, "merges");
  ByteLevelBpeTokenizer::Merges merges;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && line.rfind("#version", 0) == 0)) continue;
    const size_t space = line.find(' ');
    if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
      throw Error(file.string() + ":" + std::to_string(number) + ": expected two symbols separated by one space");
    merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  return merges;
}

enum class CharClass { Letter, Number, Space, Other };

CharClass classify(char32_t cp) {
  if (unicode::is_letter(cp)) return CharClass::Letter;
  if (unicode::is_number(cp)) return CharClass::Number;
  if (unicode::is_pattern_space(cp)) return CharClass::Space;
  return CharClass::Other;
}

}  // namespace

std::vector<std::string> gpt2_pre_tokenize(std::string_view text) {
  const std::vector<char32_t> cps = unicode::decode(text);
  const size_t n = cps.size();
  std::vector<CharClass> cls(n);
  for (size_t i = 0; i < n; ++i) cls[i] = classify(cps[i]);
  std::vector<std::string> words;
  const auto emit = [&](size_t begin, size_t end) {
    std::string w;
    for (size_t k = begin; k < end; ++k) unicode::append_utf8(cps[k], w);
    words.push_back(std::move(w));
  };
  size_t i = 0;
  while (i < n) {
    // 's 't 're 've 'm 'll 'd
    if (cps[i] == '\'' && i + 1 < n) {
      const char32_t a = cps[i + 1], b = i + 2 < n ? cps[i + 2] : 0;
      size_t len = 0;
      if (a == 's' || a == 't' || a == 'm' || a == 'd') len = 2;
      else if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) len = 3;
      if (len) {
        emit(i, i + len);
        i += len;
        continue;
      }
    }
    // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+'
    const size_t body = (cps[i] == ' ' && i + 1 < n) ? i + 1 : i;
    if (cls[body] != CharClass::Space) {
      const CharClass c = cls[body];
      size_t end = body + 1;
      while (end < n && cls[end] == c) ++end;
      emit(i, end);
      i = end;
      continue;
    }
    // '\s+(?!\S)' then '\s+'
    size_t end = i;
    while (end < n && cls[end] == CharClass::Space) ++end;
    if (end < n && end - i >= 2) --end;  // leave the last space to the word that follows
    emit(i, end);
    i = end;
  }
  return words;
}

ByteLevelBpeTokenizer::ByteLevelBpeTokenizer(const std::filesystem::path& vocab_json,
                                             const std::filesystem::path& merges_txt, bool add_prefix_space)
    : ByteLevelBpeTokenizer(read_vocab_json(vocab_json), read_merges(merges_txt), add_prefix_space,
                            vocab_json.string()) {}

ByteLevelBpeTokenizer::ByteLevelBpeTokenizer(std::unordered_map<std::string, int32_t> vocab, const Merges& merges,
                                             bool add_prefix_space, const std::string& where)
    : vocab_(std::move(vocab)), add_prefix_space_(add_prefix_space) {
  for (size_t r = 0; r < merges.size(); ++r) merge_rank_.emplace(merges[r].first + " " + merges[r].second, static_cast<int>(r));
  // GPT-2's printable stand-ins: bytes that are visible Latin-1 map to themselves, the rest to U+0100 onwards.
  int next = 0;
  for (int b = 0; b < 256; ++b) {
    const bool visible = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    unicode::append_utf8(static_cast<char32_t>(visible ? b : 256 + next++), byte_symbol_[b]);
  }
  use_special_tokens(vocab_, where, "<s>", "</s>", true, {"<s>", "</s>", "<pad>", "<unk>", "<mask>"});
}

ByteLevelBpeTokenizer::~ByteLevelBpeTokenizer() = default;

void ByteLevelBpeTokenizer::add_word(const std::string& word, std::vector<int32_t>& out) const {
  {
    std::lock_guard lock(cache_mutex_);
    const auto it = cache_.find(word);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<std::string> symbols;
  for (unsigned char byte : word) symbols.push_back(byte_symbol_[byte]);
  std::string key;
  while (symbols.size() > 1) {
    int best = -1;
    for (size_t k = 0; k + 1 < symbols.size(); ++k) {
      key = symbols[k] + " " + symbols[k + 1];
      const auto it = merge_rank_.find(key);
      if (it != merge_rank_.end() && (best < 0 || it->second < best)) best = it->second;
    }
    if (best < 0) break;
    std::vector<std::string> merged;
    for (size_t k = 0; k < symbols.size(); ++k) {
      if (k + 1 < symbols.size()) {
        key = symbols[k] + " " + symbols[k + 1];
        const auto it = merge_rank_.find(key);
        if (it != merge_rank_.end() && it->second == best) {
          merged.push_back(symbols[k] + symbols[k + 1]);
          ++k;
          continue;
        }
      }
      merged.push_back(symbols[k]);
    }
    symbols.swap(merged);
  }
  std::vector<int32_t> ids;
  for (const auto& s : symbols) {
    const auto it = vocab_.find(s);
    if (it == vocab_.end()) throw Error("byte-level BPE symbol '" + s + "' is not in the vocabulary");
    ids.push_back(it->second);
  }
  out.insert(out.end(), ids.begin(), ids.end());
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() >= kMaxCachedWords) cache_.clear();
  cache_.emplace(word, std::move(ids));
}

void ByteLevelBpeTokenizer::tokenize_plain(std::string_view text, std::vector<int32_t>& ids) const {
  if (text.empty()) return;
  std::string piece(text);
  if (add_prefix_space_ && piece.front() != ' ') piece.insert(piece.begin(), ' ');
  for (const std::string& word : gpt2_pre_tokenize(piece)) add_word(word, ids);
}

}  // namespace ltp
