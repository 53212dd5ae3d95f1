// The layer loop.  B sequences, T alive tokens (packed), H hidden, I intermediate.
// Layer l: QKV and attention on the T tokens alive at l; then pruned rows are
// compacted away, and the output projection, residual, LayerNorm and FFN of l
// (and every later layer) run on the kept rows only.
#include "ltp/encoder.h"

#include "layers/encoder_state.h"
#include "ltp/error.h"
#include "ltp/flops.h"
#include "model/weights.h"
#include "ops/attention_scores.h"
#include "ops/layer_norm.h"
#include "ops/linear.h"
#include "ops/rows.h"

namespace ltp {

Encoder::Encoder(const Model& model, EncoderOptions options)
    : model_(model),
      options_(std::move(options)),
      pruner_(options_.pruning, model.config().num_layers, model.config().num_heads),
      buffers_(std::make_unique<Buffers>()) {}

Encoder::~Encoder() = default;

std::vector<SequenceOutput> Encoder::run(std::span<const Encoding> batch) {
  std::vector<SequenceOutput> out(batch.size());
  if (batch.empty()) return out;
  for (size_t s = 0; s < batch.size(); ++s) {
    try {
      model_.validate(batch[s]);
    } catch (const Error& e) {
      throw Error("batch input " + std::to_string(s) + ": " + e.what());
    }
  }
  const ModelConfig& c = model_.config();
  for (size_t s = 0; s < batch.size(); ++s) {
    out[s].flops_dense = dense_flops(c, static_cast<int64_t>(batch[s].ids.size()));
    out[s].flops = head_flops(c);
  }
  embed(batch);
  for (int l = 0; l < c.num_layers; ++l) run_layer(l, out);
  run_head(out);
  return out;
}

bool Encoder::pools_pruned_tokens() const {
  return options_.pool_pruned_tokens && options_.pooling == Pooling::Mean && model_.config().head == HeadKind::None;
}

// Adds the state each token pruned at this layer had when it left (the previous
// layer's output) to its sequence's pooled sum.
void Encoder::add_pruned_states(int64_t seq, int64_t begin, int n) {
  Buffers& b = *buffers_;
  const int64_t h = model_.config().hidden_size;
  float* sum = b.pruned_sum.row(seq);
  size_t next_kept = 0;
  for (int j = 0; j < n; ++j) {
    if (next_kept < b.kept.size() && b.kept[next_kept] == j) {
      ++next_kept;
      continue;
    }
    const float* row = b.hidden.row(begin + j);
    for (int64_t i = 0; i < h; ++i) sum[i] += row[i];
  }
}

void Encoder::run_layer(int l, std::vector<SequenceOutput>& out) {
  const ModelConfig& c = model_.config();
  const LayerWeights& w = model_.weights().layers[static_cast<size_t>(l)];
  const Device device = model_.device();
  Buffers& b = *buffers_;
  const int64_t h = c.hidden_size;
  const int64_t alive = b.alive();
  const bool prune = pruner_.prunes_at(l);

  b.qkv.resize({alive, 3 * h});
  b.context.resize({alive, h});
  b.scores.resize({prune ? alive : 0});
  w.qkv.forward(b.hidden.data(), alive, b.qkv.data(), ops::Epilogue::None);
  ops::attention(device, {b.qkv.data(), b.offsets.data(), b.num_seqs(), c.num_heads, c.head_dim(), b.context.data(),
                          prune ? b.scores.data() : nullptr});

  // Decide per sequence, then compact hidden (the residual), context and positions.
  b.keep_rows.clear();
  int64_t next_offset = 0;
  for (int64_t s = 0; s < b.num_seqs(); ++s) {
    const int64_t begin = b.offsets[static_cast<size_t>(s)];
    const int n = static_cast<int>(b.offsets[static_cast<size_t>(s) + 1] - begin);
    if (prune) {
      pruner_.select(l, b.scores.data() + begin, n, b.original_lengths[static_cast<size_t>(s)], b.kept);
    } else {
      b.kept.resize(static_cast<size_t>(n));
      for (int j = 0; j < n; ++j) b.kept[static_cast<size_t>(j)] = j;
    }
    for (int j : b.kept) b.keep_rows.push_back(begin + j);
    if (pools_pruned_tokens() && b.kept.size() < static_cast<size_t>(n)) add_pruned_states(s, begin, n);
    const int kept = static_cast<int>(b.kept.size());
    out[static_cast<size_t>(s)].tokens_kept.push_back(kept);
    out[static_cast<size_t>(s)].flops += layer_flops(c, n, kept);
    b.offsets[static_cast<size_t>(s)] = next_offset;
    next_offset += kept;
  }
  b.offsets.back() = next_offset;
  const int64_t kept_total = next_offset;
  if (kept_total != alive) {
    ops::compact_rows(device, b.hidden.data(), h, b.keep_rows.data(), kept_total);
    ops::compact_rows(device, b.context.data(), h, b.keep_rows.data(), kept_total);
    for (int64_t r = 0; r < kept_total; ++r) b.positions[static_cast<size_t>(r)] = b.positions[static_cast<size_t>(b.keep_rows[static_cast<size_t>(r)])];
    b.positions.resize(static_cast<size_t>(kept_total));
    b.hidden.resize({kept_total, h});
  }

  // hidden = LN(hidden + context·Woᵀ + bo);  hidden = LN(hidden + FFN(hidden))
  w.attention_out.forward(b.context.data(), kept_total, b.hidden.data(), ops::Epilogue::AddToOutput);
  ops::layer_norm(device, b.hidden.data(), kept_total,
                  {w.attention_norm.gamma.data(), w.attention_norm.beta.data(), h, c.layer_norm_eps});
  b.intermediate.resize({kept_total, c.intermediate_size});
  w.intermediate.forward(b.hidden.data(), kept_total, b.intermediate.data(), ops::Epilogue::Gelu);
  w.output.forward(b.intermediate.data(), kept_total, b.hidden.data(), ops::Epilogue::AddToOutput);
  ops::layer_norm(device, b.hidden.data(), kept_total,
                  {w.output_norm.gamma.data(), w.output_norm.beta.data(), h, c.layer_norm_eps});
}

}  // namespace ltp
