#include "ops/memory.h"

#include "ops/dispatch.h"

namespace ltp::ops {

void* allocate(Device device, size_t bytes) { LTP_DISPATCH(device, allocate_impl, bytes); }

void release(Device device, void* p) noexcept {
  if (!p) return;
  switch (device) {
    case Device::CPU: return release_impl<Device::CPU>(p);
    case Device::CUDA:
#ifdef LTP_WITH_CUDA
      return release_impl<Device::CUDA>(p);
#else
      return;  // nothing can have been allocated there
#endif
  }
}

void fill_zero(Device device, void* p, size_t bytes) {
  if (bytes == 0) return;
  LTP_DISPATCH(device, fill_zero_impl, p, bytes);
}

void copy(const void* src, Device src_device, void* dst, Device dst_device, size_t bytes) {
  if (bytes == 0) return;
  const Device d = src_device == Device::CPU ? dst_device : src_device;
  LTP_DISPATCH(d, copy_impl, src, src_device, dst, dst_device, bytes);
}

void synchronize(Device device) { LTP_DISPATCH(device, synchronize_impl); }

}  // namespace ltp::ops
