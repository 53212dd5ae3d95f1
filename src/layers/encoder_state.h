// The packed batch as it flows through the layers.
//   B sequences, T tokens alive over the batch, H hidden, I intermediate.
// The layout (offsets, positions, kept rows) is decided on the host; the
// tensors live on the model's device, and the index arrays the kernels read
// are mirrored there (DeviceArray: no copy on the CPU).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ltp/encoder.h"
#include "tensor.h"
#include "ops/device_array.h"

namespace ltp {

struct Encoder::Buffers {
  explicit Buffers(Device device)
      : hidden({0}, device), spare({0}, device), qkv({0}, device), context({0}, device), intermediate({0}, device),
        scores({0}, device), pruned_sum({0}, device), head_input({0}, device), head_pooled({0}, device),
        logits({0}, device), offsets_on_device(device), rows_on_device(device), pruned_rows_on_device(device),
        boundaries_on_device(device), ids_on_device(device), type_ids_on_device(device), position_ids_on_device(device),
        positions_on_device(device) {}

  // Host: the layout of the batch.
  std::vector<int64_t> offsets;         // [B+1] row of each sequence's first alive token
  std::vector<int32_t> positions;       // [T] original position of each alive token
  std::vector<int> original_lengths;    // [B]
  std::vector<int64_t> keep_rows;       // rows surviving this layer, ascending
  std::vector<int> kept;                // per-sequence scratch for TokenPruner
  std::vector<int64_t> pruned_rows;     // rows pruned at this layer, by sequence (mean pooling)
  std::vector<int64_t> pruned_boundaries;  // [B+1] into pruned_rows
  std::vector<int64_t> first_rows;      // [B] each sequence's first row (classifier heads)
  std::vector<float> host_scores, host_hidden, host_pruned_sum, host_logits;  // read back from the device
  std::vector<int32_t> ids, type_ids, position_ids;  // embedding inputs, packed

  // Device.
  Tensor hidden;        // [T × H]
  Tensor spare;         // compaction target, swapped with hidden or context
  Tensor qkv;           // [T × 3H]
  Tensor context;       // [T × H]
  Tensor intermediate;  // [T × I]
  Tensor scores;        // [T] raw importance sums
  Tensor pruned_sum;    // [B × H] states of pruned tokens, for mean pooling
  Tensor head_input, head_pooled, logits;  // [B × H], [B × H], [B × C]
  const int64_t* device_offsets = nullptr;  // offsets as uploaded after the last change
  const int32_t* device_positions = nullptr;  // positions, likewise (read by MPNet's position bias)
  ops::DeviceArray<int64_t> offsets_on_device, rows_on_device, pruned_rows_on_device, boundaries_on_device;
  ops::DeviceArray<int32_t> ids_on_device, type_ids_on_device, position_ids_on_device, positions_on_device;

  int64_t alive() const { return offsets.back(); }
  int64_t num_seqs() const { return static_cast<int64_t>(offsets.size()) - 1; }
  int64_t max_length() const {
    int64_t longest = 0;
    for (size_t s = 0; s + 1 < offsets.size(); ++s) longest = std::max(longest, offsets[s + 1] - offsets[s]);
    return longest;
  }
};

}  // namespace ltp
