// Numbers in ltp-bench's tables: `digits` after the point.
#pragma once

#include <cstdio>
#include <string>

namespace ltp::bench {

inline std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace ltp::bench
