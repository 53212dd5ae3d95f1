// One block per (sequence, head, query group): n tokens, D head dim, H = N·D
// hidden, G groups (so that small batches still fill the GPU). The block walks
// its group's queries in chunks of kRows; per chunk it forms the [kRows × n]
// logits from K staged in shared memory tile by tile (plus MPNet's relative
// position bias, looked up by original positions), takes the softmax row by
// row (one warp per row), adds the probability columns to its partial score
// row in a fixed order, and forms the context from V tiles with the
// accumulators in registers. No atomics: results do not depend on scheduling.
// A second kernel sums the partial score rows, groups then heads, in order.
#include <atomic>

#include "ltp/error.h"
#include "ops/attention_scores.h"
#include "ops/cuda/attention_gpu.h"
#include "ops/cuda/cuda_context.h"
#include "ops/cuda/reduce.cuh"

namespace ltp::ops {

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kRows = 16;        // queries per chunk
constexpr int kKeys = 32;        // keys (or values) per staged tile
constexpr int kMaxHeadDim = 128;
constexpr int kMaxPairs = kRows * kMaxHeadDim / kThreads;  // context outputs per thread

struct KernelArgs {
  const float* qkv;
  const int64_t* offsets;
  float* ctx;
  float* head_scores;  // [G × N × T] partial scores, or nullptr
  long long tokens;
  long long max_length;
  long long group_rows;  // queries per group, a multiple of kRows
  int heads;
  int head_dim;
  float scale;
  const float* position_bias;  // MPNet: [N × W] by key − query offset, or nullptr
  long long bias_width;        // W
  const int* positions;        // [T] original positions
};

// Shared floats: q [kRows × D], probabilities [kRows × L], a K or V tile
// [kKeys × (D+1)] (padded: no bank conflicts), the head's scores [L].
size_t shared_bytes(long long max_length, int d) {
  return sizeof(float) * static_cast<size_t>(kRows * d + kRows * max_length + kKeys * (d + 1) + max_length);
}

// tile[j][c] = rows (kb + j) of the K or V part at `part`; zero past the sequence.
__device__ void stage_tile(float* tile, const float* part, long long stride, long long kb, long long n, int d) {
  for (int idx = threadIdx.x; idx < kKeys * d; idx += kThreads) {
    const int j = idx / d, c = idx % d;
    tile[j * (d + 1) + c] = kb + j < n ? part[(kb + j) * stride + c] : 0.0f;
  }
}

__global__ void __launch_bounds__(kThreads) attention_kernel(KernelArgs a) {
  extern __shared__ float smem[];
  const int d = a.head_dim, h = blockIdx.y;
  const long long begin = a.offsets[blockIdx.x], n = a.offsets[blockIdx.x + 1] - begin;
  const long long first_query = blockIdx.z * a.group_rows;
  const long long end_query = first_query + a.group_rows < n ? first_query + a.group_rows : n;
  const long long hidden = static_cast<long long>(a.heads) * d, stride = 3 * hidden, width = a.max_length;
  float* q = smem;
  float* probs = q + kRows * d;
  float* tile = probs + kRows * width;
  float* score = tile + kKeys * (d + 1);
  const float* queries = a.qkv + begin * stride + static_cast<long long>(h) * d;
  const float* keys = queries + hidden;
  const float* values = queries + 2 * hidden;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  // This head's bias row, centred so that head_bias[pos_j − pos_i] is the bias of (i, j).
  const float* head_bias =
      a.position_bias ? a.position_bias + h * a.bias_width + (a.bias_width - 1) / 2 : nullptr;
  const int* positions = a.position_bias ? a.positions + begin : nullptr;

  for (long long j = threadIdx.x; j < n; j += kThreads) score[j] = 0.0f;
  for (long long r0 = first_query; r0 < end_query; r0 += kRows) {
    const int rows = static_cast<int>(end_query - r0 < kRows ? end_query - r0 : kRows);
    for (int idx = threadIdx.x; idx < kRows * d; idx += kThreads) {
      const int i = idx / d, c = idx % d;
      q[idx] = i < rows ? queries[(r0 + i) * stride + c] * a.scale : 0.0f;
    }
    // logits = (q/√D)·kᵀ
    for (long long kb = 0; kb < n; kb += kKeys) {
      __syncthreads();  // q written, or the previous tile fully read
      stage_tile(tile, keys, stride, kb, n, d);
      __syncthreads();
      for (int idx = threadIdx.x; idx < kRows * kKeys; idx += kThreads) {
        const int i = idx / kKeys, j = idx % kKeys;
        if (i >= rows || kb + j >= n) continue;
        float dot = 0.0f;
        for (int c = 0; c < d; ++c) dot += q[i * d + c] * tile[j * (d + 1) + c];
        if (head_bias) dot += head_bias[positions[kb + j] - positions[r0 + i]];
        probs[i * width + kb + j] = dot;
      }
    }
    __syncthreads();
    for (int i = warp; i < rows; i += kWarps) {
      float* row = probs + i * width;
      float m = -INFINITY;
      for (long long j = lane; j < n; j += 32) m = fmaxf(m, row[j]);
      m = warp_max(m);
      float sum = 0.0f;
      for (long long j = lane; j < n; j += 32) {
        row[j] = expf(row[j] - m);
        sum += row[j];
      }
      const float inv = 1.0f / warp_sum(sum);
      for (long long j = lane; j < n; j += 32) row[j] *= inv;
    }
    __syncthreads();
    if (a.head_scores)
      for (long long j = threadIdx.x; j < n; j += kThreads) {
        float column = score[j];
        for (int i = 0; i < rows; ++i) column += probs[i * width + j];
        score[j] = column;
      }
    // context = P·v
    float acc[kMaxPairs] = {};
    for (long long kb = 0; kb < n; kb += kKeys) {
      __syncthreads();
      stage_tile(tile, values, stride, kb, n, d);
      __syncthreads();
      const int keys_here = static_cast<int>(n - kb < kKeys ? n - kb : kKeys);
#pragma unroll  // acc stays in registers only when every index is a constant
      for (int k = 0; k < kMaxPairs; ++k) {
        const int p = threadIdx.x + k * kThreads, i = p / d, c = p % d;
        if (p >= kRows * d || i >= rows) continue;
        for (int j = 0; j < keys_here; ++j) acc[k] += probs[i * width + kb + j] * tile[j * (d + 1) + c];
      }
    }
#pragma unroll
    for (int k = 0; k < kMaxPairs; ++k) {
      const int p = threadIdx.x + k * kThreads, i = p / d, c = p % d;
      if (p < kRows * d && i < rows) a.ctx[(begin + r0 + i) * hidden + static_cast<long long>(h) * d + c] = acc[k];
    }
    __syncthreads();  // before the next chunk overwrites q and probs
  }
  // Every group writes its row, zeros when it had no queries: the sum reads all.
  if (a.head_scores)
    for (long long j = threadIdx.x; j < n; j += kThreads)
      a.head_scores[(blockIdx.z * a.heads + h) * a.tokens + begin + j] = score[j];
}

// scores[t] = Σ_g Σ_h partial[g][h][t], in that order.
__global__ void sum_partials_kernel(const float* partial, long long rows, long long tokens, float* scores) {
  const long long t = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (t >= tokens) return;
  float sum = 0.0f;
  for (long long r = 0; r < rows; ++r) sum += partial[r * tokens + t];
  scores[t] = sum;
}

int device_attribute(cudaDeviceAttr attribute) {
  int device = 0, value = 0;
  check_cuda(cudaGetDevice(&device), "cudaGetDevice");
  check_cuda(cudaDeviceGetAttribute(&value, attribute, device), "cudaDeviceGetAttribute");
  return value;
}

std::atomic<int> pinned_multiprocessors{0};

// Query chunks (of kRows) per group, so that the (sequence, head, group)
// blocks number about two per multiprocessor: at least one chunk, at most all
// of the longest sequence's.
long long chunks_per_query_group(long long sequences_times_heads, long long max_length) {
  static const int device_multiprocessors = device_attribute(cudaDevAttrMultiProcessorCount);
  const int pinned = pinned_multiprocessors.load();
  const long long target_blocks = 2LL * (pinned > 0 ? pinned : device_multiprocessors);
  const long long chunks = (max_length + kRows - 1) / kRows;
  const long long wanted = (target_blocks + sequences_times_heads - 1) / sequences_times_heads;
  const long long groups = wanted < 1 ? 1 : wanted > chunks ? chunks : wanted;
  return (chunks + groups - 1) / groups;
}

}  // namespace

void pin_attention_multiprocessors(int count) { pinned_multiprocessors.store(count); }

template <>
void attention_impl<Device::CUDA>(const AttentionArgs& a) {
  if (a.head_dim > kMaxHeadDim)
    throw Error("CUDA attention supports head dimensions up to " + std::to_string(kMaxHeadDim) + ", the model has " +
                std::to_string(a.head_dim));
  const size_t bytes = shared_bytes(a.max_length, static_cast<int>(a.head_dim));
  static const int limit = device_attribute(cudaDevAttrMaxSharedMemoryPerBlockOptin);
  if (bytes > static_cast<size_t>(limit))
    throw Error("CUDA attention: a sequence of " + std::to_string(a.max_length) + " tokens needs " +
                std::to_string(bytes) + " bytes of shared memory, the device has " + std::to_string(limit));
  // Launches above 48 KiB must be allowed first; allowing the device's limit
  // once, on first use, keeps threads from racing over the attribute.
  [[maybe_unused]] static const bool allowed_up_to_limit = [] {
    check_cuda(cudaFuncSetAttribute(attention_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, limit),
               "cudaFuncSetAttribute");
    return true;
  }();
  const long long chunks = (a.max_length + kRows - 1) / kRows;
  const long long chunks_per_group = chunks_per_query_group(a.num_seqs * a.num_heads, a.max_length);
  const long long groups = (chunks + chunks_per_group - 1) / chunks_per_group;  // none past the longest sequence
  const long long partial_rows = groups * a.num_heads;
  float* head_scores =
      a.scores ? static_cast<float*>(cuda_scratch(sizeof(float) * static_cast<size_t>(partial_rows * a.tokens))) : nullptr;
  const KernelArgs args{a.qkv,
                        a.offsets,
                        a.ctx,
                        head_scores,
                        a.tokens,
                        a.max_length,
                        chunks_per_group * kRows,
                        static_cast<int>(a.num_heads),
                        static_cast<int>(a.head_dim),
                        1.0f / sqrtf(static_cast<float>(a.head_dim)),
                        a.position_bias,
                        a.position_bias_width,
                        a.positions};
  const dim3 grid(static_cast<unsigned>(a.num_seqs), static_cast<unsigned>(a.num_heads), static_cast<unsigned>(groups));
  attention_kernel<<<grid, kThreads, bytes, cuda_stream()>>>(args);
  check_cuda(cudaGetLastError(), "attention_kernel");
  if (!a.scores) return;
  sum_partials_kernel<<<blocks_for(a.tokens, kThreads), kThreads, 0, cuda_stream()>>>(head_scores, partial_rows,
                                                                                      a.tokens, a.scores);
  check_cuda(cudaGetLastError(), "sum_partials_kernel");
}

}  // namespace ltp::ops
