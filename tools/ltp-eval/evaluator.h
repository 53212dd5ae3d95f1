// Runs a model over a GLUE task's examples and scores it with the task's metrics.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/glue_tasks.h"
#include "ltp/encoder.h"
#include "ltp/model.h"

namespace ltp::eval {

struct EvalResult {
  std::string task;
  std::string point;  // what was varied ("dense", "threshold-scale=0.5", ...)
  std::string precision;  // the model's GEMM precision ("fp32", "int8", ...)
  bool int8_smoothing = false;  // int8 inputs smoothed by the folder's int8_smoothing.safetensors
  int64_t examples = 0;
  std::vector<std::pair<std::string, double>> metrics;
  int64_t flops = 0;        // performed, all sequences
  int64_t flops_dense = 0;  // the same inputs without pruning
  std::vector<double> tokens_kept_per_layer;  // mean over sequences
  double seconds = 0.0;     // model time, tokenization excluded
  int64_t sequences = 0;    // two per example for embedding models

  double reduction() const { return flops ? static_cast<double>(flops_dense) / static_cast<double>(flops) : 0.0; }
  double throughput() const { return seconds > 0 ? static_cast<double>(sequences) / seconds : 0.0; }
};

// Model class c → index into task.labels: matched by name (id2label against the
// task's raw or readable label names), else the GLUE processors' order when the
// model's names are generic (LABEL_0, ...). Throws ltp::Error on any mismatch.
std::vector<int> map_labels(const ModelConfig& config, const GlueTask& task);

struct EvalOptions {
  int batch_size = 32;
  int max_length = 0;
};

// Classifiers predict directly; models without a head score a pair by the
// cosine similarity of the two pooled embeddings (STS-B: correlations; binary
// tasks: accuracy and F1 at their best thresholds).
EvalResult evaluate(const Model& model, const EncoderOptions& encoder_options, const GlueTask& task,
                    const std::vector<Example>& examples, const EvalOptions& options);

}  // namespace ltp::eval
