// config.json and weight binding: every mismatch is a load error naming the
// file and field or tensor.
#include <doctest/doctest.h>

#include "ltp/encoder.h"
#include "ltp/error.h"
#include "ltp/model.h"
#include "test_support.h"

namespace ltp {
namespace {

using nlohmann::json;

using test::load_error_after;

std::string load_error_with_text(const std::string& config_text) {
  test::TempDir dir;
  test::copy_model("tiny-roberta", dir.path());
  test::write_file(dir.path() / "config.json", config_text);
  try {
    Model::load(dir.path());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("config: fields of BERT and RoBERTa folders") {
  const ModelConfig bert = load_config(test::model_dir("tiny-bert"));
  CHECK(bert.family == ModelFamily::Bert);
  CHECK(bert.head == HeadKind::BertClassifier);
  CHECK(bert.labels == std::vector<std::string>{"negative", "positive"});
  CHECK(bert.position_offset() == 0);
  CHECK(bert.max_tokens() == 128);
  const ModelConfig roberta = load_config(test::model_dir("tiny-roberta"));
  CHECK(roberta.family == ModelFamily::Roberta);
  CHECK(roberta.head == HeadKind::RobertaClassifier);
  CHECK(roberta.num_labels == 3);
  CHECK(roberta.type_vocab_size == 1);
  CHECK(roberta.layer_norm_eps == doctest::Approx(1e-5));
  CHECK(roberta.max_tokens() == 64);  // positions start at pad_token_id + 1 = 2
  const ModelConfig regression = load_config(test::model_dir("tiny-bert-regression"));
  CHECK(regression.is_regression());
  const ModelConfig embed = load_config(test::model_dir("tiny-bert-embed"));
  CHECK(embed.head == HeadKind::None);
  CHECK(embed.pooling == Pooling::Mean);
  CHECK(embed.normalize_embeddings);
  CHECK(embed.pruning.mode == PruneMode::None);
}

TEST_CASE("config: a missing or malformed required field is named") {
  const std::string missing = load_error_after("tiny-roberta", [](json& c) { c.erase("hidden_size"); });
  CHECK(missing.find("config.json: required field \"hidden_size\" is missing") != std::string::npos);
  CHECK(load_error_after("tiny-roberta", [](json& c) { c["num_attention_heads"] = "four"; })
            .find("field \"num_attention_heads\" is \"four\", expected an integer in [1, ") != std::string::npos);
  CHECK(load_error_after("tiny-roberta", [](json& c) { c["model_type"] = "gpt2"; }).find("model_type \"gpt2\"") !=
        std::string::npos);
  CHECK(load_error_with_text("{ not json").find("config.json: not valid JSON") != std::string::npos);
  CHECK(load_error_after("tiny-roberta", [](json& c) { c["num_attention_heads"] = 5; })
            .find("not a multiple of num_attention_heads") != std::string::npos);
}

TEST_CASE("config: a classifier without id2label or num_labels has two labels, as in Hugging Face") {
  test::TempDir dir;
  test::copy_model("tiny-bert", dir.path());
  auto config = json::parse(test::read_file(dir.path() / "config.json"));
  config.erase("id2label");
  config.erase("label2id");
  test::write_file(dir.path() / "config.json", config.dump());
  const ModelConfig c = load_config(dir.path());
  CHECK(c.num_labels == 2);
  CHECK(c.labels == std::vector<std::string>{"LABEL_0", "LABEL_1"});
}

TEST_CASE("config: a tensor shape that disagrees with config.json is named with both shapes") {
  const std::string e = load_error_after("tiny-roberta", [](json& c) { c["intermediate_size"] = 80; });
  CHECK(e.find("tensor roberta.encoder.layer.0.intermediate.dense.weight has shape [64,32], config.json expects "
               "[80,32]") != std::string::npos);
}

TEST_CASE("config: a missing tensor is named") {
  const std::string e = load_error_after("tiny-roberta", [](json& c) { c["num_hidden_layers"] = 7; });
  CHECK(e.find("tensor roberta.encoder.layer.6.attention.self.query.weight is missing") != std::string::npos);
  test::TempDir dir;
  test::copy_model("tiny-roberta", dir.path());
  std::filesystem::remove(dir.path() / "model.safetensors");
  CHECK_THROWS_WITH_AS(Model::load(dir.path()), doctest::Contains("model.safetensors: not found"), Error);
  CHECK_THROWS_WITH_AS(Model::load(dir.path() / "nowhere"), doctest::Contains("model folder not found"), Error);
}

TEST_CASE("config: bad pruning sections are load errors") {
  const auto with_ltp = [](json section) {
    return load_error_after("tiny-roberta", [&](json& c) { c["ltp"] = section; });
  };
  const json six = json::array({0.0, 0.01, 0.01, 0.02, 0.02, 0.03});
  CHECK(with_ltp({{"prune_mode", "absolute_threshold"}, {"thresholds", six}}).empty());
  CHECK(with_ltp({{"prune_mode", "absolute_threshold"}, {"thresholds", {0.1, 0.2}}})
            .find("needs 6 thresholds (one per layer), got 2") != std::string::npos);
  CHECK(with_ltp({{"prune_mode", "threshold"}, {"thresholds", {0.0, 0.1, -0.1, 0.1, 0.1, 0.1}}})
            .find("threshold of layer 2 is -0.1") != std::string::npos);
  // JSON has no NaN: Python writes the bare word NaN, hand edits write null.
  CHECK(with_ltp({{"prune_mode", "threshold"}, {"thresholds", {0.0, nullptr, 0.1, 0.1, 0.1, 0.1}}})
            .find("field \"thresholds\" is [0.0,null,0.1,0.1,0.1,0.1], expected a list of numbers") != std::string::npos);
  CHECK(load_error_with_text(R"({"ltp": {"thresholds": [NaN]}})").find("config.json: not valid JSON") !=
        std::string::npos);
  CHECK(with_ltp({{"prune_mode", "topk"}, {"keep_rate", 0.0}}).find("keep_rate is 0") != std::string::npos);
  CHECK(with_ltp({{"prune_mode", "topk"}, {"keep_rate", 1.5}}).find("expected a value in (0, 1]") !=
        std::string::npos);
  CHECK(with_ltp({{"prune_mode", "topk"}}).find("topk needs either a keep_rate") != std::string::npos);
  CHECK(with_ltp({{"prune_mode", "topk"}, {"keep_rates", json::array({1, 1, 0.5, 0.5, 0.5, 0.5})}}).empty());
  CHECK(with_ltp({{"prune_mode", "topk"}, {"keep_rate", 0.5}, {"keep_rates", json::array({1, 1, 1, 1, 1, 1})}})
            .find("not both") != std::string::npos);
  CHECK(with_ltp({{"prune_mode", "topk"}, {"keep_rates", json::array({1, 1, 1, 1, 1, 1.5})}})
            .find("keep rate of layer 5 is 1.5") != std::string::npos);
  CHECK(with_ltp({{"prune_mode", "absolute_threshold"}, {"thresholds", six}, {"keep_rates", six}})
            .find("\"ltp.keep_rate\" and \"ltp.keep_rates\" belong to prune_mode topk, not absolute_threshold") !=
        std::string::npos);
  CHECK(with_ltp({{"prune_mode", "topk"}, {"keep_rates", "half"}})
            .find("field \"keep_rates\" is \"half\", expected a list of numbers") != std::string::npos);
  CHECK(with_ltp({{"prune_mode", "sparse"}}).find("unknown prune mode 'sparse'") != std::string::npos);
  CHECK(with_ltp({{"prune_mode", "rising_threshold"}}).find("final_token_threshold") != std::string::npos);
  CHECK(with_ltp({{"prune_mode", "absolute_threshold"}, {"thresholds", six}, {"score_norm_length", 0}})
            .find("score_norm_length") != std::string::npos);
  CHECK(with_ltp({{"mean_over", "pruned"}}).find("\"ltp.mean_over\" is 'pruned': expected all or survivors") !=
        std::string::npos);
}

TEST_CASE("config: tokenizer_config.json's model_max_length is kept when below the position table") {
  test::TempDir dir;
  test::copy_model("tiny-bert", dir.path());
  test::write_file(dir.path() / "tokenizer_config.json", R"({"model_max_length": 16})");
  CHECK(Model::load(dir.path())->config().model_max_length == 16);
  // Hugging Face's "no limit" (int(1e30)) means the position table's own.
  test::write_file(dir.path() / "tokenizer_config.json", R"({"model_max_length": 1000000000000000019884624838656})");
  CHECK_FALSE(Model::load(dir.path())->config().model_max_length.has_value());
  test::write_file(dir.path() / "tokenizer_config.json", R"({"model_max_length": -3})");
  CHECK_THROWS_WITH_AS(Model::load(dir.path()), doctest::Contains("field \"model_max_length\" is -3"), Error);
}

TEST_CASE("config: the max length is the one asked for, else the training length, within the position table") {
  ModelConfig c;
  c.max_position_embeddings = 512;
  CHECK(resolve_max_length(c, std::nullopt) == 512);
  c.model_max_length = 128;
  CHECK(resolve_max_length(c, std::nullopt) == 128);
  CHECK(resolve_max_length(c, 300) == 300);
  CHECK_THROWS_WITH_AS(resolve_max_length(c, 513), doctest::Contains("exceeds the model's maximum of 512"), Error);
  CHECK_THROWS_AS(resolve_max_length(c, 0), Error);
}

TEST_CASE("config: rising_threshold thresholds grow as final * l / L") {
  test::TempDir dir;
  test::copy_model("tiny-roberta", dir.path());
  json c = json::parse(test::read_file(dir.path() / "config.json"));
  c["ltp"] = {{"prune_mode", "rising_threshold"}, {"final_token_threshold", 0.6}};
  test::write_file(dir.path() / "config.json", c.dump());
  const ModelConfig config = load_config(dir.path());
  REQUIRE(config.pruning.thresholds.size() == 6);
  CHECK(config.pruning.thresholds[0] == 0.0f);
  CHECK(config.pruning.thresholds[3] == doctest::Approx(0.3));
  CHECK(config.pruning.thresholds[5] == doctest::Approx(0.5));
}

TEST_CASE("config: ltp.mean_over is the folder's pooling of pruned tokens, and a caller's choice wins") {
  test::TempDir dir;
  test::copy_model("tiny-bert-embed", dir.path());
  CHECK_FALSE(load_config(dir.path()).pool_pruned_tokens.has_value());
  CHECK(resolve_encoder_options(load_config(dir.path()), {}).pool_pruned_tokens);  // the default: all
  json c = json::parse(test::read_file(dir.path() / "config.json"));
  c["ltp"] = {{"mean_over", "survivors"}};
  test::write_file(dir.path() / "config.json", c.dump());
  const ModelConfig config = load_config(dir.path());
  CHECK(config.pool_pruned_tokens == false);
  CHECK_FALSE(resolve_encoder_options(config, {}).pool_pruned_tokens);
  EncoderOverrides every_token;
  every_token.pool_pruned_tokens = true;
  CHECK(resolve_encoder_options(config, every_token).pool_pruned_tokens);
}

}  // namespace
}  // namespace ltp
