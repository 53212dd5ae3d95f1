#include "ltp/flops.h"

namespace ltp {

int64_t layer_flops(const ModelConfig& c, int64_t n_in, int64_t n_out) {
  const int64_t h = c.hidden_size;
  const int64_t qkv = 2 * n_in * h * 3 * h;
  const int64_t attention = 2 * 2 * n_in * n_in * h;  // Q·Kᵀ and P·V over all heads
  const int64_t output = 2 * n_out * h * h;
  const int64_t ffn = 2 * 2 * n_out * h * c.intermediate_size;
  return qkv + attention + output + ffn;
}

int64_t head_flops(const ModelConfig& c) {
  if (c.head == HeadKind::None) return 0;
  const int64_t h = c.hidden_size;
  return 2 * h * h + 2 * h * c.num_labels;
}

int64_t dense_flops(const ModelConfig& c, int64_t n) {
  return c.num_layers * layer_flops(c, n, n) + head_flops(c);
}

}  // namespace ltp
