#include "ltp/stage_times.h"

namespace ltp {

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::Embeddings: return "embeddings";
    case Stage::QkvGemm: return "QKV GEMM";
    case Stage::Attention: return "attention";
    case Stage::Pruning: return "pruning";
    case Stage::OutputGemm: return "output GEMM";
    case Stage::AttentionNorm: return "attention LayerNorm";
    case Stage::FfnInGemm: return "FFN in GEMM + GELU";
    case Stage::FfnOutGemm: return "FFN out GEMM";
    case Stage::OutputNorm: return "output LayerNorm";
    case Stage::Head: return "head";
  }
  return "unknown";
}

double StageTimes::total() const {
  double sum = 0.0;
  for (double s : seconds) sum += s;
  return sum;
}

StageTimes StageTimes::operator-(const StageTimes& earlier) const {
  StageTimes since = *this;
  for (size_t i = 0; i < kStageCount; ++i) since.seconds[i] -= earlier.seconds[i];
  since.runs -= earlier.runs;
  return since;
}

}  // namespace ltp
