// What ltp-bench reports beside its timings: the GEMM speed the encoder can
// approach, and the instruction set oneDNN chose on this CPU.
#pragma once

#include <cstdint>
#include <string>

#include "ltp/config.h"
#include "ltp/device.h"

namespace ltp {

// GFLOP/s of one encoder layer's four GEMMs (QKV, output, FFN in and out) at
// M rows, random weights, median of `repeat` timed runs after one warm-up.
double measure_gemm_limit(const ModelConfig& config, int64_t m, Device device, Precision precision, int repeat);

// The instruction set oneDNN runs the CPU GEMMs with, e.g. "AVX-512 BF16".
std::string cpu_gemm_isa_name();

}  // namespace ltp
