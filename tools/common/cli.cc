#include "cli.h"

#include <cstdlib>
#include <iostream>

#include "ltp/error.h"

namespace ltp::cli {

namespace fs = std::filesystem;

fs::path default_model_dir() {
  if (const char* from_environment = std::getenv("LTP_MODEL"); from_environment && *from_environment)
    return from_environment;
  // <prefix>/bin/ltp-run → <prefix>/share/ltp/models/default; the build tree
  // links build/share/ltp/models/default to the source tree's models/default.
  std::error_code error;
  const fs::path program = fs::read_symlink("/proc/self/exe", error);
  if (error) return "models/default";
  return program.parent_path().parent_path() / "share" / "ltp" / "models" / "default";
}

void add_model_options(CLI::App& app, ModelOptions& o) {
  o.model_dir = default_model_dir();
  app.add_option("-m,--model", o.model_dir,
                 "Model folder (config.json, model.safetensors, tokenizer files); default: $LTP_MODEL, else the "
                 "model installed beside the program")
      ->capture_default_str();
  app.add_option("--device", o.device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  app.add_option("--precision", o.precision,
                 "fp32, bf16, int8 (cpu only), fp16 (cuda only) or tf32 (cuda only) GEMMs (default: config.json's "
                 "ltp.precision, else fp32)")
      ->check(CLI::IsMember({"fp32", "bf16", "int8", "fp16", "tf32"}));
  app.add_option("--threads", o.threads, "CPU threads (0: all cores)")->check(CLI::Range(0, kMaxThreads));
  app.add_option("--max-length", o.max_length,
                 "Tokens per input after truncation (default: tokenizer_config.json's model_max_length, else the "
                 "model's maximum)")
      ->check(CLI::Range(1, 1 << 20));
}

void add_prune_options(CLI::App& app, PruneOptions& o) {
  app.add_option("--prune", o.prune, "none: run dense; config: prune as config.json says")
      ->check(CLI::IsMember({"none", "config"}))
      ->capture_default_str();
  app.add_option("--thresholds", o.thresholds, "Per-layer thresholds, e.g. 0,0.01,0.02 (absolute_threshold unless "
                                               "config.json names another threshold mode)")
      ->delimiter(',');
  // Conflicting choices (--prune none with another, a keep rate with --threshold-scale) are
  // refused by apply_overrides, where the Python package meets the same rules.
  app.add_option("--threshold-scale", o.threshold_scale, "Multiply the thresholds by s (e.g. 0.5)");
  app.add_option("--keep-rate", o.keep_rate, "topk pruning with this final keep rate, in (0, 1]");
  app.add_option("--keep-rates", o.keep_rates,
                 "topk pruning with these per-layer keep rates instead of the cascade, e.g. 1,1,0.8,0.6")
      ->delimiter(',');
}

void add_pooling_options(CLI::App& app, PoolingOptions& o) {
  app.add_option("--pooling", o.pooling, "Embedding models: cls or mean (default: the model folder's)")
      ->check(CLI::IsMember({"cls", "mean"}));
  app.add_option("--normalize", o.normalize, "Embedding models: L2-normalise, on or off (default: the folder's)")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--mean-over", o.mean_over,
                 "Embedding models with pruning, mean pooling: all tokens (each pruned one as it was when it "
                 "left) or survivors (of the last layer) (default: config.json's ltp.mean_over, else all)")
      ->check(CLI::IsMember({"all", "survivors"}));
}

std::optional<Precision> requested_precision(const ModelOptions& o) {
  if (o.precision.empty()) return std::nullopt;
  return parse_precision(o.precision);
}

void warn_about_precision(Device device, Precision precision) {
  if (const std::string warning = precision_warning(device, precision); !warning.empty())
    std::cerr << "ltp: " << warning << "\n";
}

std::unique_ptr<Model> load_model(const ModelOptions& o) {
  set_num_threads(o.threads);
  auto model = Model::load(o.model_dir, parse_device(o.device), requested_precision(o));
  warn_about_precision(model->device(), model->precision());
  return model;
}

int resolve_max_length(const ModelOptions& o, const ModelConfig& config) {
  try {
    return ltp::resolve_max_length(config, o.max_length == 0 ? std::nullopt : std::optional<int>(o.max_length));
  } catch (const Error& err) {
    throw UsageError(std::string("--max-length: ") + err.what());
  }
}

EncoderOptions resolve_encoder_options(const PruneOptions& p, const PoolingOptions& pooling, const ModelConfig& c) {
  EncoderOverrides overrides;
  overrides.pruning.disable = p.prune == "none";
  if (!p.thresholds.empty()) overrides.pruning.thresholds = p.thresholds;
  overrides.pruning.threshold_scale = p.threshold_scale;
  overrides.pruning.keep_rate = p.keep_rate;
  if (!p.keep_rates.empty()) overrides.pruning.keep_rates = p.keep_rates;
  if (!pooling.pooling.empty()) overrides.pooling = parse_pooling(pooling.pooling);
  if (!pooling.normalize.empty()) overrides.normalize = pooling.normalize == "on";
  if (!pooling.mean_over.empty()) overrides.pool_pruned_tokens = pooling.mean_over == "all";
  try {
    return ltp::resolve_encoder_options(c, overrides);
  } catch (const Error& err) {
    throw UsageError(err.what());
  }
}

int run_program(CLI::App& app, int argc, char** argv, const std::function<void()>& body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  try {
    body();
    return 0;
  } catch (const UsageError& e) {
    std::cerr << app.get_name() << ": " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << app.get_name() << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ltp::cli
