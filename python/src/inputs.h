// encode's Python inputs → runner inputs (with the GIL held).
#pragma once

#include <vector>

#include <nanobind/nanobind.h>

#include "runner.h"

namespace ltp::py {

// An iterable of str, (str, str) pairs (tuple or list) and ltp.Encoding.
// Throws TypeError or ValueError naming the input at fault.
std::vector<Input> read_inputs(nanobind::handle inputs);

}  // namespace ltp::py
