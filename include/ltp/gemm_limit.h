// The speed of the model's own GEMMs alone: the ceiling the whole encoder can
// approach. Used by ltp-bench to say how far a run sits from it.
#pragma once

#include <cstdint>

#include "ltp/config.h"
#include "ltp/device.h"

namespace ltp {

// GFLOP/s of one encoder layer's four GEMMs (QKV, output, FFN in and out) at
// M rows, random weights, median of `repeat` timed runs after one warm-up.
double measure_gemm_limit(const ModelConfig& config, int64_t m, Device device, Precision precision, int repeat);

}  // namespace ltp
