// Shapes of well-known encoders, for benchmarks with random weights.
#pragma once

#include <string>
#include <vector>

#include "ltp/config.h"

namespace ltp::bench {

// bert-base, bert-large, roberta-base, minilm-l6, minilm-l12; throws cli::UsageError otherwise.
ModelConfig preset_config(const std::string& name);
std::vector<std::string> preset_names();

}  // namespace ltp::bench
