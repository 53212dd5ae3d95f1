// Row-wise ops on packed [T × W] buffers: the embedding sum and in-place compaction.
#pragma once

#include <cstdint>

#include "ltp/device.h"

namespace ltp::ops {

struct EmbeddingArgs {
  const float* word;        // [vocab × W]
  const float* position;    // [positions × W]
  const float* token_type;  // [types × W]
  const int32_t* ids;       // [T] each, already validated against the tables
  const int32_t* positions;
  const int32_t* type_ids;
  int64_t count;            // T
  int64_t width;            // W
  float* out;               // [T × W]
};

// out[t] = word[ids[t]] + position[positions[t]] + token_type[type_ids[t]]
void embedding_sum(Device device, const EmbeddingArgs& args);

// rows[r] = rows[keep[r]] for r < count; keep must be strictly increasing, so
// the move is safe in place.
void compact_rows(Device device, float* rows, int64_t width, const int64_t* keep, int64_t count);

template <Device D>
void embedding_sum_impl(const EmbeddingArgs& args);
template <Device D>
void compact_rows_impl(float* rows, int64_t width, const int64_t* keep, int64_t count);

}  // namespace ltp::ops
