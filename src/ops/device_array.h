// Host-built index arrays (offsets, kept rows, token ids) as the kernels of a
// device read them. On the CPU the host array itself is used; on CUDA it is
// copied into storage that only grows, so the layer loop does not allocate.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "ops/memory.h"

namespace ltp::ops {

template <class T>
class DeviceArray {
 public:
  explicit DeviceArray(Device device) : device_(device), storage_(nullptr, DeviceRelease{device}) {}

  // host[0..n) readable by `device` kernels until the next upload.
  const T* upload(const std::vector<T>& host) {
    if (device_ == Device::CPU || host.empty()) return host.data();
    if (host.size() > capacity_) {
      storage_.reset();
      capacity_ = 0;
      storage_.reset(static_cast<T*>(allocate(device_, host.size() * sizeof(T))));
      capacity_ = host.size();
    }
    copy(host.data(), Device::CPU, storage_.get(), device_, host.size() * sizeof(T));
    return storage_.get();
  }

 private:
  Device device_;
  std::unique_ptr<T, DeviceRelease> storage_;
  size_t capacity_ = 0;
};

}  // namespace ltp::ops
