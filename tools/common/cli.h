// Options every program shares (README "Programs") and the
// guard that maps errors to exit codes: 0 ok, 1 usage, 2 runtime.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ltp/encoder.h"
#include "ltp/model.h"
#include "ltp/pruning.h"

namespace ltp::cli {

struct ModelOptions {
  std::filesystem::path model_dir;
  std::string device = "cpu";
  std::string precision;  // empty: the model's default
  int threads = 0;
  int max_length = 0;  // 0: the model's own maximum
};

struct PruneOptions {
  std::string prune = "config";
  std::vector<float> thresholds;
  std::optional<float> threshold_scale;
  std::optional<float> keep_rate;
  std::vector<float> keep_rates;  // empty: not given
};

struct PoolingOptions {
  std::string pooling;  // empty: the model folder's choice
  std::string normalize;  // "", "on", "off"
  std::string mean_over;  // "all": pruned tokens from where they left; "survivors"; empty: the folder's
};

// The model used without -m: $LTP_MODEL, else <prefix>/share/ltp/models/default
// beside the running program's bin/.
std::filesystem::path default_model_dir();
void add_model_options(CLI::App& app, ModelOptions& options);
void add_prune_options(CLI::App& app, PruneOptions& options);
void add_pooling_options(CLI::App& app, PoolingOptions& options);

// Loads the model after applying --threads, --device and --precision; says once
// on stderr what precision_warning says (bf16 emulated, int8 without VNNI).
std::unique_ptr<Model> load_model(const ModelOptions& options);
std::optional<Precision> requested_precision(const ModelOptions& options);
void warn_about_precision(Device device, Precision precision);
// The model's maximum, or --max-length when it is valid for this model.
int resolve_max_length(const ModelOptions& options, const ModelConfig& config);
// The model's pruning configuration after the command-line overrides.
EncoderOptions resolve_encoder_options(const PruneOptions& prune, const PoolingOptions& pooling,
                                       const ModelConfig& config);

// Thrown for mistakes on the command line (exit code 1).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses argv and runs body; prints errors to stderr; returns the exit code.
int run_program(CLI::App& app, int argc, char** argv, const std::function<void()>& body);

}  // namespace ltp::cli
