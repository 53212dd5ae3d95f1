// How a model folder's settings and a caller's overrides combine into the
// options an Encoder runs with (include/ltp/encoder.h).
#include "ltp/encoder.h"

namespace ltp {

EncoderOptions resolve_encoder_options(const ModelConfig& config, const EncoderOverrides& overrides) {
  EncoderOptions options;
  options.pruning = apply_overrides(config.pruning, overrides.pruning, config.num_layers);
  options.pooling = overrides.pooling.value_or(config.pooling);
  options.normalize = overrides.normalize.value_or(config.normalize_embeddings);
  if (const auto every_token = overrides.pool_pruned_tokens ? overrides.pool_pruned_tokens : config.pool_pruned_tokens)
    options.pool_pruned_tokens = *every_token;
  return options;
}

}  // namespace ltp
