// ltp-bench: throughput, latency, FLOPs and tokens kept, dense and pruned
// measured in the same run on the same inputs, over a grid of batch sizes and
// lengths; inputs from real text (--data) or synthetic (--length).

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "common/cli.h"
#include "common/input_reader.h"
#include "common/output_file.h"
#include "common/glue_tasks.h"
#include "ltp/error.h"
#include "ltp/diagnostics.h"
#include "fixed.h"
#include "measure.h"
#include "presets.h"
#include "stage_table.h"

#ifndef LTP_GIT_COMMIT
#define LTP_GIT_COMMIT "unknown"
#endif

namespace {

using json = nlohmann::ordered_json;

struct TextInput {
  std::string text;
  std::optional<std::string> pair;
};

// A GLUE folder or .tsv (task from the folder name), or a text file: one input per line, TAB between a pair.
std::vector<TextInput> read_texts(const std::filesystem::path& path) {
  std::vector<TextInput> texts;
  const bool glue = std::filesystem::is_directory(path) || path.extension() == ".tsv";
  if (glue) {
    const auto dir = std::filesystem::is_directory(path) ? path : path.parent_path();
    const auto task = ltp::eval::task_from_folder(dir);
    if (!task) throw ltp::cli::UsageError("--data " + path.string() + ": cannot tell the GLUE task from the folder name");
    for (auto& e : ltp::eval::read_examples(ltp::eval::find_task(*task), dir)) texts.push_back({e.text, e.pair});
    return texts;
  }
  std::ifstream in(path);
  if (!in) throw ltp::Error(path.string() + ": cannot open");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) texts.push_back({line, std::nullopt});
    else texts.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  if (texts.empty()) throw ltp::Error(path.string() + ": no input lines");
  return texts;
}

std::vector<ltp::Encoding> synthetic_inputs(const ltp::ModelConfig& c, int length, size_t count, uint64_t seed) {
  const bool roberta = c.family == ltp::ModelFamily::Roberta;
  const int32_t first = roberta ? 0 : std::min(101, c.vocab_size - 1), last = roberta ? 2 : std::min(102, c.vocab_size - 1);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int32_t> word(std::min(1000, c.vocab_size - 1), c.vocab_size - 1);
  std::vector<ltp::Encoding> inputs(count);
  for (auto& e : inputs) {
    e.ids.resize(static_cast<size_t>(length));
    for (auto& id : e.ids) id = word(rng);
    e.ids.front() = first;
    if (length > 1) e.ids.back() = last;
    e.type_ids.assign(e.ids.size(), 0);
  }
  return inputs;
}

using ltp::bench::fixed;

std::string spread_text(const ltp::bench::Spread& s, int digits) {
  const double pct = s.median > 0 ? 100.0 * (s.max - s.min) / s.median : 0.0;
  return fixed(s.median, digits) + " ±" + fixed(pct / 2, 1) + "%";
}

struct Encoded {
  std::vector<ltp::Encoding> inputs;
  int64_t tokens = 0;
  double seconds = 0;  // one thread
};

// Every text through `encode(text, pair)`, timed.
template <typename Encode>
Encoded encode_all(const std::vector<TextInput>& texts, Encode encode) {
  Encoded e;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& t : texts) {
    e.inputs.push_back(encode(t.text, t.pair ? std::optional<std::string_view>(*t.pair) : std::nullopt));
    e.tokens += static_cast<int64_t>(e.inputs.back().ids.size());
  }
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return e;
}

// Tokenization alone, one thread: inputs/s and tokens/s over `repeat` passes.
void run_tokenizer_benchmark(const std::filesystem::path& dir, const std::vector<TextInput>& texts, int warmup, int repeat,
                             const std::string& json_path) {
  const auto tokenizer = ltp::load_tokenizer(dir);
  if (!tokenizer) throw ltp::Error(dir.string() + " has no tokenizer files");
  int64_t tokens = 0;
  std::vector<double> seconds;
  for (int pass = 0; pass < warmup + repeat; ++pass) {
    const Encoded e = encode_all(texts, [&](std::string_view text, std::optional<std::string_view> pair) {
      return tokenizer->encode(text, pair, 1 << 20);
    });
    tokens = e.tokens;
    if (pass >= warmup) seconds.push_back(e.seconds);
  }
  const auto s = ltp::bench::spread_of(seconds);
  const double n = static_cast<double>(texts.size());
  std::cout << "| tokenizer | inputs | tokens | inputs/s | tokens/s | spread |\n|---|---|---|---|---|---|\n| "
            << dir.filename().string() << " | " << texts.size() << " | " << tokens << " | " << fixed(n / s.median, 0)
            << " | " << fixed(static_cast<double>(tokens) / s.median, 0) << " | ±"
            << fixed(50.0 * (s.max - s.min) / s.median, 1) << "% |\n";
  if (!json_path.empty()) {
    ltp::cli::OutputFile out(json_path);
    out.stream() << ltp::cli::to_text(json{{"tokenizer", dir.filename().string()}, {"inputs", texts.size()},
                                           {"tokens", tokens}, {"inputs_per_s", n / s.median},
                                           {"tokens_per_s", static_cast<double>(tokens) / s.median}},
                                      2)
                 << "\n";
    out.commit();
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("ltp-bench: throughput, latency and FLOPs, dense vs pruned, measured side by side", "ltp-bench");
  app.footer(
      "Examples:\n"
      "  ltp-bench --random-model bert-base --batch-size 1,32 --length 128   shape-bound, random weights\n"
      "  ltp-bench -m MODEL --data data/glue/SST-2 --batch-size 32  real lengths, dense vs pruned\n"
      "  ltp-bench --random-model bert-base --keep-rate 0.5 --length 128,512 --repeat 3 --json out.json\n"
      "Spread is half the min-max range over repetitions, relative to the median.");
  ltp::cli::ModelOptions model_options;
  ltp::cli::PruneOptions prune_options;
  std::vector<int> batch_sizes = {32}, lengths;
  std::string data, random_model, json_path;
  int repeat = 5, warmup = 1;
  size_t sequences = 0, limit = 0;
  auto* random_option = app.add_option("--random-model", random_model, "Random weights of a known shape: bert-base, bert-large, roberta-base, "
                                                 "minilm-l6, minilm-l12 (instead of -m)");
  app.add_option("--data", data, "Real inputs: a text file (TAB between a pair) or a GLUE folder/.tsv");
  app.add_option("--length", lengths, "Synthetic inputs of these lengths (list: 64,128,512)")->delimiter(',');
  app.add_option("--batch-size", batch_sizes, "Batch sizes (list)")->delimiter(',')->capture_default_str();
  app.add_option("--sequences", sequences, "Synthetic sequences per pass (default: 64, at least one batch)");
  app.add_option("--limit", limit, "Use the first N inputs of --data");
  app.add_option("--repeat", repeat, "Timed passes per mode")->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--warmup", warmup, "Untimed passes per mode first")->check(CLI::Range(0, 1000000))->capture_default_str();
  app.add_option("--json", json_path, "Write one record per grid point and mode");
  bool tokenizer_only = false, gemm_limit = false, time_stages = false;
  app.add_flag("--stages", time_stages,
               "Also time each stage (GEMMs, attention, pruning, LayerNorms...) and print ms per batch call");
  app.add_flag("--gemm-limit", gemm_limit,
               "Also time the model's GEMMs alone at each point's token count and report the share of that limit reached");
  app.add_flag("--tokenizer-only", tokenizer_only,
               "Time only the tokenizer of -m (a folder with tokenizer files is enough) on --data, one thread");
  ltp::cli::add_model_options(app, model_options);
  random_option->excludes("--model");
  ltp::cli::add_prune_options(app, prune_options);

  return ltp::cli::run_program(app, argc, argv, [&] {
    if (tokenizer_only) {
      if (data.empty()) throw ltp::cli::UsageError("--tokenizer-only needs --data");
      auto texts = read_texts(data);
      if (limit && limit < texts.size()) texts.resize(limit);
      run_tokenizer_benchmark(model_options.model_dir, texts, warmup, repeat, json_path);
      return;
    }
    if (data.empty() == lengths.empty())
      throw ltp::cli::UsageError("give either --data (real inputs) or --length (synthetic inputs)");
    for (int b : batch_sizes)
      if (b <= 0) throw ltp::cli::UsageError("--batch-size values must be positive");
    std::unique_ptr<ltp::Model> model;
    if (!random_model.empty()) {
      ltp::set_num_threads(model_options.threads);
      const auto precision = ltp::cli::requested_precision(model_options).value_or(ltp::Precision::FP32);
      model = ltp::Model::random(ltp::bench::preset_config(random_model), 1, ltp::parse_device(model_options.device),
                                 precision);
      ltp::cli::warn_about_precision(model->device(), precision);
    } else {
      model = ltp::cli::load_model(model_options);
    }
    const ltp::ModelConfig& c = model->config();
    const auto pruned_options = ltp::cli::resolve_encoder_options(prune_options, {}, c);
    ltp::Encoder dense(*model, {});
    ltp::Encoder pruned(*model, pruned_options);
    std::vector<ltp::bench::Mode> modes = {{"dense", &dense}};
    if (pruned_options.pruning.mode != ltp::PruneMode::None) modes.push_back({"pruned", &pruned});
    // --stages: encoders that time their stages, run in passes of their own (reading the
    // timings back would otherwise add to the timed passes).
    std::vector<std::unique_ptr<ltp::Encoder>> stage_encoders;
    for (auto& mode : modes) {
      if (!time_stages) break;
      ltp::EncoderOptions options = mode.encoder == &dense ? ltp::EncoderOptions{} : pruned_options;
      options.time_stages = true;
      stage_encoders.push_back(std::make_unique<ltp::Encoder>(*model, options));
      mode.stage_timer = stage_encoders.back().get();
    }

    const std::string model_name = random_model.empty() ? model->dir().filename().string() : random_model + " (random)";
    std::cout << "ltp-bench " << model_name << " | commit " << LTP_GIT_COMMIT << " | device " << model_options.device
              << (model->device() == ltp::Device::CPU ? std::string(" (oneDNN ISA ") + ltp::cpu_gemm_isa_name() + ")" : "")
              << " | threads " << ltp::num_threads() << " | pruning "
              << ltp::prune_mode_name(pruned_options.pruning.mode) << " | precision " << ltp::precision_name(model->precision())
              << (model->int8_smoothing() ? " (inputs smoothed: int8_smoothing.safetensors)" : "") << "\n\n";

    json records = json::array();
    std::string stage_rows;  // --stages: printed after the main table
    Encoded data_inputs;  // with --data: encoded once, used at every batch size
    std::string data_label;
    if (!data.empty()) {
      auto texts = read_texts(data);
      if (limit && limit < texts.size()) texts.resize(limit);
      const int max_length = ltp::cli::resolve_max_length(model_options, c);
      data_inputs = encode_all(texts, [&](std::string_view text, std::optional<std::string_view> pair) {
        return model->encode(text, pair, max_length);
      });
      const double n = static_cast<double>(texts.size()), tokens = static_cast<double>(data_inputs.tokens),
                   seconds = data_inputs.seconds;
      std::cout << "tokenization (one thread): " << texts.size() << " inputs, " << data_inputs.tokens << " tokens, "
                << fixed(n / seconds, 0) << " inputs/s, " << fixed(tokens / seconds, 0) << " tokens/s\n\n";
      records.push_back({{"mode", "tokenize"}, {"inputs", texts.size()}, {"tokens", data_inputs.tokens},
                         {"inputs_per_s", n / seconds}, {"tokens_per_s", tokens / seconds}});
      data_label = "data (mean " + fixed(tokens / n, 1) + ")";
    }

    std::cout << "| mode | batch | length | seq/s | tokens/s | p50 ms | p90 ms | p99 ms | GFLOP/seq | dense GFLOP/seq | "
                 "GFLOP/s | speedup | of GEMM limit | tokens kept per layer (share) |\n"
                 "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const int batch : batch_sizes) {
      // Synthetic sets depend on the batch size (at least one full batch); --data is shared.
      std::vector<std::pair<std::string, std::vector<ltp::Encoding>>> synthetic;
      for (const int length : lengths) {
        if (length <= 0 || length > c.max_tokens())
          throw ltp::cli::UsageError("--length " + std::to_string(length) + " is outside 1.." + std::to_string(c.max_tokens()));
        const size_t count = sequences ? sequences : std::max<size_t>(64, static_cast<size_t>(batch));
        synthetic.emplace_back(std::to_string(length), synthetic_inputs(c, length, count, 7));
      }
      std::vector<std::pair<const std::string*, const std::vector<ltp::Encoding>*>> sets;
      if (!data.empty()) sets.emplace_back(&data_label, &data_inputs.inputs);
      for (const auto& [label, inputs] : synthetic) sets.emplace_back(&label, &inputs);
      for (const auto& [label_ptr, inputs_ptr] : sets) {
        const std::string& length_label = *label_ptr;
        const std::vector<ltp::Encoding>& inputs = *inputs_ptr;
        const auto results = ltp::bench::measure(modes, inputs, {batch, warmup, repeat});
        // The GEMMs alone at the batch's dense token count (M), the ceiling for this point.
        double limit = 0;
        if (gemm_limit) {
          int64_t batch_tokens = 0;
          for (size_t k = 0; k < std::min(inputs.size(), static_cast<size_t>(batch)); ++k)
            batch_tokens += static_cast<int64_t>(inputs[k].ids.size());
          limit = ltp::measure_gemm_limit(c, batch_tokens, model->device(), model->precision(), std::max(3, repeat));
        }
        const double dense_rate = results[0].seq_per_s.median;
        double mean_length = 0;
        for (const auto& e : inputs) mean_length += static_cast<double>(e.ids.size());
        mean_length /= static_cast<double>(inputs.size());
        for (const auto& r : results) {
          std::string kept;
          for (double k : r.tokens_kept_per_layer) {
            if (!kept.empty()) kept += " ";
            kept += fixed(k / mean_length, 2);
          }
          std::cout << "| " << r.mode << " | " << batch << " | " << length_label << " | " << spread_text(r.seq_per_s, 1)
                    << " | " << fixed(r.tokens_per_s.median, 0) << " | " << fixed(r.latency_p50_ms, 1) << " | "
                    << fixed(r.latency_p90_ms, 1) << " | " << fixed(r.latency_p99_ms, 1) << " | "
                    << fixed(r.flops_per_seq / 1e9, 3) << " | " << fixed(r.flops_dense_per_seq / 1e9, 3) << " | "
                    << fixed(r.gflops_per_s, 1) << " | " << fixed(r.seq_per_s.median / dense_rate, 2) << "x | "
                    << (limit > 0 ? fixed(100.0 * r.gflops_per_s / limit, 0) + "% of " + fixed(limit, 0) : "-") << " | "
                    << kept
                    << " |\n";
          records.push_back({{"mode", r.mode},
                             {"batch_size", batch},
                             {"length", data.empty() ? json(std::stoi(length_label)) : json("data")},
                             {"mean_length", mean_length},
                             {"throughput_seq_per_s", r.seq_per_s.median},
                             {"throughput_spread", {{"min", r.seq_per_s.min}, {"max", r.seq_per_s.max}}},
                             {"tokens_per_s", r.tokens_per_s.median},
                             {"latency_ms", {{"p50", r.latency_p50_ms}, {"p90", r.latency_p90_ms}, {"p99", r.latency_p99_ms}}},
                             {"flops_per_seq", {{"performed", r.flops_per_seq}, {"dense", r.flops_dense_per_seq}}},
                             {"gflops_per_s", r.gflops_per_s},
                             {"gemm_limit_gflops_per_s", limit > 0 ? json(limit) : json(nullptr)},
                             {"tokens_kept_per_layer", r.tokens_kept_per_layer},
                             {"stage_ms_per_batch", time_stages ? ltp::bench::stage_record(r.stages) : json(nullptr)}});
          if (time_stages) stage_rows += ltp::bench::stage_table_row(r.mode, batch, length_label, r.stages);
        }
        std::cout.flush();
      }
    }
    if (time_stages)
      std::cout << "\nTime per stage, ms per batch call (share of the run), in passes of their own after the "
                   "timed ones:\n\n"
                << ltp::bench::stage_table_header() << stage_rows;
    if (!json_path.empty()) {
      ltp::cli::OutputFile out(json_path);
      json doc = {{"model", model_name}, {"commit", LTP_GIT_COMMIT}, {"device", model_options.device},
                  {"precision", ltp::precision_name(model->precision())}, {"int8_smoothing", model->int8_smoothing()},
                  {"threads", ltp::num_threads()}, {"repeat", repeat}, {"records", records}};
      out.stream() << ltp::cli::to_text(doc, 2) << "\n";
      out.commit();
    }
  });
}
