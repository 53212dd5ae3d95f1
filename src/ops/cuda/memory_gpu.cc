// Device::CUDA storage: cudaMalloc'd, every copy and fill on ltp's stream.
#include <string>

#include "ltp/error.h"
#include "ops/cuda/cuda_context.h"
#include "ops/memory.h"

namespace ltp::ops {

template <>
void* allocate_impl<Device::CUDA>(size_t bytes) {
  cuda_stream();  // the first use selects the device, or says why there is none
  void* p = nullptr;
  const cudaError_t status = cudaMalloc(&p, bytes);
  if (status != cudaSuccess)
    throw Error("CUDA: cannot allocate " + std::to_string(bytes) + " bytes on the device: " + cudaGetErrorString(status));
  return p;
}

template <>
void release_impl<Device::CUDA>(void* p) noexcept {
  cudaFree(p);  // synchronises the device, so nothing queued still reads p
}

template <>
void fill_zero_impl<Device::CUDA>(void* p, size_t bytes) {
  check_cuda(cudaMemsetAsync(p, 0, bytes, cuda_stream()), "cudaMemsetAsync");
}

template <>
void copy_impl<Device::CUDA>(const void* src, Device src_device, void* dst, Device dst_device, size_t bytes) {
  const cudaMemcpyKind kind = src_device == Device::CPU   ? cudaMemcpyHostToDevice
                              : dst_device == Device::CPU ? cudaMemcpyDeviceToHost
                                                          : cudaMemcpyDeviceToDevice;
  // From pageable host memory the call returns once `src` has been staged, so
  // the caller may reuse it at once.
  check_cuda(cudaMemcpyAsync(dst, src, bytes, kind, cuda_stream()), "cudaMemcpyAsync");
  if (kind == cudaMemcpyDeviceToHost) check_cuda(cudaStreamSynchronize(cuda_stream()), "cudaStreamSynchronize");
}

template <>
void synchronize_impl<Device::CUDA>() {
  check_cuda(cudaStreamSynchronize(cuda_stream()), "cudaStreamSynchronize");
}

}  // namespace ltp::ops
