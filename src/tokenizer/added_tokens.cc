#include "tokenizer/added_tokens.h"

namespace ltp {

void AddedTokens::add(std::string content, int32_t id, bool lstrip) {
  contents_.push_back(std::move(content));
  ids_.push_back(id);
  lstrip_.push_back(lstrip);
}

void AddedTokens::split(std::string_view text, const std::function<void(std::string_view)>& plain,
                        const std::function<void(int32_t)>& special) const {
  size_t pos = 0;
  while (true) {
    size_t match_at = std::string_view::npos, match = 0;
    for (size_t s = 0; s < contents_.size(); ++s) {
      const size_t at = text.find(contents_[s], pos);
      if (at == std::string_view::npos) continue;
      if (at < match_at || (at == match_at && contents_[s].size() > contents_[match].size())) {
        match_at = at;
        match = s;
      }
    }
    if (match_at == std::string_view::npos) {
      plain(text.substr(pos));
      return;
    }
    std::string_view before = text.substr(pos, match_at - pos);
    if (lstrip_[match])
      while (!before.empty() && (before.back() == ' ' || before.back() == '\t' || before.back() == '\n' || before.back() == '\r'))
        before.remove_suffix(1);
    plain(before);
    special(ids_[match]);
    pos = match_at + contents_[match].size();
  }
}

}  // namespace ltp
