// T rows of width W.
#include "ops/cuda/cuda_context.h"
#include "ops/rows.h"

namespace ltp::ops {

namespace {

constexpr unsigned kThreads = 256;

// One block per token.
__global__ void embedding_sum_kernel(EmbeddingArgs a) {
  const long long t = blockIdx.x, w = a.width;
  const float* word = a.word + a.ids[t] * w;
  const float* position = a.position + a.positions[t] * w;
  const float* type = a.token_type + a.type_ids[t] * w;
  for (long long i = threadIdx.x; i < w; i += blockDim.x) a.out[t * w + i] = word[i] + position[i] + type[i];
}

// One block per destination row.
__global__ void gather_rows_kernel(GatherArgs a) {
  const long long r = blockIdx.x;
  const float* src = a.src + a.rows[r] * a.width;
  for (long long i = threadIdx.x; i < a.width; i += blockDim.x) a.dst[r * a.width + i] = src[i];
}

// One block per target; its rows are added in the listed order.
__global__ void add_row_sums_kernel(RowSumArgs a) {
  const long long t = blockIdx.x;
  for (long long c = threadIdx.x; c < a.width; c += blockDim.x) {
    float sum = a.sums[t * a.width + c];
    for (long long i = a.boundaries[t]; i < a.boundaries[t + 1]; ++i) sum += a.src[a.rows[i] * a.width + c];
    a.sums[t * a.width + c] = sum;
  }
}

}  // namespace

template <>
void embedding_sum_impl<Device::CUDA>(const EmbeddingArgs& a) {
  embedding_sum_kernel<<<static_cast<unsigned>(a.count), kThreads, 0, cuda_stream()>>>(a);
  check_cuda(cudaGetLastError(), "embedding_sum_kernel");
}

template <>
void gather_rows_impl<Device::CUDA>(const GatherArgs& a) {
  gather_rows_kernel<<<static_cast<unsigned>(a.count), kThreads, 0, cuda_stream()>>>(a);
  check_cuda(cudaGetLastError(), "gather_rows_kernel");
}

template <>
void add_row_sums_impl<Device::CUDA>(const RowSumArgs& a) {
  add_row_sums_kernel<<<static_cast<unsigned>(a.targets), kThreads, 0, cuda_stream()>>>(a);
  check_cuda(cudaGetLastError(), "add_row_sums_kernel");
}

}  // namespace ltp::ops
