#include "ops/layer_norm.h"

#include "ltp/error.h"

namespace ltp::ops {

void layer_norm(Device device, float* rows, int64_t count, const LayerNormParams& params) {
  switch (device) {
    case Device::CPU: return layer_norm_impl<Device::CPU>(rows, count, params);
    case Device::CUDA: throw Error("this build of ltp has no CUDA backend");
  }
}

}  // namespace ltp::ops
