#include "presets.h"

#include "common/cli.h"

namespace ltp::bench {

namespace {

struct Preset {
  const char* name;
  ModelFamily family;
  int layers, hidden, heads, intermediate, vocab, positions, types;
};

constexpr Preset kPresets[] = {
    {"bert-base", ModelFamily::Bert, 12, 768, 12, 3072, 30522, 512, 2},
    {"bert-large", ModelFamily::Bert, 24, 1024, 16, 4096, 30522, 512, 2},
    {"roberta-base", ModelFamily::Roberta, 12, 768, 12, 3072, 50265, 514, 1},
    {"minilm-l6", ModelFamily::Bert, 6, 384, 12, 1536, 30522, 512, 2},
    {"minilm-l12", ModelFamily::Bert, 12, 384, 12, 1536, 30522, 512, 2},
};

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& p : kPresets) names.emplace_back(p.name);
  return names;
}

ModelConfig preset_config(const std::string& name) {
  for (const auto& p : kPresets) {
    if (name != p.name) continue;
    ModelConfig c;
    c.family = p.family;
    c.head = p.family == ModelFamily::Roberta ? HeadKind::RobertaClassifier : HeadKind::BertClassifier;
    c.num_layers = p.layers;
    c.hidden_size = p.hidden;
    c.num_heads = p.heads;
    c.intermediate_size = p.intermediate;
    c.vocab_size = p.vocab;
    c.max_position_embeddings = p.positions;
    c.type_vocab_size = p.types;
    c.pad_token_id = p.family == ModelFamily::Roberta ? 1 : 0;
    c.layer_norm_eps = p.family == ModelFamily::Roberta ? 1e-5f : 1e-12f;
    c.num_labels = 2;
    c.labels = {"LABEL_0", "LABEL_1"};
    return c;
  }
  std::string known;
  for (const auto& n : preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw cli::UsageError("unknown --random-model '" + name + "': expected one of " + known);
}

}  // namespace ltp::bench
