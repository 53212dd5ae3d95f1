#include "ops/attention_scores.h"

#include "ltp/error.h"

namespace ltp::ops {

void attention(Device device, const AttentionArgs& args) {
  switch (device) {
    case Device::CPU: return attention_impl<Device::CPU>(args);
    case Device::CUDA: throw Error("this build of ltp has no CUDA backend");
  }
}

}  // namespace ltp::ops
