// After the last layer: B sequences, H hidden, C classes.
// Classifiers read the first token (never pruned); embedding models pool.
#include <algorithm>
#include <cmath>

#include "layers/encoder_state.h"
#include "ltp/encoder.h"
#include "model/weights.h"
#include "ops/linear.h"
#include "ops/memory.h"
#include "ops/rows.h"

namespace ltp {

namespace {

// rows: the survivors of the last layer. extra: the summed states of pruned
// tokens to include in a mean over `tokens` tokens (nullptr: survivors only).
std::vector<float> pool(const float* rows, int64_t count, int64_t width, Pooling pooling, bool normalize,
                        const float* extra, int64_t tokens) {
  std::vector<float> v(rows, rows + width);  // CLS: the first row
  if (pooling == Pooling::Mean) {
    for (int64_t r = 1; r < count; ++r)
      for (int64_t i = 0; i < width; ++i) v[static_cast<size_t>(i)] += rows[r * width + i];
    if (extra)
      for (int64_t i = 0; i < width; ++i) v[static_cast<size_t>(i)] += extra[i];
    for (float& x : v) x /= static_cast<float>(extra ? tokens : count);
  }
  if (normalize) {
    double norm = 0.0;
    for (float x : v) norm += double{x} * x;
    // sentence-transformers divides by max(‖v‖, 1e-12).
    const float inv = static_cast<float>(1.0 / std::max(std::sqrt(norm), 1e-12));
    for (float& x : v) x *= inv;
  }
  return v;
}

}  // namespace

std::vector<float> class_probabilities(std::span<const float> logits) {
  if (logits.empty()) return {};
  // Shifting by the largest logit keeps exp() finite for any finite logits.
  const float max_logit = *std::max_element(logits.begin(), logits.end());
  std::vector<float> probs(logits.size());
  float sum = 0.0f;
  for (size_t i = 0; i < probs.size(); ++i) sum += probs[i] = std::exp(logits[i] - max_logit);
  for (float& p : probs) p /= sum;
  return probs;
}

void Encoder::run_head(std::vector<SequenceOutput>& out) {
  const ModelConfig& c = model_.config();
  const Device device = model_.device();
  Buffers& b = *buffers_;
  const int64_t h = c.hidden_size, seqs = b.num_seqs();

  if (options_.keep_hidden_states || c.head == HeadKind::None) {
    const float* hidden = ops::host_view(b.hidden.data(), device, static_cast<size_t>(b.hidden.size()), b.host_hidden);
    const float* pruned_sum =
        pools_pruned_tokens()
            ? ops::host_view(b.pruned_sum.data(), device, static_cast<size_t>(b.pruned_sum.size()), b.host_pruned_sum)
            : nullptr;
    for (int64_t s = 0; s < seqs; ++s) {
      const int64_t begin = b.offsets[static_cast<size_t>(s)], count = b.offsets[static_cast<size_t>(s) + 1] - begin;
      SequenceOutput& o = out[static_cast<size_t>(s)];
      const float* rows = hidden + begin * h;
      if (options_.keep_hidden_states) {
        o.hidden_states.assign(rows, rows + count * h);
        o.positions.assign(b.positions.begin() + begin, b.positions.begin() + begin + count);
      }
      if (c.head == HeadKind::None)
        o.values = pool(rows, count, h, options_.pooling, options_.normalize, pruned_sum ? pruned_sum + s * h : nullptr,
                        b.original_lengths[static_cast<size_t>(s)]);
    }
  }
  if (c.head == HeadKind::None) return;

  // First token of every sequence → [B × H] → dense + tanh → classifier.
  const HeadWeights& w = *weights_of(model_).head;
  b.first_rows.assign(b.offsets.begin(), b.offsets.end() - 1);
  b.head_input.resize({seqs, h});
  ops::gather_rows(device, {b.hidden.data(), b.rows_on_device.upload(b.first_rows), seqs, h, b.head_input.data()});
  b.head_pooled.resize({seqs, h});
  w.dense.forward(b.head_input.data(), seqs, b.head_pooled.data(), ops::Epilogue::Tanh);
  b.logits.resize({seqs, c.num_labels});
  w.classifier.forward(b.head_pooled.data(), seqs, b.logits.data(), ops::Epilogue::None);
  const float* logits = ops::host_view(b.logits.data(), device, static_cast<size_t>(b.logits.size()), b.host_logits);
  for (int64_t s = 0; s < seqs; ++s)
    out[static_cast<size_t>(s)].values.assign(logits + s * c.num_labels, logits + (s + 1) * c.num_labels);
}

}  // namespace ltp
