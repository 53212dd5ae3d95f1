// LayerNorm over rows of width W, in place:  x = (x − mean) / sqrt(var + eps) · γ + β.
#pragma once

#include <cstdint>

#include "ltp/device.h"

namespace ltp::ops {

struct LayerNormParams {
  const float* gamma;
  const float* beta;
  int64_t width;
  float eps;
};

void layer_norm(Device device, float* rows, int64_t count, const LayerNormParams& params);

template <Device D>
void layer_norm_impl(float* rows, int64_t count, const LayerNormParams& params);

}  // namespace ltp::ops
