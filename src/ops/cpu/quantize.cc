#include "ops/cpu/quantize.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "ops/cpu/cpu_kernel.h"

namespace ltp::ops {

namespace {

// v rounded to the nearest integer, ties to even, for |v| < 2^22: adding and
// removing 1.5·2^23 leaves no fraction bits. Unlike std::nearbyint (a libm
// call per element here) it vectorises. Inputs: |x·inv| ≤ levels.
inline float round_even(float v) {
  constexpr float kShift = 12582912.0f;
  return (v + kShift) - kShift;
}

LTP_CPU_KERNEL void quantize_row(const float* x, int64_t n, int levels, const float* inverse_smoothing, uint8_t* q,
                                 float* scale, int32_t* zero) {
  float lo = 0.0f, hi = 0.0f, probe = 0.0f;  // probe: NaN when any x is not finite
#pragma omp simd reduction(min : lo) reduction(max : hi) reduction(+ : probe)
  for (int64_t k = 0; k < n; ++k) {
    const float v = x[k] * inverse_smoothing[k];
    lo = v < lo ? v : lo;  // a select, not std::min's branch on a reference: vectorises
    hi = v > hi ? v : hi;
    probe += v * 0.0f;
  }
  if (!std::isfinite(probe)) {  // the row's outputs become NaN, which ltp-run reports as an error record
    std::fill(q, q + n, uint8_t{0});
    *scale = NAN;
    *zero = 0;
    return;
  }
  const float top = static_cast<float>(levels);
  // A range below FLT_MIN·levels (zeros included) would give a denormal or
  // zero step and an infinite 1/s: such a row quantizes to its zero point.
  const float step = (hi - lo) / top;
  const float s = step >= FLT_MIN ? step : 1.0f;
  const float z = std::fmin(std::fmax(std::nearbyint(-lo / s), 0.0f), top);
  const float inv = 1.0f / s;
  for (int64_t k = 0; k < n; ++k)
    q[k] = static_cast<uint8_t>(std::fmin(std::fmax(round_even(x[k] * inverse_smoothing[k] * inv) + z, 0.0f), top));
  *scale = s;
  *zero = static_cast<int32_t>(z);
}

LTP_CPU_KERNEL void dequantize_row(const int32_t* sums, int64_t n, float row_scale, int32_t zero,
                                   const float* channel_scales, const int32_t* column_sums, const float* bias,
                                   float* y, bool accumulate) {
  if (accumulate) {
    for (int64_t c = 0; c < n; ++c)
      y[c] += static_cast<float>(sums[c] - zero * column_sums[c]) * (row_scale * channel_scales[c]) + bias[c];
  } else {
    for (int64_t c = 0; c < n; ++c)
      y[c] = static_cast<float>(sums[c] - zero * column_sums[c]) * (row_scale * channel_scales[c]) + bias[c];
  }
}

}  // namespace

QuantizedWeights quantize_weights(const Tensor& weight) {
  const int64_t out = weight.dim(0), in = weight.dim(1);
  QuantizedWeights q{Tensor({out, in}, Device::CPU, DType::S8), Tensor({out}), Tensor({out}, Device::CPU, DType::S32)};
  for (int64_t c = 0; c < out; ++c) {
    const float* w = weight.row(c);
    float top = 0.0f;
    for (int64_t k = 0; k < in; ++k) top = std::max(top, std::abs(w[k]));
    const float s = top >= 127.0f * FLT_MIN ? top / 127.0f : 1.0f;  // a zero or denormal channel: scale 1
    int8_t* values = q.values.data_as<int8_t>() + c * in;
    int32_t sum = 0;
    for (int64_t k = 0; k < in; ++k) {
      values[k] = static_cast<int8_t>(std::clamp(std::nearbyint(w[k] / s), -127.0f, 127.0f));
      sum += values[k];
    }
    q.scales.data()[c] = s;
    q.column_sums.data_as<int32_t>()[c] = sum;
  }
  return q;
}

void quantize_rows(const float* x, int64_t rows, int64_t cols, int levels, const float* inverse_smoothing,
                   QuantizedRows out) {
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r)
    quantize_row(x + r * cols, cols, levels, inverse_smoothing, out.values + r * cols, out.scales + r,
                 out.zero_points + r);
}

int input_levels() { return cpu_has_native_int8() ? 255 : 127; }

void dequantize_rows(const int32_t* sums, int64_t rows, const QuantizedRows& inputs, const QuantizedWeights& weights,
                     const float* bias, float* y, bool accumulate) {
  const int64_t n = weights.scales.dim(0);
  const float* channel_scales = weights.scales.data();
  const int32_t* column_sums = weights.column_sums.data_as<int32_t>();
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r)
    dequantize_row(sums + r * n, n, inputs.scales[r], inputs.zero_points[r], channel_scales, column_sums, bias,
                   y + r * n, accumulate);
}

}  // namespace ltp::ops
