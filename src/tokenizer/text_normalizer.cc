// BERT's normaliser and pre-tokenizer, in the order Hugging Face tokenizers
// applies them: clean → CJK split → strip accents → lowercase → split on
// whitespace → isolate punctuation.
#include "tokenizer/wordpiece.h"
#include "tokenizer/unicode.h"

namespace ltp {

std::vector<std::string> bert_pre_tokenize(std::string_view text, const BertNormalizerOptions& options) {
  const std::vector<char32_t> input = unicode::decode(text);
  std::vector<char32_t> chars;
  chars.reserve(input.size());
  for (char32_t cp : input) {
    if (cp == 0 || cp == 0xFFFD || unicode::is_control(cp)) continue;
    if (unicode::is_whitespace(cp)) {
      chars.push_back(' ');
    } else if (options.split_cjk && unicode::is_cjk(cp)) {
      chars.insert(chars.end(), {' ', cp, ' '});
    } else {
      chars.push_back(cp);
    }
  }
  if (options.strip_accents.value_or(options.lowercase)) {
    std::vector<char32_t> stripped;
    stripped.reserve(chars.size());
    std::vector<char32_t> parts;
    for (char32_t cp : chars) {
      parts.clear();
      unicode::append_nfd(cp, parts);
      for (char32_t p : parts)
        if (!unicode::is_nonspacing_mark(p)) stripped.push_back(p);
    }
    chars.swap(stripped);
  }
  if (options.lowercase)
    for (char32_t& cp : chars) cp = unicode::to_lower(cp);

  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (char32_t cp : chars) {
    if (unicode::is_whitespace(cp)) {
      flush();
    } else if (unicode::is_punctuation(cp)) {
      flush();
      unicode::append_utf8(cp, word);
      flush();
    } else {
      unicode::append_utf8(cp, word);
    }
  }
  flush();
  return words;
}

}  // namespace ltp
