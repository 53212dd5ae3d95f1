// How a model folder's settings and a caller's overrides combine into the
// options an Encoder runs with (include/ltp/encoder.h).
#include "ltp/encoder.h"

namespace ltp {

EncoderOptions resolve_encoder_options(const ModelConfig& config, const EncoderOverrides& overrides) {
  EncoderOptions options;
  options.pruning = apply_overrides(config.pruning, overrides.pruning, config.num_layers);
  options.pooling = overrides.pooling.value_or(config.pooling);
  options.normalize = overrides.normalize.value_or(config.normalize_embeddings);
  options.pool_pruned_tokens =
      overrides.pool_pruned_tokens.value_or(config.pool_pruned_tokens.value_or(options.pool_pruned_tokens));
  return options;
}

}  // namespace ltp
