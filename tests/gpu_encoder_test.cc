// Whole models on CUDA against the CPU path. fp32: logits within 1e-3 and the
// same tokens kept at every layer (the bar; the ops alone agree to
// 1e-4). fp16/bf16 GEMMs: logits within 2e-2 of the fp32 CPU run.
#include <doctest/doctest.h>

#include <random>

#include "ltp/encoder.h"
#include "ltp/model.h"
#include "test_support.h"

namespace ltp {
namespace {

using test::golden_case;

// Runs `inputs` as one batch on both models and compares every output.
void compare(const Model& cpu, const Model& gpu, const EncoderOptions& options, const std::vector<Encoding>& inputs,
             double tolerance, bool same_tokens, const std::string& what) {
  EncoderOptions with_states = options;
  with_states.keep_hidden_states = true;
  const auto expected = Encoder(cpu, with_states).run(inputs);
  const auto got = Encoder(gpu, with_states).run(inputs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string where = what + " input " + std::to_string(i);
    test::check_close(got[i].values, expected[i].values, tolerance, tolerance, where);
    if (!same_tokens) continue;
    CHECK_MESSAGE(got[i].tokens_kept == expected[i].tokens_kept, where);
    CHECK_MESSAGE(got[i].positions == expected[i].positions, where);
    CHECK(got[i].flops == expected[i].flops);
    test::check_close(got[i].hidden_states, expected[i].hidden_states, tolerance, tolerance, where + " states");
  }
}

TEST_CASE("gpu: every pruning mode keeps the CPU's tokens and logits, fp32") {
  for (const std::string name : {"tiny-bert", "tiny-roberta"}) {
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

TEST_CASE("gpu: fp16 and bf16 logits stay within 2e-2 of fp32") {
  for (const std::string name : {"tiny-bert", "tiny-roberta"}) {
    const auto golden = test::load_golden(name);
    const auto cpu = Model::load(test::model_dir(name));
    std::vector<Encoding> inputs;
    for (const auto& r : golden["pruning"][0]["inputs"]) inputs.push_back(test::golden_input(r));
    for (const Precision precision : {Precision::FP16, Precision::BF16}) {
      const auto gpu = Model::load(test::model_dir(name), Device::CUDA, precision);
      compare(*cpu, *gpu, {}, inputs, 2e-2, false, name + " " + precision_name(precision));
    }
  }
}

TEST_CASE("gpu: mean pooling adds pruned tokens as the CPU does") {
  const auto golden = test::load_golden("tiny-bert-embed");
  const auto cpu = Model::load(test::model_dir("tiny-bert-embed"));
  const auto gpu = Model::load(test::model_dir("tiny-bert-embed"), Device::CUDA);
  std::vector<Encoding> inputs;
  for (const auto& r : golden["dense"]) inputs.push_back(test::golden_input(r));
  for (const bool every_token : {true, false}) {
    EncoderOptions options{{PruneMode::TopK, {}, {}, 0.3f}, Pooling::Mean, true, false, every_token};
    compare(*cpu, *gpu, options, inputs, 1e-3, true, every_token ? "mean over all" : "mean over survivors");
  }
}

TEST_CASE("gpu: a BERT-base shape with random weights, ragged batch up to 512 tokens") {
  ModelConfig c;
  c.num_layers = 4;  // four of BERT-base's twelve layers keep the CPU side short
  c.hidden_size = 768;
  c.num_heads = 12;
  c.intermediate_size = 3072;
  c.vocab_size = 30522;
  c.max_position_embeddings = 512;
  c.type_vocab_size = 2;
  c.head = HeadKind::BertClassifier;
  c.num_labels = 2;
  c.labels = {"LABEL_0", "LABEL_1"};
  const auto cpu = Model::random(c, 7);
  const auto gpu = Model::random(c, 7, Device::CUDA);
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> token(1000, 30000);
  std::vector<Encoding> inputs;
  for (const int length : {1, 7, 128, 300, 512}) {
    Encoding e;
    for (int i = 0; i < length; ++i) e.ids.push_back(i == 0 ? 101 : token(rng));
    e.type_ids.assign(static_cast<size_t>(length), 0);
    inputs.push_back(std::move(e));
  }
  compare(*cpu, *gpu, {}, inputs, 1e-3, true, "bert-base shape dense");
  compare(*cpu, *gpu, {{PruneMode::TopK, {}, {}, 0.5f}, Pooling::Cls}, inputs, 1e-3, true, "bert-base shape topk 0.5");
}

}  // namespace
}  // namespace ltp
