// ltp-eval: GLUE readers on the real dev files and every published layout,
// metrics against scikit-learn / scipy goldens, label mapping, and the program.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "ltp-eval/evaluator.h"
#include "common/glue_tasks.h"
#include "ltp/error.h"
#include "ltp-eval/metrics.h"
#include "test_support.h"

namespace ltp::eval {
namespace {

std::filesystem::path glue(const std::string& task) { return test::glue_dir() / task; }

TEST_CASE("glue: the real dev sets load whole, with their quirks") {
  const std::vector<std::pair<std::string, size_t>> sizes = {
      {"SST-2", 872}, {"MRPC", 408}, {"RTE", 277}, {"CoLA", 1043}, {"STS-B", 1500}};
  for (const auto& [name, count] : sizes) {
    const auto examples = read_examples(find_task(name), glue(name));
    CHECK_MESSAGE(examples.size() == count, name);
  }
  const auto sst = read_examples(find_task("SST-2"), glue("SST-2"));
  CHECK(sst[0].text == "it 's a charming and often affecting journey . ");  // trailing space kept
  CHECK(sst[0].label == 1);
  const auto mrpc = read_examples(find_task("MRPC"), glue("MRPC"));  // starts with a BOM
  CHECK(mrpc[0].label == 1);
  CHECK(mrpc[0].pair->front() == '"');  // quoting off: the stray quote is text
  const auto cola = read_examples(find_task("CoLA"), glue("CoLA"));  // no header, no final newline
  CHECK(cola.back().line == 1043);
  const auto sts = read_examples(find_task("STS-B"), glue("STS-B"));
  CHECK(sts[0].score == doctest::Approx(5.0));
  CHECK(sts[0].line == 2);
  const auto rte = read_examples(find_task("RTE"), glue("RTE"));
  CHECK(rte[0].label == 1);  // not_entailment
}

TEST_CASE("glue: MNLI, QNLI, QQP and WNLI layouts") {
  const auto formats = test::data_dir() / "glue-formats";
  const auto m = read_examples(find_task("MNLI"), formats / "MNLI");
  REQUIRE(m.size() == 3);
  CHECK(m[1].label == 0);  // contradiction
  CHECK(*m[0].pair == "A cat is sitting.");
  CHECK(read_examples(find_task("MNLI-mm"), formats / "MNLI").size() == 3);
  CHECK(read_examples(find_task("qnli"), formats / "QNLI")[1].label == 1);
  CHECK(read_examples(find_task("QQP"), formats / "QQP")[0].label == 1);
  CHECK(read_examples(find_task("WNLI"), formats / "WNLI")[1].label == 0);
  CHECK(task_from_folder("/x/glue/STS-B/") == std::optional<std::string>("STS-B"));
  CHECK(task_from_folder("/x/mydata") == std::nullopt);
  CHECK_THROWS_WITH_AS(find_task("SQuAD"), doctest::Contains("unknown GLUE task 'SQuAD'"), Error);
}

TEST_CASE("glue: malformed rows name the file and line") {
  test::TempDir dir;
  const auto write = [&](const std::string& text) { test::write_file(dir.path() / "dev.tsv", text); };
  const auto error = [&](const std::string& task) {
    try {
      read_examples(find_task(task), dir.path());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  write("sentence\tlabel\ngood\t1\nbad row\n");
  CHECK(error("SST-2").find("dev.tsv:3: 1 fields, expected 2") != std::string::npos);
  write("sentence\tlabel\ngood\t7\n");
  CHECK(error("SST-2").find("dev.tsv:2: label \"7\" is not a SST-2 label") != std::string::npos);
  write("text\tlabel\ngood\t1\n");
  CHECK(error("SST-2").find("dev.tsv:1: header has no column \"sentence\"") != std::string::npos);
  write("index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n"
        "0\tg\tf\ty\to\ts\ts\ta\tb\tfive\n");
  CHECK(error("STS-B").find("dev.tsv:2: score \"five\" is not a finite decimal number") != std::string::npos);
  write("sentence\tlabel\ngood\t1\n\nfine\t0\n");
  CHECK(error("SST-2").find("dev.tsv:3: empty line") != std::string::npos);
  CHECK(error("RTE").find("header has no column") != std::string::npos);
  std::filesystem::remove(dir.path() / "dev.tsv");
  CHECK(error("SST-2").find("cannot open") != std::string::npos);
}

TEST_CASE("metrics: equal to scikit-learn and scipy") {
  const auto golden = test::load_golden("metrics");
  for (const auto& c : golden["classification"]) {
    const auto gold = c["gold"].get<std::vector<int>>(), predicted = c["predicted"].get<std::vector<int>>();
    CHECK(accuracy(predicted, gold) == doctest::Approx(c["accuracy"].get<double>()).epsilon(1e-12));
    CHECK(matthews_corrcoef(predicted, gold) == doctest::Approx(c["matthews_corr"].get<double>()).epsilon(1e-12));
    if (c.contains("f1")) CHECK(f1_score(predicted, gold) == doctest::Approx(c["f1"].get<double>()).epsilon(1e-12));
  }
  for (const auto& r : golden["regression"]) {
    const auto x = r["x"].get<std::vector<double>>(), y = r["y"].get<std::vector<double>>();
    CHECK(pearson(x, y) == doctest::Approx(r["pearson"].get<double>()).epsilon(1e-10));
    CHECK(spearman(x, y) == doctest::Approx(r["spearman"].get<double>()).epsilon(1e-10));
  }
  const auto& t = golden["thresholds"];
  const auto sim = t["similarity"].get<std::vector<double>>();
  const auto gold = t["gold"].get<std::vector<int>>();
  CHECK(best_accuracy(sim, gold).value == doctest::Approx(t["best_accuracy"].get<double>()).epsilon(1e-12));
  CHECK(best_f1(sim, gold).value == doctest::Approx(t["best_f1"].get<double>()).epsilon(1e-12));
  CHECK(matthews_corrcoef({1, 1, 1}, {1, 1, 1}) == 0.0);  // undefined → 0, as sklearn
}

TEST_CASE("labels: matched by name, by processor order, or refused") {
  const ModelConfig named = load_config(test::model_dir("tiny-bert"));  // negative, positive
  CHECK(map_labels(named, find_task("SST-2")) == std::vector<int>{0, 1});
  ModelConfig swapped = named;
  swapped.labels = {"POSITIVE", "negative"};
  CHECK(map_labels(swapped, find_task("SST-2")) == std::vector<int>{1, 0});
  ModelConfig generic = named;
  generic.labels = {"LABEL_0", "LABEL_1"};
  CHECK(map_labels(generic, find_task("RTE")) == std::vector<int>{0, 1});
  CHECK_THROWS_WITH_AS(map_labels(named, find_task("MNLI")), doctest::Contains("the model has 2 labels"), Error);
  CHECK_THROWS_WITH_AS(map_labels(named, find_task("RTE")), doctest::Contains("do not match RTE's labels"), Error);
  CHECK_THROWS_WITH_AS(map_labels(named, find_task("STS-B")), doctest::Contains("STS-B is a regression task"), Error);
  const ModelConfig regression = load_config(test::model_dir("tiny-bert-regression"));
  CHECK(map_labels(regression, find_task("STS-B")).empty());
}

TEST_CASE("evaluate: FLOPs, tokens kept and metrics on a real dev set") {
  const auto model = Model::load(test::model_dir("tiny-bert"));
  const auto& task = find_task("SST-2");
  auto examples = read_examples(task, glue("SST-2"));
  examples.resize(40);
  const auto dense = evaluate(*model, {}, task, examples, {16, 0});
  CHECK(dense.examples == 40);
  CHECK(dense.flops == dense.flops_dense);
  CHECK(dense.metrics.at(0).first == "accuracy");
  EncoderOptions pruned;
  pruned.pruning = {PruneMode::TopK, {}, {}, 0.3f};
  const auto p = evaluate(*model, pruned, task, examples, {16, 0});
  CHECK(p.flops_dense == dense.flops_dense);
  CHECK(p.reduction() > 1.1);
  CHECK(p.tokens_kept_per_layer.back() < dense.tokens_kept_per_layer.back());
  CHECK(p.tokens_kept_per_layer.front() == doctest::Approx(dense.tokens_kept_per_layer.front()));
}

TEST_CASE("evaluate: embedding models by cosine similarity, both pooling choices") {
  test::TempDir dir;
  test::copy_model("tiny-bert-embed", dir.path());
  // A 1000-entry vocabulary for the 1000-row embedding table: most words become [UNK], enough for plumbing.
  std::ifstream full(test::tokenizers_dir() / "bert-base-uncased" / "vocab.txt");
  std::string vocab, line;
  for (int i = 0; i < 1000 && std::getline(full, line); ++i) vocab += line + "\n";
  test::write_file(dir.path() / "vocab.txt", vocab);
  const auto model = Model::load(dir.path());
  for (const std::string name : {"STS-B", "MRPC"}) {
    const auto& task = find_task(name);
    auto examples = read_examples(task, glue(name));
    examples.resize(60);
    EncoderOptions options;
    options.pooling = Pooling::Mean;
    options.normalize = true;
    const auto dense = evaluate(*model, options, task, examples, {32, 0});
    CHECK(dense.sequences == 120);
    CHECK(dense.metrics.size() == 2);
    options.pruning = {PruneMode::TopK, {}, {}, 0.3f};
    options.pool_pruned_tokens = false;
    const auto survivors = evaluate(*model, options, task, examples, {32, 0});
    options.pool_pruned_tokens = true;
    const auto all_tokens = evaluate(*model, options, task, examples, {32, 0});
    CHECK(survivors.flops == all_tokens.flops);
    if (name == "STS-B") CHECK(survivors.metrics[0].second != all_tokens.metrics[0].second);  // correlations move
  }
  CHECK_THROWS_WITH_AS(evaluate(*model, {}, find_task("SST-2"), read_examples(find_task("SST-2"), glue("SST-2")), {32, 0}),
                       doctest::Contains("sentence pairs"), Error);
}

int run_command(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("ltp-eval: JSON report and a sweep with CSV and SVG") {
  test::TempDir dir;
  const std::string base = std::string(LTP_EVAL_BINARY) + " -m " + test::model_dir("tiny-bert").string() +
                           " --data " + glue("SST-2").string() + " --limit 30";
  REQUIRE(run_command(base + " --json " + (dir.path() / "r.json").string() + " > /dev/null") == 0);
  const auto report = nlohmann::json::parse(test::read_file(dir.path() / "r.json"));
  CHECK(report["task"] == "SST-2");
  CHECK(report["precision"] == "fp32");
  CHECK(report["int8_smoothing"] == false);
  CHECK(report["examples"] == 30);
  CHECK(report["metrics"].contains("accuracy"));
  CHECK(report["flops"]["reduction"] == 1.0);
  CHECK(report["tokens_kept_per_layer"].size() == 6);
  CHECK(report["throughput_seq_per_s"].get<double>() > 0);
  const auto prefix = (dir.path() / "sweep").string();
  REQUIRE(run_command(base + " --sweep keep-rate=0.2,0.5,1 --sweep-out " + prefix + " > /dev/null 2>&1") == 0);
  const std::string csv = test::read_file(prefix + ".csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);  // header, dense, three points
  CHECK(csv.find("\"keep-rate=0.2\"") != std::string::npos);
  const std::string svg = test::read_file(prefix + ".svg");
  CHECK(svg.find("<svg") == 0);
  CHECK(svg.find("tiny-bert on SST-2: accuracy vs FLOPs") != std::string::npos);
  CHECK(svg.find("FLOPs relative to dense") != std::string::npos);
  CHECK(svg.find(">dense</text>") != std::string::npos);
  // Per-layer top-k rates, one list per point: all ones is dense; halving from layer 1 on halves what layers 1-5 keep.
  const auto rates_json = dir.path() / "rates.json";
  REQUIRE(run_command(base + " --sweep 'keep-rates=1,1,1,1,1,1;1,0.5,0.5,0.5,0.5,0.5' --sweep-out " + prefix +
                      " --json " + rates_json.string() + " > /dev/null 2>&1") == 0);
  const auto points = nlohmann::json::parse(test::read_file(rates_json));
  REQUIRE(points.size() == 3);  // dense, then the two points
  CHECK(points[1]["point"] == "keep-rates=1,1,1,1,1,1");
  CHECK(points[1]["flops"]["reduction"] == 1.0);
  const auto& kept = points[2]["tokens_kept_per_layer"];
  CHECK(kept[0].get<double>() == points[0]["tokens_kept_per_layer"][0].get<double>());
  CHECK(kept[1].get<double>() / kept[0].get<double>() == doctest::Approx(0.5).epsilon(0.15));  // rounding, position 0
  CHECK(kept[5].get<double>() <= kept[1].get<double>());  // k each layer; position 0 may join the top k
  CHECK(run_command(base + " --sweep 'keep-rates=1,0.5' 2> /dev/null") == 1);  // 2 rates for 6 layers
  CHECK(run_command(base + " --sweep depth=1,2 2> /dev/null") == 1);
  CHECK(run_command(base + " --task MNLI 2> /dev/null") == 2);  // a 2-label model on a 3-class task
  CHECK(run_command(std::string(LTP_EVAL_BINARY) + " -m " + test::model_dir("tiny-bert").string() +
                    " --data /tmp 2> /dev/null") == 1);  // the task cannot be inferred
}

}  // namespace
}  // namespace ltp::eval
