// Where an Encoder's time goes, stage by stage (EncoderOptions::time_stages):
// the time from the end of one stage's work to the end of the next, as the
// model's device sees it (CUDA events on the stream; the clock on the CPU,
// where every op finishes before it returns). The stages tile each run, so
// their sum is the run's time on the device; on CUDA a stage also holds any
// wait for the host inside it (Pruning: reading the scores back, choosing the
// survivors, uploading the new layout), and, as threads share the one stream,
// any kernels another thread queued in between. Reading CUDA events back
// waits for the run's end, once per run: time stages in passes of their own.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ltp {

enum class EncoderStage {
  Embeddings,     // embedding sums and LayerNorm (inputs uploaded first on CUDA)
  QkvGemm,        // the fused query/key/value projection
  Attention,      // scores, softmax, probabilities × values, importance scores
  Pruning,        // survivors chosen, rows compacted (every layer: bookkeeping where nothing is pruned)
  OutputGemm,     // attention output projection + residual
  AttentionNorm,  // LayerNorm after attention
  FfnInGemm,      // intermediate projection + GELU
  FfnOutGemm,     // output projection + residual
  OutputNorm,     // LayerNorm after the FFN
  Head,           // pooling, classifier or embedding, results to the host
};
inline constexpr size_t kEncoderStageCount = static_cast<size_t>(EncoderStage::Head) + 1;

// A stable snake_case id ("qkv_gemm"): table columns and JSON keys.
const char* stage_name(EncoderStage stage);

struct StageTimes {
  std::array<double, kEncoderStageCount> seconds{};  // summed over runs
  int64_t runs = 0;

  double total() const;
  StageTimes operator-(const StageTimes& earlier) const;  // the runs since `earlier`
};

}  // namespace ltp
