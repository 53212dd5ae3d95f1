#include "measure.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace ltp::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Samples {
  std::vector<double> pass_seconds;
  std::vector<double> call_ms;
  std::vector<SequenceOutput> outputs;  // of the last pass
};

void one_pass(Encoder& encoder, const std::vector<Encoding>& inputs, int batch_size, Samples& s, bool record) {
  std::vector<SequenceOutput> outputs;
  const auto start = Clock::now();
  for (size_t i = 0; i < inputs.size(); i += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(inputs.size(), i + static_cast<size_t>(batch_size));
    const auto call = Clock::now();
    auto out = encoder.run(std::span(inputs.data() + i, end - i));
    if (record) s.call_ms.push_back(1e3 * seconds_since(call));
    for (auto& o : out) outputs.push_back(std::move(o));
  }
  if (!record) return;
  s.pass_seconds.push_back(seconds_since(start));
  s.outputs = std::move(outputs);
}

// plan's passes through a stage-timing encoder: its stage times over the timed ones.
StageTimes stage_times_of(Encoder& timer, const std::vector<Encoding>& inputs, const RunPlan& plan) {
  Samples unused;
  for (int w = 0; w < plan.warmup; ++w) one_pass(timer, inputs, plan.batch_size, unused, false);
  const StageTimes before = timer.stage_times();
  for (int r = 0; r < plan.repeat; ++r) one_pass(timer, inputs, plan.batch_size, unused, false);
  return timer.stage_times() - before;
}

}  // namespace

Spread spread_of(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return {median, v.front(), v.back()};
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos)), hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

std::vector<ModeResult> measure(const std::vector<Mode>& modes, const std::vector<Encoding>& inputs,
                                const RunPlan& plan) {
  std::vector<Samples> samples(modes.size());
  for (int w = 0; w < plan.warmup; ++w)
    for (size_t m = 0; m < modes.size(); ++m) one_pass(*modes[m].encoder, inputs, plan.batch_size, samples[m], false);
  for (int r = 0; r < plan.repeat; ++r)
    for (size_t k = 0; k < modes.size(); ++k) {
      const size_t m = r % 2 ? modes.size() - 1 - k : k;  // alternate the order: no mode always runs warm
      one_pass(*modes[m].encoder, inputs, plan.batch_size, samples[m], true);
    }

  int64_t tokens = 0;
  for (const auto& e : inputs) tokens += static_cast<int64_t>(e.ids.size());
  std::vector<ModeResult> results;
  for (size_t m = 0; m < modes.size(); ++m) {
    const Samples& s = samples[m];
    ModeResult r;
    r.mode = modes[m].name;
    std::vector<double> seq_rate, token_rate;
    for (double t : s.pass_seconds) {
      seq_rate.push_back(static_cast<double>(inputs.size()) / t);
      token_rate.push_back(static_cast<double>(tokens) / t);
    }
    r.seq_per_s = spread_of(seq_rate);
    r.tokens_per_s = spread_of(token_rate);
    r.latency_p50_ms = percentile(s.call_ms, 0.50);
    r.latency_p90_ms = percentile(s.call_ms, 0.90);
    r.latency_p99_ms = percentile(s.call_ms, 0.99);
    double flops = 0, dense = 0;
    r.tokens_kept_per_layer.assign(s.outputs.empty() ? 0 : s.outputs[0].tokens_kept.size(), 0.0);
    for (const auto& o : s.outputs) {
      flops += static_cast<double>(o.flops);
      dense += static_cast<double>(o.flops_dense);
      for (size_t l = 0; l < o.tokens_kept.size(); ++l) r.tokens_kept_per_layer[l] += o.tokens_kept[l];
    }
    const double n = static_cast<double>(std::max<size_t>(1, s.outputs.size()));
    for (double& k : r.tokens_kept_per_layer) k /= n;
    r.flops_per_seq = flops / n;
    r.flops_dense_per_seq = dense / n;
    r.gflops_per_s = r.flops_per_seq * r.seq_per_s.median / 1e9;
    if (modes[m].stage_timer) r.stages = stage_times_of(*modes[m].stage_timer, inputs, plan);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace ltp::bench
