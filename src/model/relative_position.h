// MPNet's relative position bias: a learned value per (bucket, head), added to
// the attention logit of query i and key j by the bucket of j − i (T5-style:
// exact for small distances, logarithmic up to 128, signed).
//   N heads, L = max_tokens, W = 2L − 1 offsets (j − i from −(L−1) to L−1)
#pragma once

#include "tensor.h"

namespace ltp {

// The bucket of relative position j − i, exactly as transformers computes it
// (in float32) for MPNet: bidirectional, max distance 128.
int relative_position_bucket(int relative, int num_buckets);

// bucket_bias [buckets × N] (the checkpoint's encoder.relative_attention_bias)
// → [N × W]: row h, column (j − i) + L − 1 holds head h's bias for that offset.
// One lookup per logit instead of a bucket computation.
Tensor position_bias_by_offset(const Tensor& bucket_bias, int max_tokens);

}  // namespace ltp
