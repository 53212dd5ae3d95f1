// Device dispatch for the op front ends: one switch on Device, bodies are
// template <Device D> specialisations. Builds without CUDA keep the CUDA case
// and throw a clear error from it.
#pragma once

#include "ltp/device.h"
#include "ltp/error.h"

namespace ltp::ops {

inline constexpr const char* kNoCudaBackend =
    "this build of ltp has no CUDA backend (rebuild with the CUDA toolkit installed, LTP_WITH_CUDA=ON)";

[[noreturn]] inline void throw_no_cuda_backend() { throw Error(kNoCudaBackend); }

}  // namespace ltp::ops

#ifdef LTP_WITH_CUDA
#define LTP_CUDA_CASE(call) return call
#else
#define LTP_CUDA_CASE(call) ::ltp::ops::throw_no_cuda_backend()
#endif

// Calls FN<Device::CPU>(args...) or FN<Device::CUDA>(args...) and returns its result.
#define LTP_DISPATCH(device, FN, ...)                              \
  switch (device) {                                                \
    case ::ltp::Device::CPU: return FN<::ltp::Device::CPU>(__VA_ARGS__); \
    case ::ltp::Device::CUDA: LTP_CUDA_CASE(FN<::ltp::Device::CUDA>(__VA_ARGS__)); \
  }                                                                \
  throw ::ltp::Error("unknown device")
