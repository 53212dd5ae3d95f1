// Host storage: 64-byte aligned (AVX-512 rows, oneDNN's preference).
#include <cstdlib>
#include <cstring>
#include <new>

#include "ops/memory.h"

namespace ltp::ops {

namespace {
constexpr size_t kAlignment = 64;
}

template <>
void* allocate_impl<Device::CPU>(size_t bytes) {
  void* p = std::aligned_alloc(kAlignment, (bytes + kAlignment - 1) / kAlignment * kAlignment);
  if (!p) throw std::bad_alloc();
  return p;
}

template <>
void release_impl<Device::CPU>(void* p) noexcept {
  std::free(p);
}

template <>
void fill_zero_impl<Device::CPU>(void* p, size_t bytes) {
  std::memset(p, 0, bytes);
}

template <>
void synchronize_impl<Device::CPU>() {}

template <>
void copy_impl<Device::CPU>(const void* src, Device, void* dst, Device, size_t bytes) {
  std::memmove(dst, src, bytes);
}

}  // namespace ltp::ops
