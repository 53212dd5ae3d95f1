#include "model/relative_position.h"

#include <cmath>
#include <cstdlib>

namespace ltp {

namespace {

constexpr int kMaxDistance = 128;  // fixed in MPNet

}  // namespace

int relative_position_bucket(int relative, int num_buckets) {
  const int half = num_buckets / 2;  // one half per direction
  const int n = -relative;
  int bucket = n < 0 ? half : 0;
  const int distance = std::abs(n);
  const int max_exact = half / 2;
  if (distance < max_exact) return bucket + distance;
  // float32 throughout, as transformers does; the result is truncated toward zero.
  const float scaled = std::log(static_cast<float>(distance) / static_cast<float>(max_exact)) /
                       static_cast<float>(std::log(static_cast<double>(kMaxDistance) / max_exact)) *
                       static_cast<float>(half - max_exact);
  const int large = max_exact + static_cast<int>(scaled);
  return bucket + (large < half - 1 ? large : half - 1);
}

Tensor position_bias_by_offset(const Tensor& bucket_bias, int max_tokens) {
  const int64_t buckets = bucket_bias.dim(0), heads = bucket_bias.dim(1), width = 2 * int64_t{max_tokens} - 1;
  Tensor table({heads, width});
  for (int64_t offset = 0; offset < width; ++offset) {
    const int64_t bucket = relative_position_bucket(static_cast<int>(offset - (max_tokens - 1)), static_cast<int>(buckets));
    for (int64_t h = 0; h < heads; ++h) table.data()[h * width + offset] = bucket_bias.data()[bucket * heads + h];
  }
  return table;
}

}  // namespace ltp
