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
#include "ops/memory.h"
#include "ops/rows.h"
#include "ops/stage_clock.h"

namespace ltp {

Encoder::Encoder(const Model& model, EncoderOptions options)
    : model_(model),
      options_(std::move(options)),
      pruner_(options_.pruning, model.config().num_layers, model.config().num_heads),
      buffers_(std::make_unique<Buffers>(model.device())),
      clock_(options_.time_stages ? std::make_unique<ops::StageClock>(model.device()) : nullptr) {}

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
  if (clock_) clock_->start();
  embed(batch);
  mark(EncoderStage::Embeddings);
  for (int l = 0; l < c.num_layers; ++l) run_layer(l, out);
  run_head(out);
  mark(EncoderStage::Head);
  if (clock_) clock_->stop(stage_times_);
  return out;
}

void Encoder::mark(EncoderStage finished) {
  if (clock_) clock_->mark(finished);
}

bool Encoder::pools_pruned_tokens() const {
  return options_.pool_pruned_tokens && options_.pooling == Pooling::Mean && model_.config().head == HeadKind::None;
}

// Decides, per sequence, which alive tokens survive layer l (all of them when
// scores is nullptr); fills keep_rows, the new offsets, each output's tokens
// kept and FLOPs, and (for mean pooling) the rows pruned here.
// scores: one per alive token, on the host.
void Encoder::select_survivors(int l, const float* scores, std::vector<SequenceOutput>& out) {
  const ModelConfig& c = model_.config();
  Buffers& b = *buffers_;
  b.keep_rows.clear();
  b.pruned_rows.clear();
  b.pruned_boundaries.assign(1, 0);
  const bool list_pruned = pools_pruned_tokens();
  int64_t next_offset = 0;
  for (int64_t s = 0; s < b.num_seqs(); ++s) {
    const auto seq = static_cast<size_t>(s);
    const int64_t begin = b.offsets[seq];
    const int n = static_cast<int>(b.offsets[seq + 1] - begin);
    if (scores) {
      pruner_.select(l, scores + begin, n, b.original_lengths[seq], b.kept);
    } else {
      b.kept.resize(static_cast<size_t>(n));
      for (int j = 0; j < n; ++j) b.kept[static_cast<size_t>(j)] = j;
    }
    size_t next_kept = 0;
    for (int j = 0; j < n; ++j) {
      if (next_kept < b.kept.size() && b.kept[next_kept] == j) {
        b.keep_rows.push_back(begin + j);
        ++next_kept;
      } else if (list_pruned) {
        b.pruned_rows.push_back(begin + j);
      }
    }
    b.pruned_boundaries.push_back(static_cast<int64_t>(b.pruned_rows.size()));
    const int kept = static_cast<int>(b.kept.size());
    out[seq].tokens_kept.push_back(kept);
    out[seq].flops += layer_flops(c, n, kept);
    b.offsets[seq] = next_offset;
    next_offset += kept;
  }
  b.offsets.back() = next_offset;
}

// Moves the kept rows of `rows` to the front, in order (through the spare
// buffer). keep: keep_rows on the device.
void Encoder::compact(Tensor& rows, const int64_t* keep) {
  Buffers& b = *buffers_;
  const int64_t width = rows.row_size(), kept = static_cast<int64_t>(b.keep_rows.size());
  b.spare.resize({kept, width});
  ops::gather_rows(model_.device(), {rows.data(), keep, kept, width, b.spare.data()});
  std::swap(rows, b.spare);
}

void Encoder::run_layer(int l, std::vector<SequenceOutput>& out) {
  const ModelConfig& c = model_.config();
  const LayerWeights& w = weights_of(model_).layers[static_cast<size_t>(l)];
  const Device device = model_.device();
  Buffers& b = *buffers_;
  const int64_t h = c.hidden_size;
  const int64_t alive = b.alive();
  const bool prune = pruner_.prunes_at(l);

  b.qkv.resize({alive, 3 * h});
  b.context.resize({alive, h});
  b.scores.resize({prune ? alive : 0});
  w.qkv.forward(b.hidden.data(), alive, b.qkv.data(), ops::Epilogue::None);
  mark(EncoderStage::QkvGemm);
  const Tensor& position_bias = weights_of(model_).embeddings.position_bias;
  ops::attention(device, {.qkv = b.qkv.data(),
                          .offsets = b.device_offsets,
                          .num_seqs = b.num_seqs(),
                          .tokens = alive,
                          .max_length = b.max_length(),
                          .num_heads = c.num_heads,
                          .head_dim = c.head_dim(),
                          .ctx = b.context.data(),
                          .scores = prune ? b.scores.data() : nullptr,
                          .position_bias = position_bias.empty() ? nullptr : position_bias.data(),
                          .position_bias_width = position_bias.empty() ? 0 : position_bias.dim(1),
                          .positions = b.device_positions});
  mark(EncoderStage::Attention);

  // The layer's one wait for the device: its scores, read back to decide on the
  // host. Uploads follow it, while the device is idle.
  select_survivors(l, prune ? ops::host_view(b.scores.data(), device, static_cast<size_t>(alive), b.host_scores) : nullptr,
                   out);
  const int64_t kept_total = b.alive();
  if (!b.pruned_rows.empty())
    ops::add_row_sums(device, {b.hidden.data(), b.pruned_rows_on_device.upload(b.pruned_rows),
                               b.boundaries_on_device.upload(b.pruned_boundaries), b.num_seqs(), h,
                               b.pruned_sum.data()});
  if (kept_total != alive) {
    const int64_t* keep = b.rows_on_device.upload(b.keep_rows);
    compact(b.hidden, keep);
    compact(b.context, keep);
    for (int64_t r = 0; r < kept_total; ++r)
      b.positions[static_cast<size_t>(r)] = b.positions[static_cast<size_t>(b.keep_rows[static_cast<size_t>(r)])];
    b.positions.resize(static_cast<size_t>(kept_total));
    b.device_offsets = b.offsets_on_device.upload(b.offsets);
    b.device_positions = b.positions_on_device.upload(b.positions);
  }
  mark(EncoderStage::Pruning);

  // hidden = LN(hidden + context·Woᵀ + bo);  hidden = LN(hidden + FFN(hidden))
  w.attention_out.forward(b.context.data(), kept_total, b.hidden.data(), ops::Epilogue::AddToOutput);
  mark(EncoderStage::OutputGemm);
  ops::layer_norm(device, b.hidden.data(), kept_total,
                  {w.attention_norm.gamma.data(), w.attention_norm.beta.data(), h, c.layer_norm_eps});
  mark(EncoderStage::AttentionNorm);
  b.intermediate.resize({kept_total, c.intermediate_size});
  w.intermediate.forward(b.hidden.data(), kept_total, b.intermediate.data(), ops::Epilogue::Gelu);
  mark(EncoderStage::FfnInGemm);
  w.output.forward(b.intermediate.data(), kept_total, b.hidden.data(), ops::Epilogue::AddToOutput);
  mark(EncoderStage::FfnOutGemm);
  ops::layer_norm(device, b.hidden.data(), kept_total,
                  {w.output_norm.gamma.data(), w.output_norm.beta.data(), h, c.layer_norm_eps});
  mark(EncoderStage::OutputNorm);
}

}  // namespace ltp
