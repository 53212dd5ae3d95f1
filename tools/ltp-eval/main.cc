// ltp-eval: a GLUE dev set → the task's official metrics, FLOPs and tokens kept;
// with --sweep, one evaluation per point plus the dense reference, as CSV and SVG.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>

#include "common/cli.h"
#include "agreement.h"
#include "common/output_file.h"
#include "evaluator.h"
#include "common/glue_tasks.h"
#include "ltp/error.h"
#include "report.h"
#include "sweep.h"

namespace {

// For each pruned point, how its embeddings of the dev sentences follow the
// dense ones; nullopt for dense points.
std::vector<std::optional<ltp::eval::Agreement>> measure_agreement(
    const ltp::Model& model, const std::vector<ltp::eval::SweepPoint>& points, const ltp::cli::PoolingOptions& pooling,
    const std::vector<ltp::eval::Example>& examples, const ltp::eval::EvalOptions& options, int neighbours) {
  const auto sentences = ltp::eval::distinct_sentences(examples);
  ltp::cli::PruneOptions dense_prune;
  dense_prune.prune = "none";
  const auto dense = ltp::eval::embed(model, ltp::cli::resolve_encoder_options(dense_prune, pooling, model.config()),
                                      sentences, options);
  std::vector<std::optional<ltp::eval::Agreement>> out;
  for (const auto& point : points) {
    const auto encoder_options = ltp::cli::resolve_encoder_options(point.prune, pooling, model.config());
    if (encoder_options.pruning.mode == ltp::PruneMode::None)
      out.emplace_back();
    else
      out.push_back(ltp::eval::agreement(dense, ltp::eval::embed(model, encoder_options, sentences, options), neighbours));
  }
  return out;
}

void print_agreement(const std::vector<ltp::eval::EvalResult>& results,
                     const std::vector<std::optional<ltp::eval::Agreement>>& agreements, int neighbours) {
  std::cout << "\n| point | sentences | mean cosine to dense | " << neighbours << "-NN overlap |\n|---|---|---|---|\n";
  for (size_t i = 0; i < results.size(); ++i) {
    if (!agreements[i]) continue;
    const auto& a = *agreements[i];
    std::cout << "| " << results[i].point << " | " << a.sentences << " | " << std::fixed << std::setprecision(4)
              << a.mean_cosine << " | " << std::setprecision(1) << 100.0 * a.neighbour_overlap << "% |\n"
              << std::defaultfloat;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("ltp-eval: GLUE dev-set metrics, FLOPs and tokens kept, dense or pruned", "ltp-eval");
  app.footer(
      "Examples:\n"
      "  ltp-eval -m models/default --data data/glue/SST-2           task from the folder name\n"
      "  ltp-eval -m MODEL --task STS-B --data DIR --json report.json          machine-readable report\n"
      "  ltp-eval -m MODEL --data DIR --sweep threshold-scale=0,0.5,1,1.5,2    CSV + SVG of metric vs FLOPs\n"
      "  ltp-eval -m MODEL --data DIR --sweep keep-rate=0.2,0.4,0.6 --limit 200   top-k baseline, quick\n"
      "  ltp-eval -m MODEL --data DIR --sweep 'keep-rates=1,1,0.5,0.3;1,1,0.4,0.2'  top-k at given per-layer rates");
  ltp::cli::ModelOptions model_options;
  ltp::cli::PruneOptions prune_options;
  ltp::cli::PoolingOptions pooling_options;
  std::string task_name, data, json_path, sweep, sweep_out;
  int batch_size = 32, neighbours = 0;
  int64_t limit = 0;
  app.add_option("--data", data, "Folder holding the task's dev file (dev.tsv, dev_matched.tsv, ...)")->required();
  app.add_option("--task", task_name, "GLUE task (default: from the folder name)");
  app.add_option("--json", json_path, "Write the report as JSON");
  app.add_option("--limit", limit, "Evaluate only the first N examples")->check(CLI::Range(1, 1000000));
  app.add_option("--batch-size", batch_size, "Inputs per batch")->check(CLI::Range(1, 1000000));
  app.add_option("--sweep", sweep,
                 "threshold-scale=..., keep-rate=..., thresholds=a,b;c,d or keep-rates=a,b;c,d (one evaluation each)");
  app.add_option("--agreement", neighbours,
                 "Embedding models: each point's mean cosine to dense and K-nearest-neighbour overlap, over the dev sentences")
      ->check(CLI::Range(1, 1000));
  app.add_option("--sweep-out", sweep_out, "Prefix of the sweep's CSV and SVG (default: sweep-<task>)");
  ltp::cli::add_model_options(app, model_options);
  ltp::cli::add_prune_options(app, prune_options);
  ltp::cli::add_pooling_options(app, pooling_options);

  return ltp::cli::run_program(app, argc, argv, [&] {
    if (task_name.empty()) {
      const auto inferred = ltp::eval::task_from_folder(data);
      if (!inferred) throw ltp::cli::UsageError("cannot tell the task from the folder name '" + data + "': give --task");
      task_name = *inferred;
    }
    const ltp::eval::GlueTask* task = nullptr;
    try {
      task = &ltp::eval::find_task(task_name);
    } catch (const ltp::Error& e) {
      throw ltp::cli::UsageError(e.what());
    }
    const auto model = ltp::cli::load_model(model_options);
    auto examples = ltp::eval::read_examples(*task, data);
    if (limit > 0 && static_cast<size_t>(limit) < examples.size()) examples.resize(static_cast<size_t>(limit));
    const ltp::eval::EvalOptions options{batch_size, ltp::cli::resolve_max_length(model_options, model->config())};

    std::vector<ltp::eval::SweepPoint> points;
    if (sweep.empty()) {
      points.push_back({"", prune_options});
    } else {
      ltp::cli::PruneOptions dense;
      dense.prune = "none";
      points.push_back({"dense", dense});
      for (auto& p : ltp::eval::parse_sweep(sweep, prune_options)) points.push_back(std::move(p));
    }
    std::vector<ltp::eval::EvalResult> results;
    for (const auto& point : points) {
      const auto encoder_options = ltp::cli::resolve_encoder_options(point.prune, pooling_options, model->config());
      results.push_back(ltp::eval::evaluate(*model, encoder_options, *task, examples, options));
      results.back().point = point.label.empty() ? (encoder_options.pruning.mode == ltp::PruneMode::None
                                                          ? "dense"
                                                          : ltp::prune_mode_name(encoder_options.pruning.mode))
                                                   : point.label;
    }

    ltp::eval::print_table(std::cout, results);
    std::vector<std::optional<ltp::eval::Agreement>> agreements(results.size());
    if (neighbours > 0) {
      agreements = measure_agreement(*model, points, pooling_options, examples, options, neighbours);
      print_agreement(results, agreements, neighbours);
    }
    if (!json_path.empty()) {
      ltp::cli::OutputFile out(json_path);
      std::vector<nlohmann::ordered_json> reports;
      for (size_t i = 0; i < results.size(); ++i) {
        reports.push_back(ltp::eval::to_json(results[i]));
        if (agreements[i]) reports.back()["agreement"] = ltp::eval::to_json(*agreements[i]);
      }
      nlohmann::ordered_json doc = reports[0];
      if (reports.size() > 1) doc = reports;
      out.stream() << ltp::cli::to_text(doc, 2) << "\n";
      out.commit();
    }
    if (!sweep.empty()) {
      const std::string prefix = sweep_out.empty() ? "sweep-" + task->name : sweep_out;
      ltp::eval::write_csv(prefix + ".csv", results);
      ltp::eval::write_svg(prefix + ".svg", results, model->dir().filename().string());
      std::cerr << "ltp-eval: wrote " << prefix << ".csv and " << prefix << ".svg\n";
    }
  });
}
