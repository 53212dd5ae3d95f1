// One block per (sequence, head, query group): n tokens, D head dim, H = N·D
// hidden, G groups (so that small batches still fill the GPU). The block walks
// its group's queries in chunks of kRows; per chunk it forms the [kRows × n]
// logits from K staged in shared memory tile by tile (plus MPNet's relative
// position bias, looked up by original positions), takes the softmax row by
// row (one warp per row), adds the probability columns to its partial score
// row in a fixed order, and forms the context from V tiles. Both products are
// register-tiled: each thread keeps a small block of outputs and reads its
// operands as float4, so that shared memory feeds four multiply-adds per load.
// No atomics: results do not depend on scheduling. A second kernel sums the
// partial score rows, groups then heads, in order.
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
constexpr int kRows = 32;        // queries per chunk
constexpr int kKeys = 64;        // keys (or values) per staged tile
constexpr int kMaxHeadDim = 128;
// Thread layout of both products: 16 lanes across keys (logits) or column
// quads (context), kThreads / 16 = 16 row groups of kRows / 16 = 2 rows each.
constexpr int kAcross = 16;
constexpr int kRowsPerThread = kRows / (kThreads / kAcross);
constexpr int kKeysPerThread = kKeys / kAcross;
constexpr int kMaxQuadBlocks = kMaxHeadDim / 4 / kAcross;  // column quads per thread, at most
static_assert(kRowsPerThread * (kThreads / kAcross) == kRows && kKeysPerThread * kAcross == kKeys);

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

__host__ __device__ constexpr long long round_up4(long long x) { return (x + 3) / 4 * 4; }

// Row stride of q and of a K or V tile: D rounded up to whole float4s (zeros
// past D), plus one float4 so that the eight rows a quarter-warp reads start
// in different banks.
__host__ __device__ constexpr int padded_dim(int d) { return static_cast<int>(round_up4(d)) + 4; }

// Shared floats: q [kRows × Dp], probabilities [kRows × Lp] (Lp: the longest
// sequence rounded up to float4s, zeros past n), a K or V tile [kKeys × Dp],
// the head's scores [Lp].
size_t shared_bytes(long long max_length, int d) {
  const long long dp = padded_dim(d), lp = round_up4(max_length);
  return sizeof(float) * static_cast<size_t>(kRows * dp + kRows * lp + kKeys * dp + lp);
}

// tile[j][c] = row (kb + j), column c of the K or V part at `part`; zero past
// the sequence and past D.
__device__ void stage_tile(float* tile, const float* part, long long stride, long long kb, long long n, int d) {
  const int dp = padded_dim(d);
  for (int idx = threadIdx.x; idx < kKeys * dp; idx += kThreads) {
    const int j = idx / dp, c = idx % dp;
    tile[idx] = kb + j < n && c < d ? part[(kb + j) * stride + c] : 0.0f;
  }
}

__device__ float4 load4(const float* p) { return *reinterpret_cast<const float4*>(p); }

__device__ float dot4(float4 a, float4 b, float acc) {
  acc = fmaf(a.x, b.x, acc);
  acc = fmaf(a.y, b.y, acc);
  acc = fmaf(a.z, b.z, acc);
  return fmaf(a.w, b.w, acc);
}

// probs[i][kb + j] = q_i·k_j (+ bias) for the tile's keys j < n: thread
// (group g, lane l) forms rows g·2 + r and keys l + 16·m.
__device__ void logits_tile(const float* q, const float* tile, float* probs, long long width, long long kb,
                            long long n, int dp, int rows, const float* head_bias, const int* positions,
                            long long r0) {
  const int group = threadIdx.x / kAcross, lane = threadIdx.x % kAcross;
  float dot[kRowsPerThread][kKeysPerThread] = {};
  for (int c = 0; c < dp - 4; c += 4) {
    float4 qv[kRowsPerThread], kv[kKeysPerThread];
#pragma unroll
    for (int r = 0; r < kRowsPerThread; ++r) qv[r] = load4(q + (group * kRowsPerThread + r) * dp + c);
#pragma unroll
    for (int m = 0; m < kKeysPerThread; ++m) kv[m] = load4(tile + (lane + kAcross * m) * dp + c);
#pragma unroll
    for (int r = 0; r < kRowsPerThread; ++r)
#pragma unroll
      for (int m = 0; m < kKeysPerThread; ++m) dot[r][m] = dot4(qv[r], kv[m], dot[r][m]);
  }
#pragma unroll
  for (int r = 0; r < kRowsPerThread; ++r) {
    const int i = group * kRowsPerThread + r;
#pragma unroll
    for (int m = 0; m < kKeysPerThread; ++m) {
      const long long j = kb + lane + kAcross * m;
      if (j >= n) continue;
      // Rows past the chunk's queries have no position (their logits are never used).
      const float bias = head_bias && i < rows ? head_bias[positions[j] - positions[r0 + i]] : 0.0f;
      probs[i * width + j] = dot[r][m] + bias;
    }
  }
}

// Softmax of every row of the chunk over its n logits (one warp per row); the
// columns from n up to the float4 boundary become zeros, which the context reads.
// Rows past the chunk's queries too, so that every value the context's float4
// loads touch is written (their outputs are never stored).
__device__ void softmax_rows(float* probs, long long width, long long n) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  for (int i = warp; i < kRows; i += kWarps) {
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
    if (lane < round_up4(n) - n) row[n + lane] = 0.0f;
  }
}

// acc += P[rows, kb…] · V tile: thread (group g, lane l) keeps rows g·2 + r and
// the column quads l + 16·b.
__device__ void context_tile(const float* probs, const float* tile, long long width, long long kb, int keys_here,
                             int dp, float4 (&acc)[kMaxQuadBlocks][kRowsPerThread]) {
  const int group = threadIdx.x / kAcross, lane = threadIdx.x % kAcross;
  const int quads = dp / 4 - 1;
  for (int j = 0; j < keys_here; j += 4) {
    float4 p[kRowsPerThread];
#pragma unroll
    for (int r = 0; r < kRowsPerThread; ++r) p[r] = load4(probs + (group * kRowsPerThread + r) * width + kb + j);
#pragma unroll
    for (int b = 0; b < kMaxQuadBlocks; ++b) {
      const int quad = lane + kAcross * b;
      if (quad >= quads) continue;
      const float4 v[4] = {load4(tile + (j + 0) * dp + 4 * quad), load4(tile + (j + 1) * dp + 4 * quad),
                           load4(tile + (j + 2) * dp + 4 * quad), load4(tile + (j + 3) * dp + 4 * quad)};
#pragma unroll
      for (int r = 0; r < kRowsPerThread; ++r) {
        const float w[4] = {p[r].x, p[r].y, p[r].z, p[r].w};
#pragma unroll
        for (int k = 0; k < 4; ++k) {
          acc[b][r].x = fmaf(w[k], v[k].x, acc[b][r].x);
          acc[b][r].y = fmaf(w[k], v[k].y, acc[b][r].y);
          acc[b][r].z = fmaf(w[k], v[k].z, acc[b][r].z);
          acc[b][r].w = fmaf(w[k], v[k].w, acc[b][r].w);
        }
      }
    }
  }
}

__global__ void __launch_bounds__(kThreads) attention_kernel(KernelArgs a) {
  extern __shared__ float4 smem4[];  // float4: aligned for the vector loads
  const int d = a.head_dim, dp = padded_dim(d), h = blockIdx.y;
  const long long begin = a.offsets[blockIdx.x], n = a.offsets[blockIdx.x + 1] - begin;
  const long long first_query = blockIdx.z * a.group_rows;
  const long long end_query = first_query + a.group_rows < n ? first_query + a.group_rows : n;
  const long long hidden = static_cast<long long>(a.heads) * d, stride = 3 * hidden, width = round_up4(a.max_length);
  float* q = reinterpret_cast<float*>(smem4);
  float* probs = q + kRows * dp;
  float* tile = probs + kRows * width;
  float* score = tile + kKeys * dp;
  const float* queries = a.qkv + begin * stride + static_cast<long long>(h) * d;
  const float* keys = queries + hidden;
  const float* values = queries + 2 * hidden;
  const int group = threadIdx.x / kAcross, lane = threadIdx.x % kAcross;
  // This head's bias row, centred so that head_bias[pos_j − pos_i] is the bias of (i, j).
  const float* head_bias =
      a.position_bias ? a.position_bias + h * a.bias_width + (a.bias_width - 1) / 2 : nullptr;
  const int* positions = a.position_bias ? a.positions + begin : nullptr;

  for (long long j = threadIdx.x; j < n; j += kThreads) score[j] = 0.0f;
  for (long long r0 = first_query; r0 < end_query; r0 += kRows) {
    const int rows = static_cast<int>(end_query - r0 < kRows ? end_query - r0 : kRows);
    for (int idx = threadIdx.x; idx < kRows * dp; idx += kThreads) {
      const int i = idx / dp, c = idx % dp;
      q[idx] = i < rows && c < d ? queries[(r0 + i) * stride + c] * a.scale : 0.0f;
    }
    // logits = (q/√D)·kᵀ
    for (long long kb = 0; kb < n; kb += kKeys) {
      __syncthreads();  // q written, or the previous tile fully read
      stage_tile(tile, keys, stride, kb, n, d);
      __syncthreads();
      logits_tile(q, tile, probs, width, kb, n, dp, rows, head_bias, positions, r0);
    }
    __syncthreads();
    softmax_rows(probs, width, n);
    __syncthreads();
    if (a.head_scores)
      for (long long j = threadIdx.x; j < n; j += kThreads) {
        float column = score[j];
        for (int i = 0; i < rows; ++i) column += probs[i * width + j];
        score[j] = column;
      }
    // context = P·v
    float4 acc[kMaxQuadBlocks][kRowsPerThread] = {};
    for (long long kb = 0; kb < n; kb += kKeys) {
      __syncthreads();
      stage_tile(tile, values, stride, kb, n, d);
      __syncthreads();
      const int keys_here = static_cast<int>(n - kb < kKeys ? n - kb : kKeys);
      context_tile(probs, tile, width, kb, keys_here, dp, acc);
    }
#pragma unroll
    for (int b = 0; b < kMaxQuadBlocks; ++b)
#pragma unroll
      for (int r = 0; r < kRowsPerThread; ++r) {
        const int i = group * kRowsPerThread + r, c = 4 * (lane + kAcross * b);
        if (i >= rows || c >= d) continue;
        float* out = a.ctx + (begin + r0 + i) * hidden + static_cast<long long>(h) * d + c;
        const float v[4] = {acc[b][r].x, acc[b][r].y, acc[b][r].z, acc[b][r].w};
        for (int k = 0; k < 4 && c + k < d; ++k) out[k] = v[k];
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
