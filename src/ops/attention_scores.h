// Multi-head self-attention over a packed ragged batch, with LTP importance
// scores accumulated inside the softmax pass.
//   T tokens alive (packed over the batch), H hidden, N heads, D = H / N.
//   qkv    [T × 3H]  per token: q (H) | k (H) | v (H), heads contiguous inside each
//   ctx    [T × H]   softmax(q·kᵀ/√D + bias) · v per head; bias (MPNet) by the
//                    offset of the key's original position from the query's
//   scores [T]       Σ_heads Σ_{queries i of the same sequence} P[h, i, j]  (raw, unnormalised)
// Each sequence attends only to itself; no padding exists.
#pragma once

#include <cstdint>

#include "ltp/device.h"

namespace ltp::ops {

// Pointers live on the device the op runs on.
struct AttentionArgs {
  const float* qkv;
  const int64_t* offsets;  // num_seqs + 1 row offsets into qkv/ctx
  int64_t num_seqs;
  int64_t tokens;          // T = offsets[num_seqs]
  int64_t max_length;      // the longest sequence
  int64_t num_heads;
  int64_t head_dim;
  float* ctx;
  float* scores;           // nullptr: not needed (no pruning at this layer)
  // MPNet's relative position bias, or nullptr: head h adds
  // position_bias[h·W + positions[j] − positions[i] + (W − 1)/2] to logit (i, j).
  const float* position_bias = nullptr;  // [N × W]
  int64_t position_bias_width = 0;        // W = 2·max_tokens − 1
  const int32_t* positions = nullptr;     // [T] original position of each token
};

void attention(Device device, const AttentionArgs& args);

template <Device D>
void attention_impl(const AttentionArgs& args);

}  // namespace ltp::ops
