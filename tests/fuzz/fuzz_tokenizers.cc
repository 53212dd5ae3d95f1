// Each tokenizer kind (WordPiece, byte-level BPE, SentencePiece) on arbitrary
// bytes: the first byte picks the tokenizer and max length, a TAB makes a pair.
// Invalid UTF-8 may be refused (ltp::Error); anything else is a finding.
#include <memory>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "ltp/error.h"
#include "ltp/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::unique_ptr<ltp::Tokenizer>> tokenizers = [] {
    std::vector<std::unique_ptr<ltp::Tokenizer>> t;
    for (const char* name : {"bert-base-uncased", "roberta-base", "albert-base-v2"})
      t.push_back(ltp::load_tokenizer(ltp::fuzz::test_data() / "tokenizers" / name));
    return t;
  }();
  if (size == 0) return 0;
  const ltp::Tokenizer& tokenizer = *tokenizers[data[0] % tokenizers.size()];
  const int max_length = 2 + data[0] / 3;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t tab = text.find('\t');
  try {
    const ltp::Encoding e = tab == std::string_view::npos
                                ? tokenizer.encode(text, std::nullopt, max_length)
                                : tokenizer.encode(text.substr(0, tab), text.substr(tab + 1), max_length);
    if (e.ids.size() > static_cast<size_t>(max_length) || e.ids.size() != e.type_ids.size()) __builtin_trap();
  } catch (const ltp::Error&) {
  }
  return 0;
}
