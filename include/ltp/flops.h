// FLOPs the engine performs (multiply-add = 2): GEMMs and attention products;
// LayerNorm, softmax and element-wise work are left out (< 1% on BERT shapes).
#pragma once

#include <cstdint>

#include "ltp/config.h"

namespace ltp {

// One encoder layer that receives n_in tokens and keeps n_out of them: QKV and
// attention on n_in, output projection and FFN on n_out.
int64_t layer_flops(const ModelConfig& config, int64_t n_in, int64_t n_out);

// The classification head for one sequence (0 without a head).
int64_t head_flops(const ModelConfig& config);

// Whole model, no pruning, one sequence of n tokens.
int64_t dense_flops(const ModelConfig& config, int64_t n);

}  // namespace ltp
