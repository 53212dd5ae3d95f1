#include "ops/rows.h"

#include "ltp/error.h"

namespace ltp::ops {

void embedding_sum(Device device, const EmbeddingArgs& args) {
  switch (device) {
    case Device::CPU: return embedding_sum_impl<Device::CPU>(args);
    case Device::CUDA: throw Error("this build of ltp has no CUDA backend");
  }
}

void compact_rows(Device device, float* rows, int64_t width, const int64_t* keep, int64_t count) {
  switch (device) {
    case Device::CPU: return compact_rows_impl<Device::CPU>(rows, width, keep, count);
    case Device::CUDA: throw Error("this build of ltp has no CUDA backend");
  }
}

}  // namespace ltp::ops
