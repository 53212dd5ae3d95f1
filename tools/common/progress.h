// "N lines" on stderr, at most a few times a second, only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ltp::cli {

class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  void update(int64_t done);

 private:
  std::string label_;
  bool enabled_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace ltp::cli
