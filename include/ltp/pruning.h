// Token pruning decisions (docs/pruning.md): which alive tokens of
// one sequence survive a layer, given their importance scores.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ltp/config.h"

namespace ltp {

// Command-line overrides shared by every program.
struct PruneOverrides {
  bool disable = false;                               // --prune none
  std::optional<std::vector<float>> thresholds = {};  // --thresholds
  std::optional<float> threshold_scale = {};          // --threshold-scale
  std::optional<float> keep_rate = {};                // --keep-rate
  std::optional<std::vector<float>> keep_rates = {};  // --keep-rates
};

// Throws ltp::Error (naming `where`) on NaN/negative thresholds, a threshold
// count other than num_layers, or topk without exactly one of keep_rate and
// keep_rates (one per layer), or with a rate outside (0, 1].
void validate_pruning(const PruningConfig& config, int num_layers, const std::string& where);

// The configuration after overrides, validated. Throws ltp::Error on
// overrides that contradict each other (disable with any other; keep_rate,
// keep_rates and threshold_scale with each other), so no choice of the caller
// is silently dropped.
PruningConfig apply_overrides(PruningConfig config, const PruneOverrides& overrides, int num_layers);

// thresholds for rising_threshold: final * l / L.
std::vector<float> rising_thresholds(float final_token_threshold, int num_layers);

// topk (SpAtten cascade) keep rate of layer l.
double topk_layer_keep_rate(double keep_rate, int layer, int num_layers);

// Per-layer rule, built once per run.
class TokenPruner {
 public:
  TokenPruner(PruningConfig config, int num_layers, int num_heads);

  bool active() const { return config_.mode != PruneMode::None; }
  // Does layer l remove anything at all? (threshold 0 and keep rate 1 do not.)
  bool prunes_at(int layer) const;

  // scores: raw sums over heads and alive query rows of attention probabilities,
  // one per alive token (alive_count of them). original_length: the sequence's
  // length before any pruning. Writes into `kept` the ascending indices (into the
  // alive tokens) that survive; index 0 always survives.
  void select(int layer, const float* scores, int alive_count, int original_length,
              std::vector<int>& kept) const;

  const PruningConfig& config() const { return config_; }

 private:
  PruningConfig config_;
  int num_layers_;
  int num_heads_;
  std::vector<double> topk_rates_;  // per layer; empty unless topk
};

}  // namespace ltp
