// ltp-run: text or pre-tokenized inputs → one JSON record per input line, in order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "common/cli.h"
#include "common/input_reader.h"
#include "common/progress.h"
#include "ltp/encoder.h"
#include "ltp/error.h"

namespace {

using ltp::SequenceOutput;
using json = nlohmann::ordered_json;

// Seven significant digits: what float32 carries, without noise digits.
double seven_digits(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7g", static_cast<double>(v));
  return std::strtod(buf, nullptr);
}

json rounded(const std::vector<float>& values) {
  json a = json::array();
  for (float v : values) a.push_back(seven_digits(v));
  return a;
}

json result_record(int64_t index, const SequenceOutput& o, const ltp::ModelConfig& c, bool trace) {
  json r;
  r["index"] = index;
  if (c.head == ltp::HeadKind::None) {
    r["embedding"] = rounded(o.values);
  } else if (c.is_regression()) {
    r["score"] = seven_digits(o.values[0]);
  } else {
    const float max_logit = *std::max_element(o.values.begin(), o.values.end());
    std::vector<float> probs(o.values.size());
    float sum = 0.0f;
    for (size_t i = 0; i < probs.size(); ++i) sum += probs[i] = std::exp(o.values[i] - max_logit);
    for (float& p : probs) p /= sum;
    const size_t best = static_cast<size_t>(std::max_element(o.values.begin(), o.values.end()) - o.values.begin());
    r["label"] = c.labels[best];
    r["logits"] = rounded(o.values);
    r["probs"] = rounded(probs);
  }
  if (trace) {
    r["tokens_kept"] = o.tokens_kept;
    r["flops"] = o.flops;
    r["flops_dense"] = o.flops_dense;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("ltp-run: predictions or sentence embeddings for each input line, as JSON lines", "ltp-run");
  app.footer(
      "Examples:\n"
      "  ltp-run -m models/default -i reviews.txt            one text per line, TAB between a pair\n"
      "  ltp-run --input-format jsonl -i ids.jsonl --trace   {\"input_ids\": [...]} lines, tokens kept and FLOPs\n"
      "  ltp-run --prune none -i reviews.txt                 dense, for comparison\n"
      "  ltp-run --threshold-scale 0.5 --batch-size 64       prune half as hard, larger batches");
  ltp::cli::ModelOptions model_options;
  ltp::cli::PruneOptions prune_options;
  ltp::cli::PoolingOptions pooling_options;
  std::string input = "-", output, input_format = "text";
  int batch_size = 32;
  bool trace = false;
  app.add_option("-i,--input", input, "Input file; stdin when absent or -");
  app.add_option("-o,--output", output, "Output file; stdout when absent");
  app.add_option("--input-format", input_format, "text or jsonl")->check(CLI::IsMember({"text", "jsonl"}));
  app.add_option("--batch-size", batch_size, "Inputs per batch")->check(CLI::PositiveNumber);
  app.add_flag("--trace", trace, "Add tokens kept per layer and FLOPs to each record");
  ltp::cli::add_model_options(app, model_options);
  ltp::cli::add_prune_options(app, prune_options);
  ltp::cli::add_pooling_options(app, pooling_options);

  return ltp::cli::run_program(app, argc, argv, [&] {
    const auto format = ltp::cli::parse_input_format(input_format);
    std::ifstream file;
    if (input != "-") {
      file.open(input, std::ios::binary);
      if (!file) throw ltp::Error(input + ": cannot open input file");
    }
    std::istream& in = input == "-" ? std::cin : file;
    std::ofstream out_file;
    if (!output.empty()) {
      out_file.open(output, std::ios::binary);
      if (!out_file) throw ltp::Error(output + ": cannot open output file");
    }
    std::ostream& out = output.empty() ? std::cout : out_file;

    const auto model = ltp::cli::load_model(model_options);
    const ltp::ModelConfig& config = model->config();
    const int max_length = ltp::cli::resolve_max_length(model_options, config);
    if (format == ltp::cli::InputFormat::Text && !model->has_tokenizer())
      throw ltp::Error(model->dir().string() + " has no tokenizer files (vocab.txt): text input needs them; give "
                       "pre-tokenized input with --input-format jsonl and \"input_ids\"");
    ltp::Encoder encoder(*model, ltp::cli::resolve_encoder_options(prune_options, pooling_options, config));

    ltp::cli::Progress progress("ltp-run lines");
    int64_t index = 0, failed = 0;
    std::string line;
    std::vector<ltp::cli::ParsedInput> parsed;
    std::vector<ltp::Encoding> batch;
    bool more = true;
    while (more) {
      parsed.clear();
      while (parsed.size() < static_cast<size_t>(batch_size) && (more = static_cast<bool>(std::getline(in, line))))
        parsed.push_back(ltp::cli::parse_input_line(line, format, *model, max_length));
      batch.clear();
      for (auto& p : parsed)
        if (p.encoding) batch.push_back(std::move(*p.encoding));
      const auto results = encoder.run(batch);
      size_t next_result = 0;
      for (const auto& p : parsed) {
        if (p.error.empty()) {
          out << result_record(index, results[next_result++], config, trace).dump() << '\n';
        } else {
          out << json{{"index", index}, {"error", p.error}}.dump() << '\n';
          ++failed;
        }
        ++index;
      }
      out.flush();
      progress.update(index);
    }
    if (!out) throw ltp::Error("writing the output failed");
    if (failed) std::cerr << "ltp-run: " << failed << " of " << index << " input lines could not run (see their error records)\n";
  });
}
