// Raw storage and copies on either device. The host side is 64-byte aligned
// memory; the CUDA side is cudaMalloc'd and ordered on ltp's one CUDA stream.
#pragma once

#include <cstddef>
#include <vector>

#include "ltp/device.h"

namespace ltp::ops {

void* allocate(Device device, size_t bytes);
void release(Device device, void* p) noexcept;
void fill_zero(Device device, void* p, size_t bytes);
// Copies after the work already queued on the source or destination device;
// a copy to the host waits for that work (the only way the host waits).
void copy(const void* src, Device src_device, void* dst, Device dst_device, size_t bytes);
// Waits for the work queued on `device` (timing; the CPU never queues).
void synchronize(Device device);

// A unique_ptr deleter for storage from allocate().
struct DeviceRelease {
  Device device;
  void operator()(void* p) const noexcept { release(device, p); }
};

// data[0..n) readable on the host: data itself on the CPU, else a copy in scratch.
template <class T>
const T* host_view(const T* data, Device device, size_t n, std::vector<T>& scratch) {
  if (device == Device::CPU) return data;
  scratch.resize(n);
  copy(data, device, scratch.data(), Device::CPU, n * sizeof(T));
  return scratch.data();
}

template <Device D>
void* allocate_impl(size_t bytes);
template <Device D>
void release_impl(void* p) noexcept;
template <Device D>
void fill_zero_impl(void* p, size_t bytes);
// One of the two devices is D, the other the host.
template <Device D>
void synchronize_impl();
template <Device D>
void copy_impl(const void* src, Device src_device, void* dst, Device dst_device, size_t bytes);

}  // namespace ltp::ops
