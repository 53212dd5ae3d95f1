// n tokens of one sequence, N heads, D head dim, H = N·D.
// One task per (sequence, head): Kᵀ is copied to a contiguous [D × n] tile so the
// q·k loop and the p·v loop both run along contiguous memory and vectorise.
#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/attention_scores.h"
#include "ops/cpu/cpu_kernel.h"

namespace ltp::ops {

namespace {

struct HeadTask {
  const float* q;       // row 0 of this head's queries, stride 3H
  const float* k;
  const float* v;
  float* ctx;           // stride H
  float* head_scores;   // [n], this head's Σ_i P[i, j]
  int64_t n;
  int64_t qkv_stride;
  int64_t ctx_stride;
  int64_t d;
};

LTP_CPU_KERNEL void attend_one_head(const HeadTask& t, std::vector<float>& k_t, std::vector<float>& p) {
  const int64_t n = t.n, d = t.d;
  k_t.resize(static_cast<size_t>(d * n));
  p.resize(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j)
    for (int64_t c = 0; c < d; ++c) k_t[static_cast<size_t>(c * n + j)] = t.k[j * t.qkv_stride + c];
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  if (t.head_scores) std::fill(t.head_scores, t.head_scores + n, 0.0f);

  for (int64_t i = 0; i < n; ++i) {
    const float* q = t.q + i * t.qkv_stride;
    float* prob = p.data();
    std::fill(prob, prob + n, 0.0f);
    for (int64_t c = 0; c < d; ++c) {
      const float qc = q[c];
      const float* kc = k_t.data() + c * n;
      for (int64_t j = 0; j < n; ++j) prob[j] += qc * kc[j];
    }
    float max_logit = -INFINITY;
    for (int64_t j = 0; j < n; ++j) {
      prob[j] *= scale;
      max_logit = std::max(max_logit, prob[j]);
    }
    float sum = 0.0f;
    for (int64_t j = 0; j < n; ++j) {
      prob[j] = std::exp(prob[j] - max_logit);
      sum += prob[j];
    }
    const float inv = 1.0f / sum;
    float* out = t.ctx + i * t.ctx_stride;
    std::fill(out, out + d, 0.0f);
    for (int64_t j = 0; j < n; ++j) {
      const float pj = prob[j] * inv;
      if (t.head_scores) t.head_scores[j] += pj;
      const float* vj = t.v + j * t.qkv_stride;
      for (int64_t c = 0; c < d; ++c) out[c] += pj * vj[c];
    }
  }
}

}  // namespace

template <>
void attention_impl<Device::CPU>(const AttentionArgs& a) {
  const int64_t hidden = a.num_heads * a.head_dim;
  const int64_t total = a.offsets[a.num_seqs];
  // Per-head score rows, summed over heads afterwards in a fixed order so the
  // result never depends on thread scheduling.
  thread_local std::vector<float> head_scores;
  if (a.scores) head_scores.resize(static_cast<size_t>(a.num_heads * total));
  float* head_scores_data = head_scores.data();
  const int64_t tasks = a.num_seqs * a.num_heads;

#pragma omp parallel
  {
    std::vector<float> k_t, p;
#pragma omp for schedule(dynamic, 1)
    for (int64_t task = 0; task < tasks; ++task) {
      const int64_t s = task / a.num_heads, h = task % a.num_heads;
      const int64_t begin = a.offsets[s];
      const float* base = a.qkv + begin * 3 * hidden + h * a.head_dim;
      const HeadTask t{base,
                       base + hidden,
                       base + 2 * hidden,
                       a.ctx + begin * hidden + h * a.head_dim,
                       a.scores ? head_scores_data + h * total + begin : nullptr,
                       a.offsets[s + 1] - begin,
                       3 * hidden,
                       hidden,
                       a.head_dim};
      attend_one_head(t, k_t, p);
    }
  }
  if (!a.scores) return;
  for (int64_t j = 0; j < total; ++j) {
    float sum = 0.0f;
    for (int64_t h = 0; h < a.num_heads; ++h) sum += head_scores_data[h * total + j];
    a.scores[j] = sum;
  }
}

}  // namespace ltp::ops
