// Whole models on CUDA against the CPU path. fp32: logits and hidden states
// within 1e-3 (absolute, plus 1e-3 relative: check_close) and the same tokens
// kept at every layer (the bar; the ops alone agree to 1e-4). Rounded
// GEMM inputs, against the fp32 CPU run: fp16/bf16 within 2e-2; tf32 (fp16's
// rounding, ~8x finer than bf16's) within 1e-2. The tiny models' logits are
// ~0.01, so dense runs also compare every hidden state (|x| ~ 1 after
// LayerNorm; bf16 on the CPU moves them by ~5e-4, precision_test.cc).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <random>
#include <thread>

#include "ltp/encoder.h"
#include "ltp/model.h"
#include "model/weights.h"
#include "ops/attention_scores.h"
#include "test_support.h"

namespace ltp {
namespace {

using test::golden_case;

double reduced_precision_tolerance(Precision precision) { return precision == Precision::TF32 ? 1e-2 : 2e-2; }

// Top-k pruning (the SpAtten cascade) down to `keep_rate`.
PruningConfig top_k(float keep_rate) {
  PruningConfig pruning;
  pruning.mode = PruneMode::TopK;
  pruning.keep_rate = keep_rate;
  return pruning;
}

// [CLS] (101) then random word-piece ids.
Encoding random_input(int length, std::mt19937& rng) {
  std::uniform_int_distribution<int32_t> token(1000, 30000);
  Encoding e;
  for (int i = 0; i < length; ++i) e.ids.push_back(i == 0 ? 101 : token(rng));
  e.type_ids.assign(static_cast<size_t>(length), 0);
  return e;
}

// Runs `inputs` as one batch on both models and compares every output; returns
// the largest hidden-state difference (0 unless same_tokens).
double compare(const Model& cpu, const Model& gpu, const EncoderOptions& options, const std::vector<Encoding>& inputs,
               double tolerance, bool same_tokens, const std::string& what) {
  EncoderOptions with_states = options;
  with_states.keep_hidden_states = true;
  const auto expected = Encoder(cpu, with_states).run(inputs);
  const auto got = Encoder(gpu, with_states).run(inputs);
  double worst = 0.0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string where = what + " input " + std::to_string(i);
    test::check_close(got[i].values, expected[i].values, tolerance, tolerance, where);
    if (!same_tokens) continue;
    CHECK_MESSAGE(got[i].tokens_kept == expected[i].tokens_kept, where);
    CHECK_MESSAGE(got[i].positions == expected[i].positions, where);
    CHECK(got[i].flops == expected[i].flops);
    worst = std::max(worst, test::check_close(got[i].hidden_states, expected[i].hidden_states, tolerance, tolerance,
                                              where + " states"));
  }
  return worst;
}

TEST_CASE("gpu: every pruning mode keeps the CPU's tokens and logits, fp32") {
  for (const std::string name : {"tiny-bert", "tiny-roberta", "tiny-mpnet"}) {
    const auto golden = test::load_golden(name);
    const auto cpu = Model::load(test::model_dir(name));
    const auto gpu = Model::load(test::model_dir(name), Device::CUDA);
    for (const auto& c : golden["pruning"]) {
      std::vector<Encoding> inputs;
      for (const auto& r : c["inputs"]) inputs.push_back(test::golden_input(r));
      compare(*cpu, *gpu, {golden_case(c), Pooling::Cls}, inputs, 1e-3, true, name + " " + c["mode"].get<std::string>());
      compare(*cpu, *gpu, {}, inputs, 1e-3, true, name + " dense");
    }
  }
}

TEST_CASE("gpu: fp16, bf16 and tf32 logits and hidden states stay within their bounds of fp32") {
  for (const std::string name : {"tiny-bert", "tiny-roberta", "tiny-mpnet"}) {
    const auto golden = test::load_golden(name);
    const auto cpu = Model::load(test::model_dir(name));
    std::vector<Encoding> inputs;
    for (const auto& r : golden["pruning"][0]["inputs"]) inputs.push_back(test::golden_input(r));
    for (const Precision precision : {Precision::FP16, Precision::BF16, Precision::TF32}) {
      const auto gpu = Model::load(test::model_dir(name), Device::CUDA, precision);
      const std::string what = name + " " + precision_name(precision);
      // Dense: every token is kept at every precision, so the hidden states compare too.
      const double worst = compare(*cpu, *gpu, {}, inputs, reduced_precision_tolerance(precision), true, what);
      MESSAGE(what << ": largest hidden-state difference from fp32 " << worst);
    }
  }
}

TEST_CASE("gpu: fp16, bf16 and tf32 with pruning keep about the tokens fp32 keeps") {
  // Rounded GEMM inputs move scores near a threshold or the top-k cut across it,
  // and a changed survivor changes the next layers' scores: at every layer each
  // input keeps within max(4, 25%) of the fp32 CPU count (bf16 on the CPU, with
  // the same roundings, keeps at most 3 more or fewer on these inputs). Inputs
  // that kept exactly fp32's tokens have their logits within the dense bounds.
  for (const std::string name : {"tiny-bert", "tiny-roberta"}) {
    const auto golden = test::load_golden(name);
    const auto cpu = Model::load(test::model_dir(name));
    for (const Precision precision : {Precision::FP16, Precision::BF16, Precision::TF32}) {
      const auto gpu = Model::load(test::model_dir(name), Device::CUDA, precision);
      for (const auto& c : golden["pruning"]) {
        std::vector<Encoding> inputs;
        for (const auto& r : c["inputs"]) inputs.push_back(test::golden_input(r));
        const EncoderOptions options{.pruning = golden_case(c), .keep_hidden_states = true};
        const auto expected = Encoder(*cpu, options).run(inputs);
        const auto got = Encoder(*gpu, options).run(inputs);
        const std::string what = name + " " + precision_name(precision) + " " + c["mode"].get<std::string>();
        for (size_t i = 0; i < inputs.size(); ++i) {
          const std::string where = what + " input " + std::to_string(i);
          for (size_t l = 0; l < expected[i].tokens_kept.size(); ++l) {
            const int fp32 = expected[i].tokens_kept[l];
            CHECK_MESSAGE(std::abs(got[i].tokens_kept[l] - fp32) <= std::max(4, fp32 / 4),
                          where << " layer " << l << ": " << got[i].tokens_kept[l] << " kept, fp32 " << fp32);
          }
          if (got[i].positions == expected[i].positions)
            test::check_close(got[i].values, expected[i].values, reduced_precision_tolerance(precision),
                              reduced_precision_tolerance(precision), where);
        }
      }
    }
  }
}

TEST_CASE("gpu: one encoder reused across growing and shrinking batches") {
  // Buffers and the thread's scratch grow at each new high-water mark and are
  // then reused by smaller batches; 70 and 100 sequences × 4 heads run
  // attention in one query group. Dense runs against the CPU; pruned runs
  // against a fresh encoder per batch, which must keep the same tokens and give
  // the same logits (nothing leaks from one run into the next).
  const auto cpu = Model::load(test::model_dir("tiny-bert"));
  const auto gpu = Model::load(test::model_dir("tiny-bert"), Device::CUDA);
  const EncoderOptions pruned{.pruning = top_k(0.5f), .keep_hidden_states = true};
  Encoder cpu_dense(*cpu, {}), gpu_dense(*gpu, {}), gpu_pruned(*gpu, pruned);
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> length(1, cpu->config().max_position_embeddings);
  for (const size_t batch : {1, 7, 70, 3, 100, 20}) {
    std::vector<Encoding> inputs;
    for (size_t i = 0; i < batch; ++i) inputs.push_back(random_input(length(rng), rng));
    const auto expected = cpu_dense.run(inputs), got = gpu_dense.run(inputs);
    const auto fresh = Encoder(*gpu, pruned).run(inputs), reused = gpu_pruned.run(inputs);
    for (size_t i = 0; i < batch; ++i) {
      const std::string where = "batch of " + std::to_string(batch) + ", input " + std::to_string(i);
      test::check_close(got[i].values, expected[i].values, 1e-3, 1e-3, where + " dense");
      CHECK_MESSAGE(reused[i].positions == fresh[i].positions, where);
      test::check_close(reused[i].values, fresh[i].values, 1e-6, 1e-6, where + " pruned");
    }
  }
}

TEST_CASE("gpu: encoders on two threads over one model give the single-threaded results") {
  // The threads share the stream; each one's scratch (fp16 GEMM inputs,
  // partial scores) must stay its own while the other's kernels are queued
  // between. Every batch runs as it did alone, so the results must be the same
  // to the last bits (1e-6: the kernels and cuBLAS are deterministic for one shape).
  for (const Precision precision : {Precision::FP32, Precision::FP16}) {
    const auto gpu = Model::load(test::model_dir("tiny-bert"), Device::CUDA, precision);
    const EncoderOptions pruned{.pruning = top_k(0.5f)};
    std::mt19937 rng(9);
    std::uniform_int_distribution<int> length(1, 128);
    std::vector<std::vector<Encoding>> batches;
    for (const size_t size : {5, 40, 17, 64}) {
      batches.emplace_back();
      for (size_t i = 0; i < size; ++i) batches.back().push_back(random_input(length(rng), rng));
    }
    std::vector<std::vector<SequenceOutput>> alone;
    for (const auto& batch : batches) alone.push_back(Encoder(*gpu, pruned).run(batch));
    constexpr int kThreads = 2, kRounds = 3;
    std::vector<std::vector<std::vector<SequenceOutput>>> got(kThreads);
    std::vector<std::exception_ptr> failures(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        try {
          Encoder encoder(*gpu, pruned);
          for (int r = 0; r < kRounds; ++r)
            for (size_t b = 0; b < batches.size(); ++b)  // the threads run different batches at once
              got[static_cast<size_t>(t)].push_back(encoder.run(batches[(b + static_cast<size_t>(t)) % batches.size()]));
        } catch (...) {
          failures[static_cast<size_t>(t)] = std::current_exception();
        }
      });
    for (auto& thread : threads) thread.join();
    for (const auto& failure : failures)
      if (failure) std::rethrow_exception(failure);
    for (int t = 0; t < kThreads; ++t)
      for (size_t k = 0; k < got[static_cast<size_t>(t)].size(); ++k) {
        const size_t which = (k % batches.size() + static_cast<size_t>(t)) % batches.size();
        for (size_t i = 0; i < batches[which].size(); ++i) {
          const std::string where = std::string(precision_name(precision)) + " thread " + std::to_string(t) +
                                    " run " + std::to_string(k) + " input " + std::to_string(i);
          const SequenceOutput& result = got[static_cast<size_t>(t)][k][i];
          CHECK_MESSAGE(result.positions == alone[which][i].positions, where);
          test::check_close(result.values, alone[which][i].values, 1e-6, 1e-6, where);
        }
      }
  }
}

TEST_CASE("gpu: stage times from CUDA events time every stage, within the run, and change no result") {
  const auto gpu = Model::load(test::model_dir("tiny-mpnet"), Device::CUDA);
  std::mt19937 rng(3);
  std::vector<Encoding> inputs;
  for (const int length : {1, 9, 64, 150}) inputs.push_back(random_input(length, rng));
  for (auto& e : inputs)
    for (auto& id : e.ids) id %= static_cast<int32_t>(gpu->config().vocab_size);  // tiny-mpnet's vocabulary
  EncoderOptions options{.pruning = top_k(0.5f)};
  const auto untimed = Encoder(*gpu, options).run(inputs);
  options.time_stages = true;
  Encoder timed(*gpu, options);
  const auto start = std::chrono::steady_clock::now();
  const auto got = timed.run(inputs);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < inputs.size(); ++i) {
    CHECK(got[i].values == untimed[i].values);
    CHECK(got[i].positions == untimed[i].positions);
  }
  test::check_stages_tile(timed.stage_times(), 1, wall, "tiny-mpnet on CUDA");
}

TEST_CASE("gpu: mean pooling adds pruned tokens as the CPU does") {
  const auto golden = test::load_golden("tiny-bert-embed");
  const auto cpu = Model::load(test::model_dir("tiny-bert-embed"));
  const auto gpu = Model::load(test::model_dir("tiny-bert-embed"), Device::CUDA);
  std::vector<Encoding> inputs;
  for (const auto& r : golden["dense"]) inputs.push_back(test::golden_input(r));
  for (const bool every_token : {true, false}) {
    const EncoderOptions options{.pruning = top_k(0.3f),
                                 .pooling = Pooling::Mean,
                                 .normalize = true,
                                 .pool_pruned_tokens = every_token};
    compare(*cpu, *gpu, options, inputs, 1e-3, true, every_token ? "mean over all" : "mean over survivors");
  }
}

// How far layer 3's top-k cut is from a tie for `input`: (lowest kept score −
// highest pruned score) / lowest kept score, the always-kept first token aside;
// infinity when nothing is pruned. Layers 0-2 of a 4-layer cascade keep every
// token, so layer 3 sees the states that `first_three` (the same seeded
// weights, three layers) ends with; `model` on the CPU says which tokens it kept.
double top_k_cut_gap(const Model& first_three, const Model& model, const EncoderOptions& options,
                     const Encoding& input) {
  EncoderOptions with_states = options;
  with_states.keep_hidden_states = true;
  const std::vector<int> kept = Encoder(model, with_states).run({&input, 1})[0].positions;
  const EncoderOptions dense_states{.pruning = {}, .keep_hidden_states = true};
  const std::vector<float> states = Encoder(first_three, dense_states).run({&input, 1})[0].hidden_states;
  const int64_t n = static_cast<int64_t>(input.ids.size()), h = model.config().hidden_size,
                heads = model.config().num_heads;
  std::vector<float> qkv(static_cast<size_t>(n * 3 * h)), context(static_cast<size_t>(n * h)),
      scores(static_cast<size_t>(n));
  weights_of(model).layers[3].qkv.forward(states.data(), n, qkv.data(), ops::Epilogue::None);
  const std::vector<int64_t> offsets = {0, n};
  ops::attention(Device::CPU, {.qkv = qkv.data(), .offsets = offsets.data(), .num_seqs = 1, .tokens = n,
                               .max_length = n, .num_heads = heads, .head_dim = h / heads, .ctx = context.data(),
                               .scores = scores.data()});
  float lowest_kept = std::numeric_limits<float>::infinity(), highest_pruned = -lowest_kept;
  for (int j = 1; j < n; ++j) {
    const float score = scores[static_cast<size_t>(j)];
    if (std::binary_search(kept.begin(), kept.end(), j))
      lowest_kept = std::min(lowest_kept, score);
    else
      highest_pruned = std::max(highest_pruned, score);
  }
  if (highest_pruned == -std::numeric_limits<float>::infinity()) return std::numeric_limits<double>::infinity();
  return (lowest_kept - highest_pruned) / lowest_kept;
}

TEST_CASE("gpu: a BERT-base shape with random weights, ragged batch up to 512 tokens") {
  // Four of BERT-base's twelve layers keep the CPU side short.
  const ModelConfig c = test::bert_classifier_config(4, 768, 12, 3072);
  const auto cpu = Model::random(c, 7);
  const auto gpu = Model::random(c, 7, Device::CUDA);
  ModelConfig three = c;
  three.num_layers = 3;
  const auto first_three = Model::random(three, 7);
  const EncoderOptions topk{.pruning = top_k(0.5f)};
  const TokenPruner cascade(topk.pruning, c.num_layers, c.num_heads);
  REQUIRE((!cascade.prunes_at(0) && !cascade.prunes_at(1) && !cascade.prunes_at(2) && cascade.prunes_at(3)));

  // Random weights leave top-k cuts close to ties (on the CPU: 2.4-4.1e-4
  // relative for the inputs kept here, 6.8e-5 for the first 300-token draw),
  // where the CPU's and the GPU's summation orders could tip the cut either way:
  // each length's input is drawn again until its cut is at least 1e-4 from one.
  std::mt19937 rng(11);
  std::vector<Encoding> inputs;
  for (const int length : {1, 7, 128, 300, 512}) {
    for (int draw = 0;; ++draw) {
      REQUIRE_MESSAGE(draw < 8, "no input of " << length << " tokens with a top-k cut clear of ties");
      Encoding e = random_input(length, rng);
      const double gap = top_k_cut_gap(*first_three, *cpu, topk, e);
      if (gap < 1e-4) continue;
      MESSAGE(length << " tokens: top-k cut " << gap << " (relative) from a tie, draw " << draw);
      inputs.push_back(std::move(e));
      break;
    }
  }
  compare(*cpu, *gpu, {}, inputs, 1e-3, true, "bert-base shape dense");
  compare(*cpu, *gpu, topk, inputs, 1e-3, true, "bert-base shape topk 0.5");
}

}  // namespace
}  // namespace ltp
