// The process-wide CUDA state behind Device::CUDA: device 0 (as
// CUDA_VISIBLE_DEVICES names it), one non-blocking stream that orders every
// kernel, GEMM and copy, and one cuBLAS handle bound to it.
#pragma once

#include <cstddef>
#include <string>

#include <cublas_v2.h>
#include <cuda_runtime.h>

namespace ltp::ops {

// Empty when a CUDA device can be used; else what the runtime said when first asked.
const std::string& cuda_unavailable_reason();

cudaStream_t cuda_stream();
cublasHandle_t cublas_handle();

// Throw ltp::Error naming `what` and the runtime's message on failure.
void check_cuda(cudaError_t status, const char* what);
void check_cublas(cublasStatus_t status, const char* what);

// The calling thread's device scratch, shared by its ops (the stream runs them
// in order): at least `bytes`, contents undefined. Growing it waits for the
// stream first.
void* cuda_scratch(size_t bytes);

// Blocks of `threads` covering n items (at least one block).
inline unsigned blocks_for(long long n, unsigned threads) {
  return static_cast<unsigned>(n <= 0 ? 1 : (n + threads - 1) / threads);
}

}  // namespace ltp::ops
