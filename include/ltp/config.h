// config.json of a model folder: the Hugging Face fields the engine needs plus
// the "ltp" pruning section (docs/pruning.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ltp/device.h"

namespace ltp {

enum class ModelFamily { Bert, Roberta, Mpnet };
enum class HeadKind { None, BertClassifier, RobertaClassifier };
enum class PruneMode { None, AbsoluteThreshold, Threshold, RisingThreshold, TopK };
enum class Pooling { Cls, Mean };

// The "ltp" section's format: "ltp.format_version" (absent means 1). Loaders
// refuse a newer version (docs/pruning.md).
inline constexpr int kLtpFormatVersion = 1;

struct PruningConfig {
  PruneMode mode = PruneMode::None;
  std::vector<float> thresholds = {};         // one per layer; resolved for rising_threshold
  std::optional<int> score_norm_length = {};  // N in s_j = sum / (H * N); empty = alive count
  std::optional<float> keep_rate = {};        // topk: the cascade's final keep rate
  std::vector<float> keep_rates = {};         // topk: one rate per layer instead of the cascade
};

struct ModelConfig {
  ModelFamily family = ModelFamily::Bert;
  HeadKind head = HeadKind::None;
  int vocab_size = 0;
  int hidden_size = 0;
  int num_layers = 0;
  int num_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 0;
  int type_vocab_size = 0;
  int pad_token_id = 0;
  int relative_attention_buckets = 0;  // MPNet: buckets of its relative position bias; 0 = none
  float layer_norm_eps = 1e-12f;
  int num_labels = 0;                 // 1 = regression
  std::vector<std::string> labels;    // id2label, index = class id
  Pooling pooling = Pooling::Cls;     // for models without a head
  bool normalize_embeddings = false;
  PruningConfig pruning;
  std::optional<Precision> precision;  // "ltp.precision": the default --precision
  // "ltp.mean_over": "all" (true) or "survivors" (false), the default pooling
  // of pruned tokens under mean pooling (EncoderOptions::pool_pruned_tokens).
  std::optional<bool> pool_pruned_tokens;
  // tokenizer_config.json's model_max_length when below max_tokens(): the
  // length the model was trained at, the programs' default --max-length.
  std::optional<int> model_max_length;

  int head_dim() const { return hidden_size / num_heads; }
  // RoBERTa and MPNet count positions from pad_token_id + 1.
  int position_offset() const { return family == ModelFamily::Bert ? 0 : pad_token_id + 1; }
  // Longest input the position table allows.
  int max_tokens() const { return max_position_embeddings - position_offset(); }
  bool is_regression() const { return head != HeadKind::None && num_labels == 1; }
};

// Reads and validates `dir`/config.json (and a sentence-transformers
// 1_Pooling/config.json when present). Throws ltp::Error naming the file and field.
ModelConfig load_config(const std::filesystem::path& dir);

const char* prune_mode_name(PruneMode mode);
PruneMode parse_prune_mode(const std::string& name);
// "cls" or "mean"; anything else throws ltp::Error.
Pooling parse_pooling(const std::string& name);

// Tokens per input after truncation: `requested`, else the length the model was
// trained at (model_max_length), else max_tokens(). Throws ltp::Error when
// `requested` is below 1 or above max_tokens().
int resolve_max_length(const ModelConfig& config, std::optional<int> requested);

}  // namespace ltp
