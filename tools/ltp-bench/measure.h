// Timing of dense and pruned runs over the same inputs, interleaved.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ltp/encoder.h"

namespace ltp::bench {

struct Spread {
  double median = 0, min = 0, max = 0;
};
Spread spread_of(std::vector<double> values);
// The q-quantile (0..1) with linear interpolation.
double percentile(std::vector<double> values, double q);

struct ModeResult {
  std::string mode;                 // "dense" or "pruned"
  Spread seq_per_s;                 // one value per repetition
  Spread tokens_per_s;
  double latency_p50_ms = 0, latency_p90_ms = 0, latency_p99_ms = 0;  // per encoder call (one batch)
  double flops_per_seq = 0, flops_dense_per_seq = 0;
  double gflops_per_s = 0;          // performed FLOPs over median time
  std::vector<double> tokens_kept_per_layer;  // mean per sequence
  StageTimes stages;                // from Mode::stage_timer's passes; zero without one
};

struct Mode {
  std::string name;                 // "dense" or "pruned"
  Encoder* encoder = nullptr;       // timed
  Encoder* stage_timer = nullptr;   // the same options with time_stages, or none
};

struct RunPlan {
  int batch_size = 1;
  int warmup = 1;
  int repeat = 5;
};

// Runs `inputs` in batches of plan.batch_size through each mode's encoder,
// `repeat` times after `warmup` passes, alternating which mode goes first each
// time; then, for each mode with a stage timer, the same passes through it.
std::vector<ModeResult> measure(const std::vector<Mode>& modes, const std::vector<Encoding>& inputs,
                                const RunPlan& plan);

}  // namespace ltp::bench
