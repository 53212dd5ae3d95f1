#include "ltp/config.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ltp/error.h"
#include "ltp/pruning.h"

namespace ltp {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(path.string() + ": cannot open (a model folder needs config.json)");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw Error(path.string() + ": not valid JSON: " + e.what());
  }
}

int required_int(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key)) throw Error(where + ": required field \"" + key + "\" is missing");
  if (!j[key].is_number_integer() || j[key].get<int64_t>() <= 0)
    throw Error(where + ": field \"" + key + "\" must be a positive integer, got " + j[key].dump());
  return j[key].get<int>();
}

int optional_int(const json& j, const char* key, int fallback, const std::string& where) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (!j[key].is_number_integer()) throw Error(where + ": field \"" + key + "\" must be an integer, got " + j[key].dump());
  return j[key].get<int>();
}

PruningConfig parse_pruning(const json& section, int num_layers, const std::string& where) {
  PruningConfig p;
  if (!section.is_object()) throw Error(where + ": \"ltp\" must be an object");
  const std::string mode = section.value("prune_mode", std::string("none"));
  try {
    p.mode = parse_prune_mode(mode);
  } catch (const Error& e) {
    throw Error(where + ": \"ltp.prune_mode\": " + e.what());
  }
  if (section.contains("thresholds") && !section["thresholds"].is_null()) {
    for (const auto& t : section["thresholds"]) {
      // JSON has no NaN literal; null and strings stand in for it in hand-edited files.
      if (!t.is_number()) throw Error(where + ": \"ltp.thresholds\" holds " + t.dump() + ", expected numbers");
      p.thresholds.push_back(t.get<float>());
    }
  }
  if (p.mode == PruneMode::RisingThreshold && p.thresholds.empty()) {
    if (!section.contains("final_token_threshold") || !section["final_token_threshold"].is_number())
      throw Error(where + ": rising_threshold needs \"ltp.final_token_threshold\" (a number) or \"ltp.thresholds\"");
    p.thresholds = rising_thresholds(section["final_token_threshold"].get<float>(), num_layers);
  }
  if (section.contains("score_norm_length") && !section["score_norm_length"].is_null()) {
    const auto& n = section["score_norm_length"];
    if (!n.is_number_integer() || n.get<int64_t>() <= 0)
      throw Error(where + ": \"ltp.score_norm_length\" must be a positive integer or null, got " + n.dump());
    p.score_norm_length = n.get<int>();
  }
  if (section.contains("keep_rate") && !section["keep_rate"].is_null()) {
    if (!section["keep_rate"].is_number()) throw Error(where + ": \"ltp.keep_rate\" must be a number");
    p.keep_rate = section["keep_rate"].get<float>();
  }
  validate_pruning(p, num_layers, where);
  return p;
}

// sentence-transformers folders say how they pool in 1_Pooling/config.json and
// whether they normalise in modules.json.
void read_sentence_transformers_pooling(const fs::path& dir, ModelConfig& c) {
  const fs::path pooling = dir / "1_Pooling" / "config.json";
  if (fs::exists(pooling)) {
    const json j = read_json(pooling);
    if (j.value("pooling_mode_mean_tokens", false)) c.pooling = Pooling::Mean;
    else if (j.value("pooling_mode_cls_token", false)) c.pooling = Pooling::Cls;
    else throw Error(pooling.string() + ": only CLS and mean pooling are supported");
  }
  const fs::path modules = dir / "modules.json";
  if (fs::exists(modules)) {
    for (const auto& m : read_json(modules))
      if (m.value("type", std::string()).find("Normalize") != std::string::npos) c.normalize_embeddings = true;
  }
}

}  // namespace

const char* prune_mode_name(PruneMode mode) {
  switch (mode) {
    case PruneMode::None: return "none";
    case PruneMode::AbsoluteThreshold: return "absolute_threshold";
    case PruneMode::Threshold: return "threshold";
    case PruneMode::RisingThreshold: return "rising_threshold";
    case PruneMode::TopK: return "topk";
  }
  return "?";
}

PruneMode parse_prune_mode(const std::string& name) {
  for (PruneMode m : {PruneMode::None, PruneMode::AbsoluteThreshold, PruneMode::Threshold,
                      PruneMode::RisingThreshold, PruneMode::TopK})
    if (name == prune_mode_name(m)) return m;
  throw Error("unknown prune mode '" + name + "': expected none, absolute_threshold, threshold, rising_threshold or topk");
}

ModelConfig load_config(const fs::path& dir) {
  const fs::path path = dir / "config.json";
  const std::string where = path.string();
  const json j = read_json(path);
  if (!j.is_object()) throw Error(where + ": expected a JSON object");

  ModelConfig c;
  const std::string model_type = j.value("model_type", std::string("bert"));
  if (model_type == "bert") c.family = ModelFamily::Bert;
  else if (model_type == "roberta") c.family = ModelFamily::Roberta;
  else throw Error(where + ": model_type \"" + model_type + "\" is not supported (bert, roberta)");

  c.vocab_size = required_int(j, "vocab_size", where);
  c.hidden_size = required_int(j, "hidden_size", where);
  c.num_layers = required_int(j, "num_hidden_layers", where);
  c.num_heads = required_int(j, "num_attention_heads", where);
  c.intermediate_size = required_int(j, "intermediate_size", where);
  c.max_position_embeddings = required_int(j, "max_position_embeddings", where);
  if (c.hidden_size % c.num_heads != 0)
    throw Error(where + ": hidden_size " + std::to_string(c.hidden_size) + " is not a multiple of num_attention_heads " +
                std::to_string(c.num_heads));
  const bool roberta = c.family == ModelFamily::Roberta;
  c.type_vocab_size = optional_int(j, "type_vocab_size", roberta ? 1 : 2, where);
  c.pad_token_id = optional_int(j, "pad_token_id", roberta ? 1 : 0, where);
  if (c.max_tokens() < 1) throw Error(where + ": max_position_embeddings leaves no room for tokens");
  if (j.contains("layer_norm_eps")) c.layer_norm_eps = j["layer_norm_eps"].get<float>();
  const std::string act = j.value("hidden_act", std::string("gelu"));
  if (act != "gelu") throw Error(where + ": hidden_act \"" + act + "\" is not supported (gelu)");

  std::string architecture;
  if (j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty())
    architecture = j["architectures"][0].get<std::string>();
  if (architecture.find("ForSequenceClassification") != std::string::npos)
    c.head = roberta ? HeadKind::RobertaClassifier : HeadKind::BertClassifier;

  if (c.head != HeadKind::None) {
    if (j.contains("id2label") && j["id2label"].is_object()) {
      c.labels.resize(j["id2label"].size());
      for (const auto& [key, value] : j["id2label"].items()) {
        size_t id = 0;
        try {
          id = std::stoul(key);
        } catch (const std::exception&) {
          throw Error(where + ": id2label key \"" + key + "\" is not a class id");
        }
        if (id >= c.labels.size()) throw Error(where + ": id2label ids are not 0.." + std::to_string(c.labels.size() - 1));
        c.labels[id] = value.get<std::string>();
      }
    }
    // Hugging Face leaves both out for its default of two labels.
    c.num_labels = optional_int(j, "num_labels", c.labels.empty() ? 2 : static_cast<int>(c.labels.size()), where);
    if (j.value("problem_type", std::string()) == "regression") c.num_labels = 1;
    if (c.num_labels < 1) throw Error(where + ": num_labels must be at least 1");
    if (c.labels.size() != static_cast<size_t>(c.num_labels)) {
      c.labels.clear();
      for (int i = 0; i < c.num_labels; ++i) c.labels.push_back("LABEL_" + std::to_string(i));
    }
  }

  if (j.contains("ltp")) {
    c.pruning = parse_pruning(j["ltp"], c.num_layers, where);
    if (j["ltp"].contains("precision")) {
      try {
        c.precision = parse_precision(j["ltp"]["precision"].get<std::string>());
      } catch (const std::exception& e) {
        throw Error(where + ": \"ltp.precision\": " + e.what());
      }
    }
  }
  read_sentence_transformers_pooling(dir, c);
  return c;
}

}  // namespace ltp
