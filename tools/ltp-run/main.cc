// ltp-run: text or pre-tokenized inputs → one JSON record per input line, in order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "common/cli.h"
#include "common/input_reader.h"
#include "common/output_file.h"
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
  // Finite weights and inputs give finite outputs; should one still not be,
  // the record says so instead of a label chosen from NaN.
  for (float v : o.values)
    if (!std::isfinite(v)) return json{{"index", index}, {"error", "the model produced a non-finite output"}};
  json r;
  r["index"] = index;
  if (c.head == ltp::HeadKind::None) {
    r["embedding"] = rounded(o.values);
  } else if (c.is_regression()) {
    r["score"] = seven_digits(o.values[0]);
  } else {
    const size_t best = static_cast<size_t>(std::max_element(o.values.begin(), o.values.end()) - o.values.begin());
    r["label"] = c.labels[best];
    r["logits"] = rounded(o.values);
    r["probs"] = rounded(ltp::class_probabilities(o.values));
  }
  if (trace) {
    r["tokens_kept"] = o.tokens_kept;
    r["flops"] = o.flops;
    r["flops_dense"] = o.flops_dense;
  }
  return r;
}

// stdin, or a file (or pipe) that is not a folder; read errors are checked at the end.
class InputStream {
 public:
  explicit InputStream(const std::string& path) : name_(path == "-" ? "stdin" : path) {
    if (path == "-") return;
    if (std::filesystem::is_directory(path)) throw ltp::Error(path + ": is a directory, expected an input file");
    file_.open(path, std::ios::binary);
    if (!file_) throw ltp::Error(path + ": cannot open input: " + std::strerror(errno));
  }
  std::istream& get() { return file_.is_open() ? file_ : std::cin; }
  void check_read() {
    if (get().bad()) throw ltp::Error(name_ + ": reading the input failed");
  }

 private:
  std::string name_;
  std::ifstream file_;
};

struct RunSetup {
  const ltp::Model& model;
  ltp::Encoder& encoder;
  ltp::cli::InputFormat format;
  int max_length;
  int batch_size;
  bool trace;
};

struct RunCounts {
  int64_t lines = 0, failed = 0;
};

// One record per line, in order: a result, or the line's error; a bad line never ends the run.
RunCounts run_lines(InputStream& input, std::ostream& out, const RunSetup& run) {
  std::istream& in = input.get();
  ltp::cli::Progress progress("ltp-run lines");
  RunCounts counts;
  std::string line;
  std::vector<ltp::cli::ParsedInput> parsed;
  std::vector<ltp::Encoding> batch;
  bool more = true;
  while (more) {
    parsed.clear();
    while (parsed.size() < static_cast<size_t>(run.batch_size) && (more = static_cast<bool>(std::getline(in, line))))
      parsed.push_back(ltp::cli::parse_input_line(line, run.format, run.model, run.max_length));
    batch.clear();
    for (auto& p : parsed)
      if (p.encoding) batch.push_back(std::move(*p.encoding));
    const auto results = run.encoder.run(batch);
    size_t next_result = 0;
    for (const auto& p : parsed) {
      const json record = p.error.empty() ? result_record(counts.lines, results[next_result++], run.model.config(), run.trace)
                                          : json{{"index", counts.lines}, {"error", p.error}};
      if (record.contains("error")) ++counts.failed;
      out << ltp::cli::to_text(record) << '\n';
      ++counts.lines;
    }
    out.flush();
    progress.update(counts.lines);
  }
  return counts;
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
  app.add_option("--batch-size", batch_size, "Inputs per batch")->check(CLI::Range(1, 1000000));
  app.add_flag("--trace", trace, "Add tokens kept per layer and FLOPs to each record");
  ltp::cli::add_model_options(app, model_options);
  ltp::cli::add_prune_options(app, prune_options);
  ltp::cli::add_pooling_options(app, pooling_options);

  return ltp::cli::run_program(app, argc, argv, [&] {
    const auto format = ltp::cli::parse_input_format(input_format);
    InputStream in(input);
    ltp::cli::OutputFile output_file(output, input);

    const auto model = ltp::cli::load_model(model_options);
    const ltp::ModelConfig& config = model->config();
    const int max_length = ltp::cli::resolve_max_length(model_options, config);
    if (format == ltp::cli::InputFormat::Text && !model->has_tokenizer())
      throw ltp::Error(model->dir().string() + " has no tokenizer files (vocab.txt): text input needs them; give "
                       "pre-tokenized input with --input-format jsonl and \"input_ids\"");
    ltp::Encoder encoder(*model, ltp::cli::resolve_encoder_options(prune_options, pooling_options, config));

    const RunCounts counts = run_lines(in, output_file.stream(), {.model = *model, .encoder = encoder,
                                       .format = format, .max_length = max_length, .batch_size = batch_size,
                                       .trace = trace});
    in.check_read();
    output_file.commit();
    if (counts.failed)
      std::cerr << "ltp-run: " << counts.failed << " of " << counts.lines
                << " input lines could not run (see their error records)\n";
  });
}
