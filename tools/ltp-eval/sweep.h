// --sweep threshold-scale=0,0.5,1 | keep-rate=0.3,0.5 | thresholds=a,b,c;d,e,f
#pragma once

#include <string>
#include <vector>

#include "common/cli.h"

namespace ltp::eval {

struct SweepPoint {
  std::string label;          // e.g. "threshold-scale=0.5"
  cli::PruneOptions prune;    // the command line's options with this point applied
};

// Throws cli::UsageError on an unknown parameter or a value that is not a number.
std::vector<SweepPoint> parse_sweep(const std::string& spec, const cli::PruneOptions& base);

}  // namespace ltp::eval
