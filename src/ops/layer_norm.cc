#include "ops/layer_norm.h"

#include "ops/dispatch.h"

namespace ltp::ops {

void layer_norm(Device device, float* rows, int64_t count, const LayerNormParams& params) {
  if (count == 0) return;
  LTP_DISPATCH(device, layer_norm_impl, rows, count, params);
}

}  // namespace ltp::ops
