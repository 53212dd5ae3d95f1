// The packed batch as it flows through the layers.
//   B sequences, T tokens alive over the batch, H hidden, I intermediate.
#pragma once

#include <cstdint>
#include <vector>

#include "ltp/encoder.h"
#include "ltp/tensor.h"

namespace ltp {

struct Encoder::Buffers {
  std::vector<int64_t> offsets;         // [B+1] row of each sequence's first alive token
  std::vector<int32_t> positions;       // [T] original position of each alive token
  std::vector<int> original_lengths;    // [B]
  Tensor hidden;                        // [T × H]
  Tensor qkv;                           // [T × 3H]
  Tensor context;                       // [T × H]
  Tensor intermediate;                  // [T × I]
  Tensor scores;                        // [T] raw importance sums
  Tensor pruned_sum;                    // [B × H] states of pruned tokens, for mean pooling
  std::vector<int64_t> keep_rows;       // rows surviving this layer, ascending
  std::vector<int> kept;                // per-sequence scratch for TokenPruner
  // Embedding inputs, packed.
  std::vector<int32_t> ids, type_ids, position_ids;

  int64_t alive() const { return offsets.back(); }
  int64_t num_seqs() const { return static_cast<int64_t>(offsets.size()) - 1; }
};

}  // namespace ltp
