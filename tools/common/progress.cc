#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace ltp::cli {

Progress::Progress(std::string label)
    : label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) == 1), last_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (printed_) std::fputc('\n', stderr);
}

void Progress::update(int64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  std::fprintf(stderr, "\r%s: %lld", label_.c_str(), static_cast<long long>(done));
  printed_ = true;
}

}  // namespace ltp::cli
