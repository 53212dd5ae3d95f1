// Special tokens written literally in the text ("[MASK]", "<s>") are matched
// before normalisation and kept whole, as Hugging Face's added tokens are.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ltp {

class AddedTokens {
 public:
  // lstrip: the token also swallows the whitespace just before it.
  void add(std::string content, int32_t id, bool lstrip = false);

  // Calls plain() for each stretch of ordinary text (possibly empty) and
  // special() for each matched token, in order. Leftmost match first; the
  // longest token wins at equal positions.
  void split(std::string_view text, const std::function<void(std::string_view)>& plain,
             const std::function<void(int32_t)>& special) const;

 private:
  std::vector<std::string> contents_;
  std::vector<int32_t> ids_;
  std::vector<bool> lstrip_;
};

}  // namespace ltp
