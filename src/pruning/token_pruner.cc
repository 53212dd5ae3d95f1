// Pruning decisions of one sequence at one layer. n alive tokens, scores are the
// raw sums  sum_h sum_{i alive} P[h, i, j]  accumulated by the attention kernel.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ltp/error.h"
#include "ltp/pruning.h"

namespace ltp {

void validate_pruning(const PruningConfig& config, int num_layers, const std::string& where) {
  const bool uses_thresholds = config.mode == PruneMode::AbsoluteThreshold || config.mode == PruneMode::Threshold ||
                               config.mode == PruneMode::RisingThreshold;
  if (uses_thresholds) {
    if (config.thresholds.size() != static_cast<size_t>(num_layers))
      throw Error(where + ": " + prune_mode_name(config.mode) + " needs " + std::to_string(num_layers) +
                  " thresholds (one per layer), got " + std::to_string(config.thresholds.size()));
    for (size_t l = 0; l < config.thresholds.size(); ++l) {
      const float t = config.thresholds[l];
      if (std::isnan(t) || t < 0)
        throw Error(where + ": threshold of layer " + std::to_string(l) + " is " + std::to_string(t) +
                    "; thresholds must be numbers >= 0");
    }
  }
  if (config.mode == PruneMode::TopK) {
    if (config.keep_rate.has_value() == !config.keep_rates.empty())
      throw Error(where + ": topk needs either a keep_rate in (0, 1] or keep_rates (one per layer), not both");
    const auto check_rate = [&](float r, const std::string& what) {
      if (!(r > 0.0f && r <= 1.0f))
        throw Error(where + ": topk " + what + " is " + std::to_string(r) + ", expected a value in (0, 1]");
    };
    if (config.keep_rate) check_rate(*config.keep_rate, "keep_rate");
    if (!config.keep_rates.empty() && config.keep_rates.size() != static_cast<size_t>(num_layers))
      throw Error(where + ": topk needs " + std::to_string(num_layers) + " keep_rates (one per layer), got " +
                  std::to_string(config.keep_rates.size()));
    for (size_t l = 0; l < config.keep_rates.size(); ++l)
      check_rate(config.keep_rates[l], "keep rate of layer " + std::to_string(l));
  }
}

PruningConfig apply_overrides(PruningConfig config, const PruneOverrides& o, int num_layers) {
  if (o.disable && (o.thresholds || o.threshold_scale || o.keep_rate || o.keep_rates))
    throw Error("running dense (pruning off) leaves nothing for thresholds, a threshold scale or keep rates to do: "
                "drop them");
  if ((o.keep_rate || o.keep_rates) && o.threshold_scale)
    throw Error("a keep rate (topk) and a threshold scale exclude each other: give one");
  if (o.keep_rate && o.keep_rates)
    throw Error("a keep rate (the topk cascade) and per-layer keep rates exclude each other: give one");
  if (o.thresholds && (o.keep_rate || o.keep_rates))
    throw Error("thresholds and a keep rate (topk) exclude each other: give one");
  if (o.keep_rates && o.keep_rates->empty()) throw Error("keep_rates is empty: give one rate per layer");
  if (o.disable) {
    config.mode = PruneMode::None;
    return config;
  }
  if (o.thresholds) {
    config.thresholds = *o.thresholds;
    if (config.mode == PruneMode::None || config.mode == PruneMode::TopK) config.mode = PruneMode::AbsoluteThreshold;
  }
  if (o.threshold_scale) {
    const float s = *o.threshold_scale;
    if (std::isnan(s) || s < 0) throw Error("--threshold-scale must be a number >= 0, got " + std::to_string(s));
    if (config.thresholds.empty())
      throw Error("--threshold-scale needs thresholds (from config.json or --thresholds)");
    for (float& t : config.thresholds) t *= s;
  }
  if (o.keep_rate) {
    config.keep_rate = *o.keep_rate;
    config.keep_rates.clear();
    config.mode = PruneMode::TopK;
  }
  if (o.keep_rates) {
    config.keep_rates = *o.keep_rates;
    config.keep_rate.reset();
    config.mode = PruneMode::TopK;
  }
  validate_pruning(config, num_layers, "pruning options");
  return config;
}

std::vector<float> rising_thresholds(float final_token_threshold, int num_layers) {
  std::vector<float> t(static_cast<size_t>(num_layers));
  for (int l = 0; l < num_layers; ++l) t[static_cast<size_t>(l)] = final_token_threshold * l / num_layers;
  return t;
}

double topk_layer_keep_rate(double keep_rate, int layer, int num_layers) {
  const int unpruned = std::max(3, static_cast<int>(std::ceil(0.15 * num_layers)));
  if (layer < unpruned) return 1.0;
  const double slope = (keep_rate - 1.0) / (num_layers - unpruned);
  return std::max(0.01, slope * (layer - unpruned + 1) + 1.0);
}

namespace {

// topk's keep rate of every layer: keep_rates as given, else keep_rate's cascade.
std::vector<double> topk_keep_rates(const PruningConfig& config, int num_layers) {
  if (!config.keep_rates.empty()) return {config.keep_rates.begin(), config.keep_rates.end()};
  std::vector<double> rates(static_cast<size_t>(num_layers));
  for (int l = 0; l < num_layers; ++l) rates[static_cast<size_t>(l)] = topk_layer_keep_rate(*config.keep_rate, l, num_layers);
  return rates;
}

}  // namespace

TokenPruner::TokenPruner(PruningConfig config, int num_layers, int num_heads)
    : config_(std::move(config)), num_layers_(num_layers), num_heads_(num_heads) {
  validate_pruning(config_, num_layers_, "pruning configuration");
  if (config_.mode == PruneMode::TopK) topk_rates_ = topk_keep_rates(config_, num_layers_);
}

bool TokenPruner::prunes_at(int layer) const {
  switch (config_.mode) {
    case PruneMode::None: return false;
    case PruneMode::TopK: return topk_rates_[static_cast<size_t>(layer)] != 1.0;
    default: return config_.thresholds[static_cast<size_t>(layer)] != 0.0f;  // the reference skips θ = 0
  }
}

void TokenPruner::select(int layer, const float* scores, int n, int original_length, std::vector<int>& kept) const {
  kept.clear();
  if (!prunes_at(layer) || n <= 1) {
    for (int j = 0; j < n; ++j) kept.push_back(j);
    return;
  }
  const float theta = config_.mode == PruneMode::TopK ? 0.0f : config_.thresholds[static_cast<size_t>(layer)];
  switch (config_.mode) {
    case PruneMode::AbsoluteThreshold: {
      const int norm = config_.score_norm_length.value_or(n);
      const float denominator = static_cast<float>(num_heads_) * static_cast<float>(norm);
      const float cut = std::max(1e-5f, theta);
      for (int j = 0; j < n; ++j)
        if (j == 0 || !(scores[j] / denominator < cut)) kept.push_back(j);
      return;
    }
    case PruneMode::Threshold:
    case PruneMode::RisingThreshold: {
      const float max_score = *std::max_element(scores, scores + n);
      for (int j = 0; j < n; ++j)
        if (j == 0 || !(scores[j] / max_score < theta)) kept.push_back(j);
      return;
    }
    case PruneMode::TopK: {
      const double rate = topk_rates_[static_cast<size_t>(layer)];
      // torch.round(lengths * rate) in float32, ties to even.
      const float product = static_cast<float>(original_length) * static_cast<float>(rate);
      const int k = static_cast<int>(std::nearbyint(product));
      if (k >= n) {
        for (int j = 0; j < n; ++j) kept.push_back(j);
        return;
      }
      // The k first in this order: higher score first, equal scores keep the
      // earlier token, NaN after every number (a strict total order, so that
      // nth_element, linear on average, picks what a stable sort would).
      const auto rank = [&](int j) { return std::isnan(scores[j]) ? -INFINITY : scores[j]; };
      const auto before = [&](int a, int b) { return rank(a) > rank(b) || (rank(a) == rank(b) && a < b); };
      kept.resize(static_cast<size_t>(n));
      std::iota(kept.begin(), kept.end(), 0);
      const auto end = kept.begin() + std::max(k, 0);
      std::nth_element(kept.begin(), end, kept.end(), before);
      kept.erase(end, kept.end());
      if (std::find(kept.begin(), kept.end(), 0) == kept.end()) kept.push_back(0);
      std::sort(kept.begin(), kept.end());
      return;
    }
    case PruneMode::None: break;
  }
}

}  // namespace ltp
