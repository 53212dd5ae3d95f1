#include "ltp/stage_times.h"

namespace ltp {

const char* stage_name(EncoderStage stage) {
  switch (stage) {
    case EncoderStage::Embeddings: return "embeddings";
    case EncoderStage::QkvGemm: return "qkv_gemm";
    case EncoderStage::Attention: return "attention";
    case EncoderStage::Pruning: return "pruning";
    case EncoderStage::OutputGemm: return "output_gemm";
    case EncoderStage::AttentionNorm: return "attention_norm";
    case EncoderStage::FfnInGemm: return "ffn_in_gemm";
    case EncoderStage::FfnOutGemm: return "ffn_out_gemm";
    case EncoderStage::OutputNorm: return "output_norm";
    case EncoderStage::Head: return "head";
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
  for (size_t i = 0; i < kEncoderStageCount; ++i) since.seconds[i] -= earlier.seconds[i];
  since.runs -= earlier.runs;
  return since;
}

}  // namespace ltp
