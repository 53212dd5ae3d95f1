// Packs a batch and computes  LayerNorm(word + position + token_type).
#include "layers/encoder_state.h"
#include "ltp/encoder.h"
#include "model/weights.h"
#include "ops/layer_norm.h"
#include "ops/memory.h"
#include "ops/rows.h"

namespace ltp {

void Encoder::embed(std::span<const Encoding> batch) {
  const ModelConfig& c = model_.config();
  Buffers& b = *buffers_;
  b.offsets.assign(1, 0);
  b.original_lengths.clear();
  b.ids.clear();
  b.type_ids.clear();
  b.position_ids.clear();
  b.positions.clear();
  for (const Encoding& e : batch) {
    b.ids.insert(b.ids.end(), e.ids.begin(), e.ids.end());
    b.type_ids.insert(b.type_ids.end(), e.type_ids.begin(), e.type_ids.end());
    // RoBERTa and MPNet number non-pad tokens from pad_token_id + 1 and give pads
    // pad_token_id itself, as Hugging Face's create_position_ids_from_input_ids.
    int32_t counted = 0;
    for (size_t i = 0; i < e.ids.size(); ++i) {
      b.positions.push_back(static_cast<int32_t>(i));
      if (c.family != ModelFamily::Bert)
        b.position_ids.push_back(e.ids[i] == c.pad_token_id ? c.pad_token_id : c.pad_token_id + ++counted);
      else
        b.position_ids.push_back(static_cast<int32_t>(i));
    }
    b.original_lengths.push_back(static_cast<int>(e.ids.size()));
    b.offsets.push_back(b.offsets.back() + static_cast<int64_t>(e.ids.size()));
  }

  const EmbeddingWeights& w = weights_of(model_).embeddings;
  const int64_t total = b.alive(), h = c.hidden_size;
  b.hidden.resize({total, h});
  b.pruned_sum.resize({b.num_seqs(), h});
  ops::fill_zero(model_.device(), b.pruned_sum.data(), static_cast<size_t>(b.pruned_sum.size()) * sizeof(float));
  b.device_offsets = b.offsets_on_device.upload(b.offsets);
  b.device_positions = b.positions_on_device.upload(b.positions);
  ops::embedding_sum(model_.device(),
                     {w.word.data(), w.position.data(), w.token_type.data(), b.ids_on_device.upload(b.ids),
                      b.position_ids_on_device.upload(b.position_ids), b.type_ids_on_device.upload(b.type_ids), total,
                      h, b.hidden.data()});
  ops::layer_norm(model_.device(), b.hidden.data(), total,
                  {w.norm.gamma.data(), w.norm.beta.data(), h, c.layer_norm_eps});
}

}  // namespace ltp
