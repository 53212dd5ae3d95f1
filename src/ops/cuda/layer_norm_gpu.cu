// T rows of width W, one block per row; two passes (mean, then variance about
// it) as the CPU body does, in fp32.
#include "ops/cuda/cuda_context.h"
#include "ops/cuda/reduce.cuh"
#include "ops/layer_norm.h"

namespace ltp::ops {

namespace {

constexpr unsigned kThreads = 256;

__global__ void layer_norm_kernel(float* rows, const float* gamma, const float* beta, long long width, float eps) {
  __shared__ float partial[32];
  float* x = rows + blockIdx.x * width;
  float sum = 0.0f;
  for (long long i = threadIdx.x; i < width; i += blockDim.x) sum += x[i];
  const float mean = block_sum(sum, partial) / static_cast<float>(width);
  float squares = 0.0f;
  for (long long i = threadIdx.x; i < width; i += blockDim.x) squares += (x[i] - mean) * (x[i] - mean);
  const float inv = rsqrtf(block_sum(squares, partial) / static_cast<float>(width) + eps);
  for (long long i = threadIdx.x; i < width; i += blockDim.x) x[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
}

}  // namespace

template <>
void layer_norm_impl<Device::CUDA>(float* rows, int64_t count, const LayerNormParams& p) {
  layer_norm_kernel<<<static_cast<unsigned>(count), kThreads, 0, cuda_stream()>>>(rows, p.gamma, p.beta, p.width, p.eps);
  check_cuda(cudaGetLastError(), "layer_norm_kernel");
}

}  // namespace ltp::ops
