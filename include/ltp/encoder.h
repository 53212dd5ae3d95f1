// The layer runner: packed batch → embeddings → L encoder layers with token
// pruning and compaction → head. Buffers live in the Encoder and are reused.
//
// Thread safety: a Model is immutable once loaded and may be shared by any
// number of threads (Model::encode and Model::validate included). An Encoder
// holds per-run buffers: use one Encoder per thread (never one from two threads
// at once). Results do not depend on which thread or batch ran an input (on
// CUDA, to the last bits only: cuBLAS and attention choose their work split by
// the batch's size).
// CPU ops started from a thread use that thread's OpenMP setting
// (set_num_threads), so N threads × M OpenMP threads should not exceed the cores.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ltp/config.h"
#include "ltp/model.h"
#include "ltp/pruning.h"
#include "ltp/stage_times.h"
#include "ltp/tokenizer.h"

namespace ltp {

class Tensor;  // src/tensor.h
namespace ops {
class StageClock;  // src/ops/stage_clock.h
}

struct EncoderOptions {
  PruningConfig pruning;           // already resolved (config + overrides)
  Pooling pooling = Pooling::Cls;  // models without a head
  bool normalize = false;          // L2-normalise embeddings
  bool keep_hidden_states = false; // copy out the final token states
  // Mean pooling with pruning: also average each pruned token's state from the
  // layer where it left (false: the survivors of the last layer only). The
  // default unless the folder's "ltp.mean_over" says otherwise; measured better
  // on STS-B (docs/pruning.md).
  bool pool_pruned_tokens = true;
  // Time each stage of every run (Encoder::stage_times); costs a clock read or
  // a CUDA event per stage, and on CUDA a wait for the events once per run.
  bool time_stages = false;
};

// A caller's choices over a model folder's own settings; empty fields keep the
// folder's. The programs fill it from their options, the Python package from
// its keyword arguments, so both run a model the same way.
struct EncoderOverrides {
  PruneOverrides pruning;
  std::optional<Pooling> pooling;
  std::optional<bool> normalize;
  std::optional<bool> pool_pruned_tokens;  // see EncoderOptions
};

// The folder's settings (config.json, 1_Pooling) after `overrides`. Throws
// ltp::Error on pruning overrides that do not fit the model or each other.
EncoderOptions resolve_encoder_options(const ModelConfig& config, const EncoderOverrides& overrides);

struct SequenceOutput {
  // Logits (classifier; one value for regression) or the pooled embedding.
  std::vector<float> values;
  std::vector<int> tokens_kept;    // per layer, after that layer's pruning
  int64_t flops = 0;               // performed
  int64_t flops_dense = 0;         // the same input without pruning
  // With keep_hidden_states: [survivors × hidden] and each survivor's position.
  std::vector<float> hidden_states;
  std::vector<int> positions;
};

// A classifier's class probabilities: the softmax of its logits, in float.
std::vector<float> class_probabilities(std::span<const float> logits);

class Encoder {
 public:
  Encoder(const Model& model, EncoderOptions options);
  ~Encoder();

  // One output per input, in order. Inputs must pass Model::validate.
  std::vector<SequenceOutput> run(std::span<const Encoding> batch);

  // With EncoderOptions::time_stages: each stage's time summed over the runs
  // so far (subtract an earlier copy for a window); else all zero.
  const StageTimes& stage_times() const { return stage_times_; }

 private:
  struct Buffers;
  void embed(std::span<const Encoding> batch);
  void run_layer(int layer, std::vector<SequenceOutput>& out);
  void run_head(std::vector<SequenceOutput>& out);
  void select_survivors(int layer, const float* scores, std::vector<SequenceOutput>& out);
  void compact(Tensor& rows, const int64_t* keep);
  bool pools_pruned_tokens() const;
  void mark(EncoderStage finished);

  const Model& model_;
  EncoderOptions options_;
  TokenPruner pruner_;
  std::unique_ptr<Buffers> buffers_;
  std::unique_ptr<ops::StageClock> clock_;  // with time_stages only
  StageTimes stage_times_;
};

}  // namespace ltp
