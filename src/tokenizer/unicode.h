// UTF-8 decoding and the character classes BERT tokenization needs, on top of utf8proc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ltp::unicode {

// Code points of `text`; throws ltp::Error naming the byte offset of invalid UTF-8.
std::vector<char32_t> decode(std::string_view text);
void append_utf8(char32_t cp, std::string& out);

bool is_control(char32_t cp);      // category C*, except \t \n \r
bool is_whitespace(char32_t cp);   // \t \n \r and categories Zs Zl Zp
bool is_punctuation(char32_t cp);  // ASCII punctuation and categories P*
bool is_cjk(char32_t cp);          // CJK Unified Ideographs blocks, as BERT defines them
bool is_nonspacing_mark(char32_t cp);
bool is_letter(char32_t cp);         // categories L*
bool is_number(char32_t cp);         // categories N*
bool is_pattern_space(char32_t cp);  // the White_Space property, as regex \s
char32_t to_lower(char32_t cp);
// Canonical decomposition (NFD) of one code point, appended to out.
void append_nfd(char32_t cp, std::vector<char32_t>& out);

}  // namespace ltp::unicode
