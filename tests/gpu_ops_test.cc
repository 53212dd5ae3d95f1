// Each op on CUDA against the same op on the CPU (itself tested against plain
// double-precision loops in ops_test.cc). Tolerances: fp32 GEMMs and attention
// differ only in summation order, ~sqrt(K)·eps relative, so 1e-4; tf32 rounds
// each GEMM input to 10 mantissa bits (2^-11 relative, ~3e-4 over these dot
// products), so 5e-3; fp16/bf16 inputs carry 2^-11 / 2^-8 each, so 2e-2.
#include <doctest/doctest.h>

#include "gpu_support.h"
#include "ops/attention_scores.h"
#include "ops/device_array.h"
#include "ops/layer_norm.h"
#include "ops/linear.h"
#include "ops/rows.h"
#include "test_support.h"

namespace ltp {
namespace {

using test::on_device;
using test::on_host;
using test::random_values;
constexpr Device kGpu = Device::CUDA;

TEST_CASE("gpu: linear matches the CPU for every epilogue, in fp32, tf32, fp16 and bf16") {
  const int64_t k = 96, n = 40;
  Tensor weight({n, k}), bias({n});
  const auto w = random_values(static_cast<size_t>(n * k), 1, 0.1f), b = random_values(static_cast<size_t>(n), 2);
  std::copy(w.begin(), w.end(), weight.data());
  std::copy(b.begin(), b.end(), bias.data());
  const ops::Linear cpu(weight, bias, Device::CPU);
  for (const Precision precision : {Precision::FP32, Precision::TF32, Precision::FP16, Precision::BF16}) {
    const ops::Linear gpu(weight, bias, kGpu, precision);
    const double tolerance = precision == Precision::FP32   ? 1e-4
                             : precision == Precision::TF32 ? 5e-3
                                                            : 2e-2;
    for (const int64_t m : {1, 7, 128, 300}) {
      const auto x = random_values(static_cast<size_t>(m * k), 3 + static_cast<unsigned>(m));
      const auto residual = random_values(static_cast<size_t>(m * n), 99);
      for (const auto epilogue : {ops::Epilogue::None, ops::Epilogue::Gelu, ops::Epilogue::Tanh, ops::Epilogue::AddToOutput}) {
        std::vector<float> expected = residual;
        cpu.forward(x.data(), m, expected.data(), epilogue);
        const Tensor x_gpu = on_device(x, kGpu);
        Tensor y_gpu = on_device(residual, kGpu);
        gpu.forward(x_gpu.data(), m, y_gpu.data(), epilogue);
        test::check_close(on_host(y_gpu), expected, tolerance, tolerance,
                          std::string("linear ") + precision_name(precision) + " m=" + std::to_string(m));
      }
    }
  }
}

TEST_CASE("gpu: layer_norm matches the CPU") {
  const int64_t rows = 9, width = 768;
  auto x = random_values(static_cast<size_t>(rows * width), 5, 3.0f);
  for (float& v : x) v += 10.0f;  // a large mean tests the two-pass variance
  const auto gamma = random_values(static_cast<size_t>(width), 6), beta = random_values(static_cast<size_t>(width), 7);
  std::vector<float> expected = x;
  ops::layer_norm(Device::CPU, expected.data(), rows, {gamma.data(), beta.data(), width, 1e-12f});
  Tensor y = on_device(x, kGpu);
  const Tensor g = on_device(gamma, kGpu), bt = on_device(beta, kGpu);
  ops::layer_norm(kGpu, y.data(), rows, {g.data(), bt.data(), width, 1e-12f});
  test::check_close(on_host(y), expected, 1e-4, 1e-4, "layer_norm");
}

TEST_CASE("gpu: embedding sum, row gather and row sums equal the CPU exactly") {
  const int64_t width = 48, vocab = 20;
  const auto word = random_values(static_cast<size_t>(vocab * width), 1), position = random_values(static_cast<size_t>(8 * width), 2),
             type = random_values(static_cast<size_t>(2 * width), 3);
  const std::vector<int32_t> ids = {3, 19, 0, 7, 7}, positions = {0, 1, 2, 3, 7}, type_ids = {0, 0, 1, 1, 0};
  std::vector<float> expected(static_cast<size_t>(5 * width));
  ops::embedding_sum(Device::CPU, {word.data(), position.data(), type.data(), ids.data(), positions.data(),
                                   type_ids.data(), 5, width, expected.data()});
  const Tensor word_gpu = on_device(word, kGpu), position_gpu = on_device(position, kGpu), type_gpu = on_device(type, kGpu);
  ops::DeviceArray<int32_t> ids_gpu(kGpu), positions_gpu(kGpu), types_gpu(kGpu);
  Tensor out({5 * width}, kGpu);
  ops::embedding_sum(kGpu, {word_gpu.data(), position_gpu.data(), type_gpu.data(), ids_gpu.upload(ids),
                            positions_gpu.upload(positions), types_gpu.upload(type_ids), 5, width, out.data()});
  CHECK(on_host(out) == expected);

  const std::vector<int64_t> keep = {0, 2, 3}, boundaries = {0, 2, 2, 3};
  ops::DeviceArray<int64_t> keep_gpu(kGpu), boundaries_gpu(kGpu);
  std::vector<float> gathered(static_cast<size_t>(3 * width));
  ops::gather_rows(Device::CPU, {expected.data(), keep.data(), 3, width, gathered.data()});
  Tensor gathered_gpu({3 * width}, kGpu);
  ops::gather_rows(kGpu, {out.data(), keep_gpu.upload(keep), 3, width, gathered_gpu.data()});
  CHECK(on_host(gathered_gpu) == gathered);

  auto sums = random_values(static_cast<size_t>(3 * width), 4);
  Tensor sums_gpu = on_device(sums, kGpu);
  ops::add_row_sums(Device::CPU, {expected.data(), keep.data(), boundaries.data(), 3, width, sums.data()});
  ops::add_row_sums(kGpu, {out.data(), keep_gpu.upload(keep), boundaries_gpu.upload(boundaries), 3, width, sums_gpu.data()});
  CHECK(on_host(sums_gpu) == sums);
}

// Attention over the ragged batch `offsets` on both devices: context and scores
// within 1e-4, and the context without scores exactly the one with them.
void check_attention(const std::vector<int64_t>& offsets, int64_t heads, int64_t d, const std::string& what) {
  const int64_t hidden = heads * d, total = offsets.back(), seqs = static_cast<int64_t>(offsets.size()) - 1;
  int64_t longest = 0;
  for (int64_t s = 0; s < seqs; ++s) longest = std::max(longest, offsets[s + 1] - offsets[s]);
  const auto args = [&](const float* qkv, const int64_t* offsets_on_device, float* ctx, float* scores) {
    return ops::AttentionArgs{.qkv = qkv, .offsets = offsets_on_device, .num_seqs = seqs, .tokens = total,
                              .max_length = longest, .num_heads = heads, .head_dim = d, .ctx = ctx, .scores = scores};
  };
  const auto qkv = random_values(static_cast<size_t>(total * 3 * hidden), 8 + static_cast<unsigned>(d), 1.5f);
  std::vector<float> ctx(static_cast<size_t>(total * hidden)), scores(static_cast<size_t>(total));
  ops::attention(Device::CPU, args(qkv.data(), offsets.data(), ctx.data(), scores.data()));

  const Tensor qkv_gpu = on_device(qkv, kGpu);
  Tensor ctx_gpu({total * hidden}, kGpu), scores_gpu({total}, kGpu), ctx_only({total * hidden}, kGpu);
  ops::DeviceArray<int64_t> offsets_gpu(kGpu);
  const int64_t* offsets_on_device = offsets_gpu.upload(offsets);
  ops::attention(kGpu, args(qkv_gpu.data(), offsets_on_device, ctx_gpu.data(), scores_gpu.data()));
  test::check_close(on_host(ctx_gpu), ctx, 1e-4, 1e-4, what + " context");
  test::check_close(on_host(scores_gpu), scores, 1e-4, 1e-4, what + " scores");
  ops::attention(kGpu, args(qkv_gpu.data(), offsets_on_device, ctx_only.data(), nullptr));
  CHECK(on_host(ctx_only) == on_host(ctx_gpu));
}

TEST_CASE("gpu: attention and importance scores match the CPU over ragged batches") {
  // Head sizes of MiniLM (32), BERT (64) and the largest supported (128); one
  // sequence of 512 needs the most shared memory. Lengths 1, 5, 17, 33, 130,
  // 512; 6 sequences × 4 heads: 8 query groups per pair on the pinned
  // multiprocessor count (2 chunks of 32 queries each).
  for (const int64_t d : {8, 32, 64, 128})
    check_attention({0, 1, 6, 23, 56, 186, 698}, 4, d, "head dim " + std::to_string(d));
}

TEST_CASE("gpu: attention in one query group (70 sequences × 4 heads) matches the CPU") {
  // From 2 × multiprocessors (sequence, head) pairs up, each pair is one block
  // that walks all its queries: the grid of BERT batches from 32 sequences up.
  // Ragged lengths 1..64 keep compute-sanitizer's racecheck (check.sh) short.
  const int64_t sequences = 70, heads = 4;
  static_assert(sequences * heads >= 2 * test::kPinnedMultiprocessors);
  std::vector<int64_t> offsets = {0};
  for (int64_t s = 0; s < sequences; ++s) offsets.push_back(offsets.back() + 1 + (s * 37) % 64);
  check_attention(offsets, heads, 64, "one query group");
}

}  // namespace
}  // namespace ltp
