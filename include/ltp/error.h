// Errors a user can cause (bad files, bad input, bad options) are ltp::Error;
// the message names the file, tensor or line and what was expected.
#pragma once

#include <stdexcept>
#include <string>

namespace ltp {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ltp
