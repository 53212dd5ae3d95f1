// Each CPU op against a plain loop reference in double precision. Outputs are
// poisoned with NaN and followed by a guard region, so unwritten or
// out-of-bounds elements fail the test.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "tensor.h"
#include "ops/attention_scores.h"
#include "ops/layer_norm.h"
#include "ops/linear.h"
#include "ops/rows.h"
#include "test_support.h"

namespace ltp {
namespace {

using test::random_values;

constexpr float kGuard = 12345.0f;
constexpr int kGuardSize = 64;

// Output buffer of n values, NaN-poisoned, with a guard tail.
std::vector<float> poisoned(size_t n) {
  std::vector<float> v(n + kGuardSize, std::nanf(""));
  std::fill(v.end() - kGuardSize, v.end(), kGuard);
  return v;
}

void check_guard(const std::vector<float>& v) {
  for (size_t i = v.size() - kGuardSize; i < v.size(); ++i) REQUIRE(v[i] == kGuard);
}

TEST_CASE("ops: linear with every epilogue matches a double-precision loop") {
  // FP32 GEMM over K terms: rounding grows ~ sqrt(K)·eps·|x||w|; 1e-4 leaves a wide margin for K <= 256.
  const int64_t k = 96, n = 40;
  const auto w = random_values(static_cast<size_t>(n * k), 1, 0.1f);
  const auto b = random_values(static_cast<size_t>(n), 2);
  Tensor weight({n, k}), bias({n});
  std::copy(w.begin(), w.end(), weight.data());
  std::copy(b.begin(), b.end(), bias.data());
  const ops::Linear linear(weight, bias, Device::CPU);
  CHECK(linear.in_features() == k);
  CHECK(linear.out_features() == n);

  for (const int64_t m : {1, 7, 128, 300}) {
    const auto x = random_values(static_cast<size_t>(m * k), 3 + static_cast<unsigned>(m));
    for (const auto epilogue : {ops::Epilogue::None, ops::Epilogue::Gelu, ops::Epilogue::Tanh, ops::Epilogue::AddToOutput}) {
      auto y = poisoned(static_cast<size_t>(m * n));
      const auto residual = random_values(static_cast<size_t>(m * n), 99);
      if (epilogue == ops::Epilogue::AddToOutput) std::copy(residual.begin(), residual.end(), y.begin());
      linear.forward(x.data(), m, y.data(), epilogue);
      check_guard(y);
      std::vector<float> got(y.begin(), y.end() - kGuardSize), ref(got.size());
      for (int64_t r = 0; r < m; ++r)
        for (int64_t c = 0; c < n; ++c) {
          double acc = b[static_cast<size_t>(c)];
          for (int64_t i = 0; i < k; ++i) acc += double{x[static_cast<size_t>(r * k + i)]} * w[static_cast<size_t>(c * k + i)];
          if (epilogue == ops::Epilogue::Gelu) acc = 0.5 * acc * (1.0 + std::erf(acc / std::sqrt(2.0)));
          if (epilogue == ops::Epilogue::Tanh) acc = std::tanh(acc);
          if (epilogue == ops::Epilogue::AddToOutput) acc += residual[static_cast<size_t>(r * n + c)];
          ref[static_cast<size_t>(r * n + c)] = static_cast<float>(acc);
        }
      test::check_close(got, ref, 1e-4, 1e-4, "linear m=" + std::to_string(m));
    }
  }
}

TEST_CASE("ops: layer_norm matches a double-precision loop") {
  const int64_t rows = 5, width = 48;
  auto x = random_values(static_cast<size_t>(rows * width), 5, 3.0f);
  for (float& v : x) v += 10.0f;  // a large mean tests the two-pass variance
  const auto gamma = random_values(static_cast<size_t>(width), 6);
  const auto beta = random_values(static_cast<size_t>(width), 7);
  std::vector<float> ref(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < width; ++i) mean += x[static_cast<size_t>(r * width + i)];
    mean /= width;
    for (int64_t i = 0; i < width; ++i) var += std::pow(x[static_cast<size_t>(r * width + i)] - mean, 2);
    var /= width;
    for (int64_t i = 0; i < width; ++i) {
      const size_t j = static_cast<size_t>(r * width + i);
      ref[j] = static_cast<float>((x[j] - mean) / std::sqrt(var + 1e-12) * gamma[static_cast<size_t>(i)] + beta[static_cast<size_t>(i)]);
    }
  }
  auto y = x;
  y.resize(x.size() + kGuardSize, kGuard);
  ops::layer_norm(Device::CPU, y.data(), rows, {gamma.data(), beta.data(), width, 1e-12f});
  check_guard(y);
  test::check_close(std::vector<float>(y.begin(), y.end() - kGuardSize), ref, 1e-5, 1e-5, "layer_norm");
}

TEST_CASE("ops: attention over a ragged packed batch, with importance scores") {
  const int64_t heads = 3, d = 8, hidden = heads * d;
  const std::vector<int64_t> offsets = {0, 1, 6, 23};  // lengths 1, 5, 17
  const int64_t total = offsets.back();
  const auto qkv = random_values(static_cast<size_t>(total * 3 * hidden), 8, 1.5f);
  auto ctx = poisoned(static_cast<size_t>(total * hidden));
  auto scores = poisoned(static_cast<size_t>(total));
  ops::attention(Device::CPU, {qkv.data(), offsets.data(), 3, total, 17, heads, d, ctx.data(), scores.data()});
  check_guard(ctx);
  check_guard(scores);

  std::vector<float> ref_ctx(static_cast<size_t>(total * hidden), 0.0f), ref_scores(static_cast<size_t>(total), 0.0f);
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    const int64_t begin = offsets[s], n = offsets[s + 1] - begin;
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < n; ++i) {
        std::vector<double> logit(static_cast<size_t>(n));
        double max_logit = -1e300, sum = 0;
        for (int64_t j = 0; j < n; ++j) {
          double dot = 0;
          for (int64_t c = 0; c < d; ++c)
            dot += double{qkv[static_cast<size_t>((begin + i) * 3 * hidden + h * d + c)]} *
                   qkv[static_cast<size_t>((begin + j) * 3 * hidden + hidden + h * d + c)];
          logit[static_cast<size_t>(j)] = dot / std::sqrt(double(d));
          max_logit = std::max(max_logit, logit[static_cast<size_t>(j)]);
        }
        for (double& l : logit) sum += l = std::exp(l - max_logit);
        for (int64_t j = 0; j < n; ++j) {
          const double p = logit[static_cast<size_t>(j)] / sum;
          ref_scores[static_cast<size_t>(begin + j)] += static_cast<float>(p);
          for (int64_t c = 0; c < d; ++c)
            ref_ctx[static_cast<size_t>((begin + i) * hidden + h * d + c)] +=
                static_cast<float>(p * qkv[static_cast<size_t>((begin + j) * 3 * hidden + 2 * hidden + h * d + c)]);
        }
      }
  }
  test::check_close(std::vector<float>(ctx.begin(), ctx.end() - kGuardSize), ref_ctx, 1e-5, 1e-4, "context");
  test::check_close(std::vector<float>(scores.begin(), scores.end() - kGuardSize), ref_scores, 1e-5, 1e-5, "scores");
  // Each query row's probabilities sum to 1, so a sequence's scores sum to heads · n.
  CHECK(scores[0] == doctest::Approx(3.0));
}

TEST_CASE("ops: gather_rows copies the listed rows in order") {
  const std::vector<float> rows = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
  const std::vector<int64_t> keep = {0, 2, 3};
  auto out = poisoned(6);
  ops::gather_rows(Device::CPU, {rows.data(), keep.data(), 3, 2, out.data()});
  check_guard(out);
  CHECK(std::vector<float>(out.begin(), out.begin() + 6) == std::vector<float>{0, 0, 2, 2, 3, 3});
}

TEST_CASE("ops: add_row_sums adds each target's rows") {
  const std::vector<float> rows = {1, 10, 2, 20, 3, 30, 4, 40};
  const std::vector<int64_t> listed = {0, 3, 2}, boundaries = {0, 2, 2, 3};  // target 1 gets nothing
  std::vector<float> sums = {100, 100, 0, 0, 0, 0};
  ops::add_row_sums(Device::CPU, {rows.data(), listed.data(), boundaries.data(), 3, 2, sums.data()});
  CHECK(sums == std::vector<float>{105, 150, 0, 0, 3, 30});
}

TEST_CASE("ops: the CUDA device fails clearly where it cannot run") {
  const std::string why = device_unavailable_reason(Device::CUDA);
  if (why.empty()) return;  // a GPU is here: the gpu-labelled tests cover it
  Tensor weight({2, 2}), bias({2});
  CHECK_THROWS_WITH(ops::Linear(weight, bias, Device::CUDA), doctest::Contains(why.substr(0, 20).c_str()));
  CHECK_THROWS_WITH(Tensor({4}, Device::CUDA), doctest::Contains(why.substr(0, 20).c_str()));
}

}  // namespace
}  // namespace ltp
