#include "ltp/config.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "ltp/error.h"
#include "ltp/pruning.h"

namespace ltp {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Bounds on config.json sizes: far above any BERT-family model, low enough that
// products of them cannot overflow 64-bit counts.
constexpr int64_t kMaxVocab = int64_t{1} << 24;
constexpr int64_t kMaxHidden = int64_t{1} << 16;
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxIntermediate = int64_t{1} << 18;
constexpr int64_t kMaxPositions = int64_t{1} << 20;
constexpr int64_t kMaxLabels = int64_t{1} << 16;

PruningConfig parse_pruning(const json& section, int num_layers, const std::string& where) {
  const JsonFields f(section, where + ": \"ltp\"");
  const int64_t version = f.integer_or("format_version", kLtpFormatVersion, 1, INT64_MAX);
  if (version > kLtpFormatVersion)
    throw Error(where + ": \"ltp.format_version\" is " + std::to_string(version) + ", written by a newer ltp; this build reads format " +
                std::to_string(kLtpFormatVersion) + " and older: upgrade ltp");
  PruningConfig p;
  try {
    p.mode = parse_prune_mode(f.string_or("prune_mode", "none"));
  } catch (const Error& e) {
    throw Error(where + ": \"ltp.prune_mode\": " + e.what());
  }
  // Ranges are checked by validate_pruning, which names the layer.
  const auto numbers = [&](const char* name) {
    std::vector<float> values;
    if (!f.at(name).is_array()) f.fail(name, "a list of numbers");
    for (const auto& v : f.at(name)) {
      // JSON has no NaN literal; null and strings stand in for it in hand-edited files.
      if (!v.is_number()) f.fail(name, "a list of numbers");
      values.push_back(v.get<float>());
    }
    return values;
  };
  if (f.has("thresholds")) p.thresholds = numbers("thresholds");
  if (p.mode == PruneMode::RisingThreshold && p.thresholds.empty()) {
    if (!f.has("final_token_threshold"))
      throw Error(where + ": rising_threshold needs \"ltp.final_token_threshold\" (a number) or \"ltp.thresholds\"");
    p.thresholds = rising_thresholds(static_cast<float>(f.number("final_token_threshold", 0.0, 1e30)), num_layers);
  }
  if (f.has("score_norm_length")) p.score_norm_length = static_cast<int>(f.integer("score_norm_length", 1, kMaxPositions));
  if (f.has("keep_rate")) p.keep_rate = static_cast<float>(f.number("keep_rate", -1e30, 1e30));  // range: validate_pruning
  if (f.has("keep_rates")) p.keep_rates = numbers("keep_rates");
  if ((p.keep_rate || !p.keep_rates.empty()) && p.mode != PruneMode::TopK)
    throw Error(where + ": \"ltp.keep_rate\" and \"ltp.keep_rates\" belong to prune_mode topk, not " +
                prune_mode_name(p.mode));
  validate_pruning(p, num_layers, where);
  return p;
}

// sentence-transformers folders say how they pool in 1_Pooling/config.json and
// whether they normalise in modules.json.
void read_sentence_transformers_pooling(const fs::path& dir, ModelConfig& c) {
  const fs::path pooling = dir / "1_Pooling" / "config.json";
  if (fs::exists(pooling)) {
    const json j = read_json_file(pooling, "sentence-transformers pooling");
    const JsonFields f(j, pooling.string());
    if (f.boolean_or("pooling_mode_mean_tokens", false)) c.pooling = Pooling::Mean;
    else if (f.boolean_or("pooling_mode_cls_token", false)) c.pooling = Pooling::Cls;
    else throw Error(pooling.string() + ": only CLS and mean pooling are supported");
  }
  const fs::path modules = dir / "modules.json";
  if (fs::exists(modules)) {
    const json list = read_json_file(modules, "sentence-transformers modules");
    if (!list.is_array()) throw Error(modules.string() + ": expected a list of modules");
    for (size_t i = 0; i < list.size(); ++i) {
      const JsonFields m(list[i], modules.string() + ": module " + std::to_string(i));
      if (m.string_or("type", "").find("Normalize") != std::string::npos) c.normalize_embeddings = true;
    }
  }
}

// The length a model was trained at: tokenizer_config.json's model_max_length,
// or sentence-transformers' max_seq_length (sentence_bert_config.json), the
// smaller where both exist. Hugging Face writes a huge number for "no limit",
// which means the position table's.
std::optional<int> read_length_field(const fs::path& path, const char* what, const char* key, int max_tokens) {
  if (!fs::exists(path)) return std::nullopt;
  const json config = read_json_file(path, what);
  const JsonFields f(config, path.string());
  if (!f.has(key)) return std::nullopt;
  const json& v = f.at(key);
  if (!v.is_number() || !(v.get<double>() >= 1)) f.fail(key, "a positive integer");
  if (v.get<double>() >= max_tokens) return std::nullopt;
  return static_cast<int>(f.integer(key, 1, max_tokens));
}

std::optional<int> read_model_max_length(const fs::path& dir, int max_tokens) {
  const auto tokenizer =
      read_length_field(dir / "tokenizer_config.json", "tokenizer configuration", "model_max_length", max_tokens);
  const auto sentence = read_length_field(dir / "sentence_bert_config.json", "sentence-transformers configuration",
                                          "max_seq_length", max_tokens);
  if (tokenizer && sentence) return std::min(*tokenizer, *sentence);
  return tokenizer ? tokenizer : sentence;
}

// Refuses shapes whose fp32 weights alone would not fit in this machine's memory.
void check_fits_in_memory(const ModelConfig& c, const std::string& where) {
  const int64_t h = c.hidden_size, f = c.intermediate_size;
  const int64_t per_layer = 4 * h * h + 2 * h * f + 9 * h + f;
  const int64_t parameters = (c.vocab_size + c.max_position_embeddings + c.type_vocab_size) * h + c.num_layers * per_layer;
  const int64_t bytes = 4 * parameters;
  const int64_t physical = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
  if (physical > 0 && bytes > physical)
    throw Error(where + ": the model's shape needs " + std::to_string(bytes >> 20) + " MiB of fp32 weights, more than this machine's " +
                std::to_string(physical >> 20) + " MiB of memory (a wrong size in config.json?)");
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

Pooling parse_pooling(const std::string& name) {
  if (name == "cls") return Pooling::Cls;
  if (name == "mean") return Pooling::Mean;
  throw Error("unknown pooling '" + name + "': expected cls or mean");
}

int resolve_max_length(const ModelConfig& config, std::optional<int> requested) {
  if (!requested) return config.model_max_length.value_or(config.max_tokens());
  if (*requested < 1) throw Error("max length must be at least 1 token, got " + std::to_string(*requested));
  if (*requested > config.max_tokens())
    throw Error("max length " + std::to_string(*requested) + " exceeds the model's maximum of " +
                std::to_string(config.max_tokens()) + " tokens");
  return *requested;
}

ModelConfig load_config(const fs::path& dir) {
  const fs::path path = dir / "config.json";
  const std::string where = path.string();
  const json j = read_json_file(path, "a model folder needs config.json");
  const JsonFields f(j, where);

  ModelConfig c;
  const std::string model_type = f.string_or("model_type", "bert");
  if (model_type == "bert") c.family = ModelFamily::Bert;
  else if (model_type == "roberta") c.family = ModelFamily::Roberta;
  else if (model_type == "mpnet") c.family = ModelFamily::Mpnet;
  else throw Error(where + ": model_type \"" + model_type + "\" is not supported (bert, roberta, mpnet)");
  const bool roberta = c.family == ModelFamily::Roberta, mpnet = c.family == ModelFamily::Mpnet;

  c.vocab_size = static_cast<int>(f.integer("vocab_size", 1, kMaxVocab));
  c.hidden_size = static_cast<int>(f.integer("hidden_size", 1, kMaxHidden));
  c.num_layers = static_cast<int>(f.integer("num_hidden_layers", 1, kMaxLayers));
  c.num_heads = static_cast<int>(f.integer("num_attention_heads", 1, c.hidden_size));
  c.intermediate_size = static_cast<int>(f.integer("intermediate_size", 1, kMaxIntermediate));
  c.max_position_embeddings = static_cast<int>(f.integer("max_position_embeddings", 1, kMaxPositions));
  if (c.hidden_size % c.num_heads != 0)
    throw Error(where + ": hidden_size " + std::to_string(c.hidden_size) + " is not a multiple of num_attention_heads " +
                std::to_string(c.num_heads));
  // MPNet has no token types: one (zero) type stands in.
  c.type_vocab_size = mpnet ? 1 : static_cast<int>(f.integer_or("type_vocab_size", roberta ? 1 : 2, 1, kMaxVocab));
  // Ids index the embedding table; RoBERTa and MPNet also count positions from it.
  c.pad_token_id = static_cast<int>(f.integer_or("pad_token_id", roberta || mpnet ? 1 : 0, 0, c.vocab_size - 1));
  if (mpnet) c.relative_attention_buckets = static_cast<int>(f.integer_or("relative_attention_num_buckets", 32, 2, 1024));
  if (c.max_tokens() < 1)
    throw Error(where + ": max_position_embeddings " + std::to_string(c.max_position_embeddings) +
                " leaves no room for tokens after RoBERTa's position offset " + std::to_string(c.position_offset()));
  c.layer_norm_eps = static_cast<float>(f.number_or("layer_norm_eps", 1e-12, 1e-30, 1.0));
  const std::string act = f.string_or("hidden_act", "gelu");
  if (act != "gelu") throw Error(where + ": hidden_act \"" + act + "\" is not supported (gelu)");
  check_fits_in_memory(c, where);

  std::string architecture;
  if (f.has("architectures")) {
    const json& list = f.at("architectures");
    if (!list.is_array() || (!list.empty() && !list[0].is_string())) f.fail("architectures", "a list of names");
    if (!list.empty()) architecture = list[0].get<std::string>();
  }
  if (architecture.find("ForSequenceClassification") != std::string::npos)
    c.head = roberta || mpnet ? HeadKind::RobertaClassifier : HeadKind::BertClassifier;  // MPNet's head is RoBERTa's

  if (c.head != HeadKind::None) {
    if (f.has("id2label")) {
      const JsonFields labels(f.at("id2label"), where + ": \"id2label\"");
      c.labels.resize(f.at("id2label").size());
      for (const auto& [key, value] : f.at("id2label").items()) {
        size_t id = 0;
        try {
          id = std::stoul(key);
        } catch (const std::exception&) {
          throw Error(where + ": id2label key \"" + key + "\" is not a class id");
        }
        if (id >= c.labels.size()) throw Error(where + ": id2label ids are not 0.." + std::to_string(c.labels.size() - 1));
        c.labels[id] = labels.string_or(key.c_str(), "LABEL_" + key);
      }
    }
    // Hugging Face leaves both out for its default of two labels.
    c.num_labels = static_cast<int>(
        f.integer_or("num_labels", c.labels.empty() ? 2 : static_cast<int64_t>(c.labels.size()), 1, kMaxLabels));
    if (f.string_or("problem_type", "") == "regression") c.num_labels = 1;
    if (c.labels.size() != static_cast<size_t>(c.num_labels)) {
      c.labels.clear();
      for (int i = 0; i < c.num_labels; ++i) c.labels.push_back("LABEL_" + std::to_string(i));
    }
  }

  if (f.has("ltp")) {
    c.pruning = parse_pruning(f.at("ltp"), c.num_layers, where);
    const JsonFields ltp(f.at("ltp"), where + ": \"ltp\"");
    if (ltp.has("precision")) {
      try {
        c.precision = parse_precision(ltp.string_or("precision", ""));
      } catch (const Error& e) {
        throw Error(where + ": \"ltp.precision\": " + e.what());
      }
    }
    if (ltp.has("mean_over")) {
      const std::string mean_over = ltp.string_or("mean_over", "");
      if (mean_over != "all" && mean_over != "survivors")
        throw Error(where + ": \"ltp.mean_over\" is '" + mean_over + "': expected all or survivors");
      c.pool_pruned_tokens = mean_over == "all";
    }
  }
  read_sentence_transformers_pooling(dir, c);
  c.model_max_length = read_model_max_length(dir, c.max_tokens());
  return c;
}

}  // namespace ltp
