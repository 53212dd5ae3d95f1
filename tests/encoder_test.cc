// The dense forward pass against Hugging Face transformers in float64
// (tests/data/golden, made by tools/reference/make_tiny_models.py).
// Tolerance atol = rtol = 1e-4: fp32 through 6 layers of width 32 accumulates
// ~1e-6 relative error; 1e-4 catches any wrong op while leaving fp32 room.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "ltp/encoder.h"
#include "ltp/error.h"
#include "test_support.h"

namespace ltp {
namespace {

constexpr double kTol = 1e-4;

std::vector<Encoding> golden_inputs(const nlohmann::json& records) {
  std::vector<Encoding> inputs;
  for (const auto& r : records) inputs.push_back(test::golden_input(r));
  return inputs;
}

// Compares outputs (run alone or batched) with the dense goldens; returns the largest difference.
double check_dense(const std::string& name, const std::vector<SequenceOutput>& out, const nlohmann::json& records) {
  double worst = 0.0;
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& r = records[i];
    const std::string what = name + " input " + std::to_string(i);
    const auto& expected = r.contains("logits") ? r["logits"] : r["embedding"];
    worst = std::max(worst, test::check_close(out[i].values, test::floats(expected), kTol, kTol, what + " output"));
    worst = std::max(worst, test::check_close(out[i].hidden_states, test::floats(r["hidden_states"]), kTol, kTol,
                                              what + " hidden states"));
    CHECK(out[i].positions.size() == r["input_ids"].size());
  }
  return worst;
}

TEST_CASE("encoder: dense outputs and hidden states match transformers") {
  for (const std::string name : {"tiny-bert", "tiny-roberta", "tiny-roberta-f16", "tiny-roberta-bf16",
                                 "tiny-bert-embed", "tiny-bert-regression", "tiny-mpnet", "tiny-mpnet-embed"}) {
    const auto golden = test::load_golden(name);
    const auto model = Model::load(test::model_dir(name));
    EncoderOptions options;
    options.keep_hidden_states = true;
    options.pooling = model->config().pooling;
    options.normalize = model->config().normalize_embeddings;
    Encoder encoder(*model, options);
    const auto inputs = golden_inputs(golden["dense"]);

    // The whole set as one packed batch.
    const double batched = check_dense(name, encoder.run(inputs), golden["dense"]);
    // And each input alone.
    std::vector<SequenceOutput> alone;
    for (const auto& e : inputs) alone.push_back(encoder.run(std::span(&e, 1))[0]);
    const double single = check_dense(name, alone, golden["dense"]);
    MESSAGE(name << ": largest difference to transformers " << std::max(batched, single));
  }
}

TEST_CASE("encoder: a sequence's result does not depend on its batch, at every CPU precision") {
  const auto golden = test::load_golden("tiny-bert");
  const auto inputs = golden_inputs(golden["dense"]);
  for (const Precision precision : {Precision::FP32, Precision::BF16, Precision::INT8}) {
    CAPTURE(precision_name(precision));
    const auto model = Model::load(test::model_dir("tiny-bert"), Device::CPU, precision);
    Encoder encoder(*model, {});
    std::vector<std::vector<float>> alone;
    for (const auto& e : inputs) alone.push_back(encoder.run(std::span(&e, 1))[0].values);
    std::vector<size_t> order(inputs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937 rng(7);
    for (int trial = 0; trial < 3; ++trial) {
      std::shuffle(order.begin(), order.end(), rng);
      std::vector<Encoding> shuffled;
      for (size_t i : order) shuffled.push_back(inputs[i]);
      const auto out = encoder.run(shuffled);
      for (size_t k = 0; k < order.size(); ++k)
        test::check_close(out[k].values, alone[order[k]], 1e-6, 0.0, "input " + std::to_string(order[k]) + " in a batch");
    }
  }
}

TEST_CASE("encoder: inputs that cannot run are rejected with the reason") {
  const auto model = Model::load(test::model_dir("tiny-roberta"));
  CHECK_THROWS_WITH_AS(model->validate({{}, {}}), "input has no tokens", Error);
  CHECK_THROWS_WITH_AS(model->validate({{0, 1000, 2}, {0, 0, 0}}),
                       "token id 1000 at position 1 is outside the vocabulary [0, 1000)", Error);
  CHECK_THROWS_WITH_AS(model->validate({{0, 5, 2}, {0, 1, 0}}),
                       "token type id 1 at position 1 is outside [0, 1)", Error);
  CHECK_THROWS_WITH_AS(model->validate({std::vector<int32_t>(65, 5), std::vector<int32_t>(65, 0)}),
                       "input has 65 tokens, the model takes at most 64", Error);
  Encoder encoder(*model, {});
  const std::vector<Encoding> batch = {{{0, 5, 2}, {0, 0, 0}}, {{0, -1}, {0, 0}}};
  CHECK_THROWS_WITH_AS(encoder.run(batch), doctest::Contains("batch input 1: token id -1"), Error);
  CHECK(encoder.run({}).empty());
}

TEST_CASE("encoder: text input without tokenizer files fails clearly") {
  const auto model = Model::load(test::model_dir("tiny-roberta"));
  CHECK_FALSE(model->has_tokenizer());
  CHECK_THROWS_WITH_AS(model->encode("hello", std::nullopt, 64), doctest::Contains("has no tokenizer files"), Error);
}

TEST_CASE("encoder: CLS pooling and no normalisation on request") {
  const auto golden = test::load_golden("tiny-bert-embed");
  const auto model = Model::load(test::model_dir("tiny-bert-embed"));
  EncoderOptions options;
  options.pooling = Pooling::Cls;
  options.keep_hidden_states = true;
  Encoder encoder(*model, options);
  const auto inputs = golden_inputs(golden["dense"]);
  const auto out = encoder.run(inputs);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto hidden = test::floats(golden["dense"][i]["hidden_states"]);
    test::check_close(out[i].values, std::vector<float>(hidden.begin(), hidden.begin() + 32), kTol, kTol, "CLS embedding");
  }
}

}  // namespace
}  // namespace ltp
