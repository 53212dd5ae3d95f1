// Token pruning against the LTP masking reference (tools/reference/ltp_reference.py):
// kept counts per layer must match exactly, logits within 1e-4 (the dense
// tolerance; removal and masking differ only by rounding).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "ltp/encoder.h"
#include "ltp/error.h"
#include "ltp/flops.h"
#include "ltp/pruning.h"
#include "test_support.h"

namespace ltp {
namespace {

using test::golden_case;

std::string case_name(const nlohmann::json& c) {
  return c["mode"].get<std::string>() + (c["score_norm_length"].is_null() ? "" : " N=" + c["score_norm_length"].dump());
}

TEST_CASE("pruning: every mode matches the reference, alone and batched") {
  for (const std::string name : {"tiny-bert", "tiny-roberta", "tiny-mpnet"}) {
    const auto golden = test::load_golden(name);
    const auto model = Model::load(test::model_dir(name));
    for (const auto& c : golden["pruning"]) {
      Encoder encoder(*model, {golden_case(c), Pooling::Cls, false, true});
      std::vector<Encoding> inputs;
      for (const auto& r : c["inputs"]) inputs.push_back(test::golden_input(r));
      const auto batched = encoder.run(inputs);
      double worst = 0.0;
      int64_t kept_last = 0, total = 0, flops = 0, flops_dense = 0;
      for (size_t i = 0; i < inputs.size(); ++i) {
        const auto& r = c["inputs"][i];
        const std::string what = name + " " + case_name(c) + " input " + std::to_string(i);
        const auto alone = encoder.run(std::span(&inputs[i], 1))[0];
        CHECK_MESSAGE(alone.tokens_kept == r["tokens_kept"].get<std::vector<int>>(), what);
        CHECK_MESSAGE(alone.positions == r["kept_positions"].get<std::vector<int>>(), what);
        worst = std::max(worst, test::check_close(alone.values, test::floats(r["logits"]), 1e-4, 1e-4, what));
        const auto first = std::vector<float>(alone.hidden_states.begin(), alone.hidden_states.begin() + 32);
        worst = std::max(worst, test::check_close(first, test::floats(r["first_hidden"]), 1e-4, 1e-4, what + " CLS state"));
        // Batch invariance: same decisions, same logits within 1e-6.
        CHECK_MESSAGE(batched[i].tokens_kept == alone.tokens_kept, what << " batched");
        test::check_close(batched[i].values, alone.values, 1e-6, 0.0, what + " batched");
        kept_last += alone.tokens_kept.back();
        total += static_cast<int64_t>(inputs[i].ids.size());
        flops += alone.flops;
        flops_dense += alone.flops_dense;
      }
      MESSAGE(name << " " << case_name(c) << ": " << inputs.size() << " inputs, largest difference (logits, CLS state) " << worst
                   << ", kept by the last layer " << 100.0 * kept_last / total << "%, FLOPs ratio dense/performed "
                   << double(flops_dense) / flops);
      CHECK(flops < flops_dense);
    }
  }
}

TEST_CASE("pruning: shuffled mixed-length batches give each sequence its lone result") {
  const auto golden = test::load_golden("tiny-roberta");
  const auto model = Model::load(test::model_dir("tiny-roberta"));
  const auto& c = golden["pruning"][0];
  Encoder encoder(*model, {golden_case(c), Pooling::Cls, false, false});
  std::vector<Encoding> inputs;
  for (const auto& r : c["inputs"]) inputs.push_back(test::golden_input(r));
  std::vector<SequenceOutput> alone;
  for (const auto& e : inputs) alone.push_back(encoder.run(std::span(&e, 1))[0]);
  std::mt19937 rng(11);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<size_t> order(inputs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    const size_t batch = 1 + trial * 5;
    for (size_t start = 0; start < order.size(); start += batch) {
      std::vector<Encoding> part;
      for (size_t k = start; k < std::min(order.size(), start + batch); ++k) part.push_back(inputs[order[k]]);
      const auto out = encoder.run(part);
      for (size_t k = 0; k < part.size(); ++k) {
        const auto& ref = alone[order[start + k]];
        CHECK(out[k].tokens_kept == ref.tokens_kept);
        test::check_close(out[k].values, ref.values, 1e-6, 0.0, "batched input");
      }
    }
  }
}

std::vector<SequenceOutput> run_with(const Model& model, PruningConfig p, const std::vector<Encoding>& inputs) {
  Encoder encoder(model, {std::move(p), Pooling::Cls, false, false});
  return encoder.run(inputs);
}

TEST_CASE("pruning: threshold 0 is exactly dense, and +inf keeps only the first token") {
  const auto golden = test::load_golden("tiny-bert");
  const auto model = Model::load(test::model_dir("tiny-bert"));
  std::vector<Encoding> inputs;
  for (const auto& r : golden["dense"]) inputs.push_back(test::golden_input(r));
  const auto dense = run_with(*model, {}, inputs);
  const int layers = model->config().num_layers;
  for (const auto mode : {PruneMode::AbsoluteThreshold, PruneMode::Threshold, PruneMode::RisingThreshold}) {
    const auto zero = run_with(*model, {mode, std::vector<float>(static_cast<size_t>(layers), 0.0f), {}, {}}, inputs);
    for (size_t i = 0; i < inputs.size(); ++i) {
      CHECK(zero[i].values == dense[i].values);  // bit for bit
      CHECK(zero[i].flops == dense[i].flops_dense);
    }
    const float inf = std::numeric_limits<float>::infinity();
    const auto all = run_with(*model, {mode, std::vector<float>(static_cast<size_t>(layers), inf), {}, {}}, inputs);
    for (size_t i = 0; i < inputs.size(); ++i)
      CHECK(all[i].tokens_kept == std::vector<int>(static_cast<size_t>(layers), 1));
  }
  const auto keep_all = run_with(*model, {PruneMode::TopK, {}, {}, 1.0f}, inputs);
  for (size_t i = 0; i < inputs.size(); ++i) CHECK(keep_all[i].values == dense[i].values);
}

TEST_CASE("pruning: inputs of one and two tokens") {
  const auto model = Model::load(test::model_dir("tiny-bert"));
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<Encoding> inputs = {{{101}, {0}}, {{101, 102}, {0, 0}}};
  const auto out = run_with(*model, {PruneMode::AbsoluteThreshold, std::vector<float>(6, inf), {}, {}}, inputs);
  CHECK(out[0].tokens_kept == std::vector<int>(6, 1));
  CHECK(out[1].tokens_kept == std::vector<int>(6, 1));
  const auto topk = run_with(*model, {PruneMode::TopK, {}, {}, 0.01f}, inputs);
  CHECK(topk[0].tokens_kept == std::vector<int>(6, 1));
  // Layers 0-2 never prune in the cascade; then k = round(2 · r) = 1, plus position 0 if it is not the top token.
  CHECK(std::vector<int>(topk[1].tokens_kept.begin(), topk[1].tokens_kept.begin() + 3) == std::vector<int>{2, 2, 2});
  for (int kept : topk[1].tokens_kept) CHECK((kept == 1 || kept == 2));
  for (const auto& o : out) CHECK(std::isfinite(o.values[0]));
}

TEST_CASE("pruning: topk keep rates follow the SpAtten cascade, k rounds half to even") {
  CHECK(topk_layer_keep_rate(0.4, 0, 12) == 1.0);
  CHECK(topk_layer_keep_rate(0.4, 2, 12) == 1.0);
  CHECK(topk_layer_keep_rate(0.4, 3, 12) == doctest::Approx(1 - 0.6 / 9));
  CHECK(topk_layer_keep_rate(0.4, 11, 12) == doctest::Approx(0.4));
  CHECK(topk_layer_keep_rate(0.001, 5, 6) == doctest::Approx(0.01));  // floor
  CHECK(topk_layer_keep_rate(0.5, 3, 24) == 1.0);                     // ceil(0.15 · 24) = 4 unpruned
  // One layer of 4 with keep rate 0.5 at layer 3: k = round(n0 · 0.5).
  const TokenPruner pruner({PruneMode::TopK, {}, {}, 0.5f}, 4, 1);
  const std::vector<float> scores = {0.1f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f};
  std::vector<int> kept;
  pruner.select(3, scores.data(), 5, 5, kept);  // 2.5 → 2, plus position 0
  CHECK(kept == std::vector<int>{0, 1, 2});
  pruner.select(3, scores.data(), 7, 7, kept);  // 3.5 → 4
  CHECK(kept == std::vector<int>{0, 1, 2, 3, 4});
  pruner.select(2, scores.data(), 7, 7, kept);  // an unpruned layer
  CHECK(kept.size() == 7);
}

TEST_CASE("pruning: topk keeps the k highest scores, the earlier token on ties, NaN last") {
  // Against the definition: a stable sort by descending score, its first k,
  // plus position 0. Scores from a small set make ties common; NaN counts as
  // lower than every number.
  std::mt19937 rng(7);
  const std::vector<float> values = {0.0f, 0.25f, 0.5f, 1.0f, -std::numeric_limits<float>::infinity(), std::nanf("")};
  const TokenPruner pruner({PruneMode::TopK, {}, {}, 0.3f}, 4, 1);
  std::vector<int> kept;
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + static_cast<int>(rng() % 60);
    std::vector<float> scores(static_cast<size_t>(n));
    for (float& s : scores) s = values[rng() % values.size()];
    const auto rank = [&](int j) { return std::isnan(scores[j]) ? -INFINITY : scores[j]; };
    std::vector<int> expected(static_cast<size_t>(n));
    std::iota(expected.begin(), expected.end(), 0);
    std::stable_sort(expected.begin(), expected.end(), [&](int a, int b) { return rank(a) > rank(b); });
    const float rate = static_cast<float>(topk_layer_keep_rate(0.3, 3, 4));
    const int k = static_cast<int>(std::nearbyint(static_cast<float>(n) * rate));
    expected.resize(static_cast<size_t>(k));
    if (std::find(expected.begin(), expected.end(), 0) == expected.end()) expected.push_back(0);
    std::sort(expected.begin(), expected.end());
    pruner.select(3, scores.data(), n, n, kept);
    CHECK(kept == expected);
  }
}

TEST_CASE("pruning: topk per-layer keep rates replace the cascade") {
  const auto golden = test::load_golden("tiny-mpnet");
  const auto model = Model::load(test::model_dir("tiny-mpnet"));
  const int layers = model->config().num_layers;
  std::vector<Encoding> inputs;
  for (const auto& r : golden["pruning"][0]["inputs"]) inputs.push_back(test::golden_input(r));
  // The cascade's own rates, given per layer, decide exactly as the cascade does.
  std::vector<float> cascade;
  for (int l = 0; l < layers; ++l) cascade.push_back(static_cast<float>(topk_layer_keep_rate(0.3, l, layers)));
  const auto by_rate = run_with(*model, {.mode = PruneMode::TopK, .keep_rate = 0.3f}, inputs);
  const auto by_rates = run_with(*model, {.mode = PruneMode::TopK, .keep_rates = cascade}, inputs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    CHECK(by_rates[i].tokens_kept == by_rate[i].tokens_kept);
    test::check_close(by_rates[i].values, by_rate[i].values, 0.0, 0.0, "per-layer rates equal to the cascade");
  }
  // Rates the cascade cannot express: pruning from layer 1, k = round(n0 · r_l) at every layer.
  std::vector<float> early(static_cast<size_t>(layers), 0.5f);
  early[0] = 1.0f;
  const auto pruned = run_with(*model, {.mode = PruneMode::TopK, .keep_rates = early}, inputs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int n0 = static_cast<int>(inputs[i].ids.size());
    const int k = std::max(1, static_cast<int>(std::nearbyint(0.5f * static_cast<float>(n0))));
    CHECK(pruned[i].tokens_kept[0] == n0);
    for (int l = 1; l < layers; ++l) {
      const int kept = pruned[i].tokens_kept[static_cast<size_t>(l)];
      CHECK((kept == k || kept == k + 1));  // k, plus position 0 when it is not among them
    }
  }
}

TEST_CASE("pruning: absolute thresholds compare s = raw / (H·N) with max(1e-5, θ)") {
  const std::vector<float> raw = {4.0f, 1.0f, 3.0f, 2.0f};  // H = 2, N = 4 alive: s = raw / 8
  std::vector<int> kept;
  TokenPruner alive_norm({PruneMode::AbsoluteThreshold, {0.25f}, {}, {}}, 1, 2);
  alive_norm.select(0, raw.data(), 4, 4, kept);
  CHECK(kept == std::vector<int>{0, 2, 3});  // s = 0.125 < 0.25 pruned; s = 0.25 kept (strict <)
  TokenPruner fixed_norm({PruneMode::AbsoluteThreshold, {0.25f}, 2, {}}, 1, 2);
  fixed_norm.select(0, raw.data(), 4, 4, kept);  // s = raw / 4
  CHECK(kept == std::vector<int>{0, 1, 2, 3});
  TokenPruner tiny({PruneMode::AbsoluteThreshold, {1e-9f}, 1000000, {}}, 1, 2);
  tiny.select(0, raw.data(), 4, 4, kept);  // s = raw / 2e6 < 1e-5 everywhere; position 0 is protected
  CHECK(kept == std::vector<int>{0});
  TokenPruner relative({PruneMode::Threshold, {0.5f}, {}, {}}, 1, 2);
  relative.select(0, raw.data(), 4, 4, kept);
  CHECK(kept == std::vector<int>{0, 2, 3});
}

TEST_CASE("pruning: command-line overrides") {
  PruningConfig base{PruneMode::AbsoluteThreshold, {0.0f, 0.1f}, 128, {}};
  CHECK(apply_overrides(base, {true, {}, {}, {}}, 2).mode == PruneMode::None);
  const auto scaled = apply_overrides(base, {false, {}, 0.5f, {}}, 2);
  CHECK(scaled.thresholds[1] == doctest::Approx(0.05));
  const auto replaced = apply_overrides({}, {false, std::vector<float>{0.0f, 0.2f}, {}, {}}, 2);
  CHECK(replaced.mode == PruneMode::AbsoluteThreshold);
  CHECK(apply_overrides(base, {false, {}, {}, 0.3f}, 2).mode == PruneMode::TopK);
  CHECK_THROWS_WITH_AS(apply_overrides(base, {false, std::vector<float>{0.1f}, {}, {}}, 2),
                       doctest::Contains("needs 2 thresholds"), Error);
  CHECK_THROWS_WITH_AS(apply_overrides(base, {false, {}, {}, 0.0f}, 2), doctest::Contains("(0, 1]"), Error);
  CHECK_THROWS_WITH_AS(apply_overrides({}, {false, {}, 2.0f, {}}, 2), doctest::Contains("needs thresholds"), Error);
  CHECK_THROWS_AS(apply_overrides(base, {false, {}, std::nanf(""), {}}, 2), Error);
  CHECK_THROWS_WITH_AS(apply_overrides(base, {true, {}, {}, 0.3f}, 2), doctest::Contains("running dense"), Error);
  CHECK_THROWS_WITH_AS(apply_overrides(base, {false, {}, 0.5f, 0.3f}, 2), doctest::Contains("exclude each other"),
                       Error);
  const std::vector<float> rates = {1.0f, 0.5f};
  const auto per_layer =
      apply_overrides({.mode = PruneMode::TopK, .keep_rate = 0.3f}, {.keep_rates = rates}, 2);
  CHECK(per_layer.keep_rates == rates);
  CHECK(!per_layer.keep_rate);  // the override replaces the folder's cascade
  CHECK(apply_overrides(per_layer, {.keep_rate = 0.3f}, 2).keep_rates.empty());
  const auto refused = [&](const PruneOverrides& o, const char* message) {
    CHECK_THROWS_WITH_AS(apply_overrides(base, o, 2), doctest::Contains(message), Error);
  };
  refused({.keep_rate = 0.3f, .keep_rates = rates}, "exclude each other");
  refused({.threshold_scale = 0.5f, .keep_rates = rates}, "exclude each other");
  refused({.thresholds = std::vector<float>{0.0f, 0.1f}, .keep_rate = 0.3f}, "thresholds and a keep rate");
  refused({.thresholds = std::vector<float>{0.0f, 0.1f}, .keep_rates = rates}, "thresholds and a keep rate");
  refused({.disable = true, .keep_rates = rates}, "running dense");
  refused({.keep_rates = std::vector<float>{}}, "keep_rates is empty");
  refused({.keep_rates = std::vector<float>{0.5f}}, "needs 2 keep_rates (one per layer), got 1");
  refused({.keep_rates = std::vector<float>{1.0f, 0.0f}}, "keep rate of layer 1 is 0");
}

TEST_CASE("flops: per-layer accounting") {
  const ModelConfig c = load_config(test::model_dir("tiny-bert"));  // H 32, I 64, 6 layers, 2 labels
  // QKV 2·n·H·3H + attention 4·n²·H, then output 2·k·H² + FFN 4·k·H·I
  CHECK(layer_flops(c, 10, 4) == 2 * 10 * 32 * 96 + 4 * 100 * 32 + 2 * 4 * 32 * 32 + 4 * 4 * 32 * 64);
  CHECK(head_flops(c) == 2 * 32 * 32 + 2 * 32 * 2);
  CHECK(dense_flops(c, 10) == 6 * layer_flops(c, 10, 10) + head_flops(c));
  const auto model = Model::load(test::model_dir("tiny-bert"));
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<Encoding> inputs = {{{101, 2009, 1005, 102}, {0, 0, 0, 0}}};
  const auto out = run_with(*model, {PruneMode::AbsoluteThreshold, std::vector<float>(6, inf), {}, {}}, inputs);
  CHECK(out[0].flops == layer_flops(c, 4, 1) + 5 * layer_flops(c, 1, 1) + head_flops(c));
  CHECK(out[0].flops_dense == dense_flops(c, 4));
}

TEST_CASE("pruning: mean pooling over survivors, or over every token from the layer where it left") {
  const auto golden = test::load_golden("tiny-bert-embed");
  const auto model = Model::load(test::model_dir("tiny-bert-embed"));
  std::vector<Encoding> inputs;
  for (const auto& r : golden["dense"]) inputs.push_back(test::golden_input(r));
  EncoderOptions survivors{{PruneMode::TopK, {}, {}, 0.3f}, Pooling::Mean, false, false, false};
  CHECK(EncoderOptions{}.pool_pruned_tokens);  // the default
  EncoderOptions every_token = survivors;
  every_token.pool_pruned_tokens = true;
  const auto a = Encoder(*model, survivors).run(inputs);
  const auto b = Encoder(*model, every_token).run(inputs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (a[i].tokens_kept.back() < static_cast<int>(inputs[i].ids.size())) CHECK(a[i].values != b[i].values);
    else CHECK(a[i].values == b[i].values);
  }
  // Without pruning both are the plain mean over all tokens.
  survivors.pruning = every_token.pruning = {};
  const auto c = Encoder(*model, survivors).run(inputs);
  const auto d = Encoder(*model, every_token).run(inputs);
  for (size_t i = 0; i < inputs.size(); ++i) test::check_close(c[i].values, d[i].values, 1e-6, 0.0, "unpruned mean");
}

}  // namespace
}  // namespace ltp
