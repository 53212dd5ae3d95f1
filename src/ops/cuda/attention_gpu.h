// The CUDA attention's grid: one block per (sequence, head, query group), with
// as many query groups as give about two blocks per multiprocessor (one group
// from 2 × multiprocessors (sequence, head) pairs up: 264 on an H200).
#pragma once

namespace ltp::ops {

// Sizes the grid for `count` multiprocessors instead of the device's (0: the
// device's again), so that tests run the same grids on every GPU.
void pin_attention_multiprocessors(int count);

}  // namespace ltp::ops
