// One sequence at a time: n tokens, N heads, D head dim, H = N·D.
// Both products are oneDNN batched matmuls (batch = heads) reading Q, K and V
// in place from the packed QKV rows through strided views and writing the
// context straight into its rows; softmax and the importance scores run in
// between on the [N × n × n] probabilities.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "ops/attention_scores.h"
#include "ops/cpu/cpu_kernel.h"
#include "ops/cpu/dnnl_compat.h"
#include "ops/cpu/dnnl_runtime.h"

namespace ltp::ops {

namespace {

using dnnl::memory;
using dt = memory::data_type;

// Distinct sequence lengths kept before the cache is emptied.
constexpr size_t kMaxCachedLengths = 512;

struct SequencePrimitives {
  CachedPrimitive scores;   // S = Q·Kᵀ (1/√D is applied before the softmax)  [N × n × n]
  CachedPrimitive softmax;  // P = softmax(S) along each row, in place
  CachedPrimitive context;  // C = P·V        [N × n × D]
  memory::desc q, k_t, s, v, c;
};

SequencePrimitives make_primitives(int64_t n, int64_t heads, int64_t d) {
  const int64_t h = heads * d;
  SequencePrimitives p;
  p.q = memory::desc({heads, n, d}, dt::f32, {d, 3 * h, 1});
  p.k_t = memory::desc({heads, d, n}, dt::f32, {d, 1, 3 * h});
  p.s = memory::desc({heads, n, n}, dt::f32, memory::format_tag::abc);
  p.v = memory::desc({heads, n, d}, dt::f32, {d, 3 * h, 1});
  p.c = memory::desc({heads, n, d}, dt::f32, {d, h, 1});
  const memory::desc no_bias;
  p.scores = CachedPrimitive::from<dnnl::matmul>(
      matmul_primitive_desc(cpu_engine(), p.q, p.k_t, no_bias, p.s, user_scratchpad()));
  p.softmax = CachedPrimitive::from<dnnl::softmax_forward>(softmax_primitive_desc(cpu_engine(), p.s, 2, user_scratchpad()));
  p.context = CachedPrimitive::from<dnnl::matmul>(
      matmul_primitive_desc(cpu_engine(), p.s, p.v, no_bias, p.c, user_scratchpad()));
  return p;
}

SequencePrimitives primitives(int64_t n, int64_t heads, int64_t d) {
  static const PrimitiveCache<std::tuple<int64_t, int64_t, int64_t>, SequencePrimitives> cache(kMaxCachedLengths);
  return cache.get({n, heads, d}, [&] { return make_primitives(n, heads, d); });
}

// One row of n unscaled logits q·k times `scale` (1/√D), plus `bias` (MPNet's
// position bias for this row, or nullptr), in place. Scaling here rather than
// in the GEMM keeps the GEMM free of attributes whose form differs across
// oneDNN versions.
LTP_CPU_KERNEL void scale_row(float* row, int64_t n, float scale, const float* bias) {
  if (bias) {
    for (int64_t j = 0; j < n; ++j) row[j] = row[j] * scale + bias[j];
  } else {
    for (int64_t j = 0; j < n; ++j) row[j] *= scale;
  }
}

// scores[j] += Σi probs[i][j] over a head's n rows, rows in order.
LTP_CPU_KERNEL void add_columns(const float* probs, int64_t n, float* scores) {
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) scores[j] += probs[i * n + j];
}

// One sequence's relative position bias: head_bias is the head's row of the
// [N × W] table, positions the sequence's original positions.
struct SequenceBias {
  const float* table = nullptr;  // nullptr: no bias
  int64_t width = 0;
  const int32_t* positions = nullptr;

  // Row i of head h: bias[j] for every key j.
  void fill_row(int64_t h, int64_t i, int64_t n, float* bias) const {
    const float* head = table + h * width + (width - 1) / 2 - positions[i];
    for (int64_t j = 0; j < n; ++j) bias[j] = head[positions[j]];
  }
};

// head_scores: [N × n] for this sequence, or nullptr.
void attend_sequence(const float* qkv, float* ctx, int64_t n, int64_t heads, int64_t d, const SequenceBias& bias,
                     float* head_scores, std::vector<float>& probs, bool parallel_rows) {
  const SequencePrimitives p = primitives(n, heads, d);
  probs.resize(static_cast<size_t>(heads * n * n));
  auto& engine = cpu_engine();
  float* base = const_cast<float*>(qkv);
  const int64_t h = heads * d;
  memory q(p.q, engine, base), k_t(p.k_t, engine, base + h), v(p.v, engine, base + 2 * h);
  memory s(p.s, engine, probs.data()), c(p.c, engine, ctx);
  p.scores.run({{DNNL_ARG_SRC, q}, {DNNL_ARG_WEIGHTS, k_t}, {DNNL_ARG_DST, s}});
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  // Rows of one head read the same row of the bias table, so a head is one unit of parallel work.
#pragma omp parallel for schedule(static) if (parallel_rows)
  for (int64_t hd = 0; hd < heads; ++hd) {
    thread_local std::vector<float> bias_row;
    if (bias.table) bias_row.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (bias.table) bias.fill_row(hd, i, n, bias_row.data());
      scale_row(probs.data() + (hd * n + i) * n, n, scale, bias.table ? bias_row.data() : nullptr);
    }
  }
  p.softmax.run({{DNNL_ARG_SRC, s}, {DNNL_ARG_DST, s}});
  if (head_scores) {
    std::fill(head_scores, head_scores + heads * n, 0.0f);
#pragma omp parallel for schedule(static) if (parallel_rows)
    for (int64_t hd = 0; hd < heads; ++hd) add_columns(probs.data() + hd * n * n, n, head_scores + hd * n);
  }
  p.context.run({{DNNL_ARG_SRC, s}, {DNNL_ARG_WEIGHTS, v}, {DNNL_ARG_DST, c}});
}

}  // namespace

template <>
void attention_impl<Device::CPU>(const AttentionArgs& a) {
  const int64_t hidden = a.num_heads * a.head_dim;
  const int64_t total = a.offsets[a.num_seqs];
  // Per-head score rows, laid out per sequence as [N × n], summed over heads
  // afterwards in a fixed order so results never depend on thread scheduling.
  thread_local std::vector<float> head_scores;
  if (a.scores) head_scores.resize(static_cast<size_t>(a.num_heads * total));
  float* head_scores_data = head_scores.data();
  const auto run = [&](int64_t s, std::vector<float>& probs, bool parallel_rows) {
    const int64_t begin = a.offsets[s], n = a.offsets[s + 1] - begin;
    const SequenceBias bias{a.position_bias, a.position_bias_width, a.position_bias ? a.positions + begin : nullptr};
    attend_sequence(a.qkv + begin * 3 * hidden, a.ctx + begin * hidden, n, a.num_heads, a.head_dim, bias,
                    a.scores ? head_scores_data + a.num_heads * begin : nullptr, probs, parallel_rows);
  };
  if (a.num_seqs == 1) {  // oneDNN and the softmax loop spread one sequence over the threads
    thread_local std::vector<float> probs;
    run(0, probs, true);
  } else {  // one sequence per thread; oneDNN runs single-threaded inside
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t s = 0; s < a.num_seqs; ++s) {
      thread_local std::vector<float> probs;  // kept between calls: no page faults per layer
      run(s, probs, false);
    }
  }
  if (!a.scores) return;
  for (int64_t s = 0; s < a.num_seqs; ++s) {
    const int64_t begin = a.offsets[s], n = a.offsets[s + 1] - begin;
    const float* rows = head_scores_data + a.num_heads * begin;
    for (int64_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (int64_t hd = 0; hd < a.num_heads; ++hd) sum += rows[hd * n + j];
      a.scores[begin + j] = sum;
    }
  }
}

}  // namespace ltp::ops
