// Row-wise ops on packed [T × W] buffers: the embedding sum, the gather that
// compacts a batch, and the per-sequence sums of pruned rows (mean pooling).
// Every pointer lives on the device named by the first argument.
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

struct GatherArgs {
  const float* src;     // [any × W]
  const int64_t* rows;  // [count] rows of src
  int64_t count;
  int64_t width;
  float* dst;           // [count × W], must not overlap src
};

// dst[r] = src[rows[r]]
void gather_rows(Device device, const GatherArgs& args);

struct RowSumArgs {
  const float* src;           // [any × W]
  const int64_t* rows;        // rows of src, grouped by target
  const int64_t* boundaries;  // [targets + 1] target t sums rows[boundaries[t] .. boundaries[t+1])
  int64_t targets;
  int64_t width;
  float* sums;                // [targets × W], added to
};

// sums[t] += Σ src[rows[i]] over target t's rows, in the listed order.
void add_row_sums(Device device, const RowSumArgs& args);

template <Device D>
void embedding_sum_impl(const EmbeddingArgs& args);
template <Device D>
void gather_rows_impl(const GatherArgs& args);
template <Device D>
void add_row_sums_impl(const RowSumArgs& args);

}  // namespace ltp::ops
