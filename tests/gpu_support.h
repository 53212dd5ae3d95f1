// Moving test vectors between the host and the CUDA device, and the GPU shape
// the tests pin.
#pragma once

#include <vector>

#include "tensor.h"

namespace ltp::test {

// The multiprocessor count the CUDA attention sizes its grid for in the gpu
// tests (gpu_main.cc pins it): an H200's, so every GPU runs the same grids.
inline constexpr int kPinnedMultiprocessors = 132;

inline Tensor on_device(const std::vector<float>& values, Device device) {
  Tensor host({static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), host.data());
  return host.to(device);
}

inline std::vector<float> on_host(const Tensor& t) {
  const Tensor host = t.to(Device::CPU);
  return std::vector<float>(host.data(), host.data() + host.size());
}

}  // namespace ltp::test
