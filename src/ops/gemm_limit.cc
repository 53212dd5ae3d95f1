#include "ltp/diagnostics.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "ops/linear.h"
#include "ops/memory.h"

namespace ltp {

namespace {

Tensor random_tensor(std::vector<int64_t> shape, std::mt19937& rng) {
  Tensor t(std::move(shape));
  std::normal_distribution<float> normal(0.0f, 0.02f);
  for (int64_t i = 0; i < t.size(); ++i) t.data()[i] = normal(rng);
  return t;
}

}  // namespace

double measure_gemm_limit(const ModelConfig& c, int64_t m, Device device, Precision precision, int repeat) {
  const int64_t h = c.hidden_size, i = c.intermediate_size;
  std::mt19937 rng(3);
  const std::vector<std::pair<int64_t, int64_t>> shapes = {{3 * h, h}, {h, h}, {i, h}, {h, i}};  // (out, in)
  std::vector<ops::Linear> layers;
  for (const auto& [out, in] : shapes)
    layers.emplace_back(random_tensor({out, in}, rng), random_tensor({out}, rng), device, precision);
  const Tensor x = random_tensor({m, std::max(h, i)}, rng).to(device);
  Tensor y({m, 3 * std::max(h, i)}, device);
  double flops = 0;
  for (const auto& [out, in] : shapes) flops += 2.0 * static_cast<double>(m * out * in);
  std::vector<double> seconds;
  for (int r = 0; r <= repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& layer : layers) layer.forward(x.data(), m, y.data(), ops::Epilogue::None);
    ops::synchronize(device);
    if (r > 0) seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return flops / seconds[seconds.size() / 2] / 1e9;
}

}  // namespace ltp
