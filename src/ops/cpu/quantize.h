// The int8 scheme of --precision int8 (include/ltp/device.h), as plain
// functions so that tests can build a float reference of the very same scheme.
//   weights: s8, symmetric, one scale per output channel: w ≈ sw[c] · q[c][k]
//   inputs:  u8, asymmetric, one scale and zero point per row: x ≈ sx[r] · (q[r][k] − zx[r])
//   output:  y[r][c] = sx[r]·sw[c] · (Σk qx·qw − zx[r]·Σk qw[c][k]) + b[c]
#pragma once

#include <cstdint>

#include "tensor.h"

namespace ltp::ops {

struct QuantizedWeights {
  Tensor values;       // S8 [out × in], in [-127, 127]; may be released once packed for the GEMM
  Tensor scales;       // F32 [out]
  Tensor column_sums;  // S32 [out]: Σk values[c][k], for the inputs' zero points
};

// weight: F32 [out × in] on the host. A channel of zeros (or denormals) gets scale 1.
QuantizedWeights quantize_weights(const Tensor& weight);

// Input rows quantized to u8: levels = 255 (8 bits), or 127 where the CPU's
// int8 instructions would saturate on 8 (cpu_has_native_int8). Each row's
// range is widened to hold 0, so zeros stay exact and the zero point is an
// integer in [0, levels]; a row of zeros gets scale 1. What is quantized is
// x[r][k] · inverse_smoothing[k] ([cols]; all ones without smoothing): with
// weights quantized as w[c][k] · s[k] the product is unchanged, and a channel
// whose inputs are s times the rest no longer sets every row's step alone.
struct QuantizedRows {
  uint8_t* values;      // [rows × cols]
  float* scales;        // [rows]
  int32_t* zero_points; // [rows]
};
void quantize_rows(const float* x, int64_t rows, int64_t cols, int levels, const float* inverse_smoothing,
                   QuantizedRows out);
// The levels this CPU's int8 GEMMs take: 255, or 127 without VNNI.
int input_levels();

// y[r][c] (= or +=, by `accumulate`) the output formula above from the s32 sums.
void dequantize_rows(const int32_t* sums, int64_t rows, const QuantizedRows& inputs, const QuantizedWeights& weights,
                     const float* bias, float* y, bool accumulate);

}  // namespace ltp::ops
