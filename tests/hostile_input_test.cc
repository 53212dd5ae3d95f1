// Inputs a hostile user or a broken pipeline produces (issue 13): nothing is
// lost, nothing crashes or hangs, nothing wrong passes with exit 0. Each case
// failed before its fix.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "ltp/error.h"
#include "ltp/model.h"
#include "model/safetensors.h"
#include "common/glue_tasks.h"
#include "test_support.h"

namespace ltp {
namespace {

using nlohmann::json;

std::string model_arg(const std::filesystem::path& dir) { return " -m '" + dir.string() + "'"; }

using test::load_error;
using test::load_error_after;

TEST_CASE("hostile: a JSONL line that is not UTF-8 or not JSON is one error record, and later lines still run") {
  test::TempDir dir;
  test::write_file(dir.path() / "in.jsonl",
                   "{\"text\": \"a charming journey\"}\n"
                   "{\"text\": \xab q \xbb}\n"                     // broken JSON holding Latin-1 bytes
                   "{\"text\": \"caf\xe9\"}\n"                     // a JSON string that is not UTF-8
                   "{\"text\": \xe2\x80\x9cq\xe2\x80\x9d}\n"       // smart quotes: broken JSON, valid UTF-8
                   "{\"text\": \"still running\"}\n");
  const auto run = test::run_program(std::string(LTP_RUN_BINARY) + model_arg(test::model_dir("tiny-bert")) +
                                     " --input-format jsonl -i " + (dir.path() / "in.jsonl").string());
  CHECK(run.exit_code == 0);
  std::istringstream lines(run.stdout_text);
  std::vector<json> records;
  for (std::string line; std::getline(lines, line);) records.push_back(json::parse(line));  // each is valid JSON
  REQUIRE(records.size() == 5);
  for (size_t i = 0; i < records.size(); ++i) CHECK(records[i]["index"] == i);
  CHECK(records[0].contains("label"));
  CHECK(records[1].contains("error"));
  CHECK(records[2].contains("error"));
  CHECK(records[3].contains("error"));
  CHECK(records[4].contains("label"));
}

TEST_CASE("hostile: a text line that is only a TAB, or half a pair, is an error record") {
  test::TempDir dir;
  test::write_file(dir.path() / "in.txt", "\t\n\tsecond\nfirst\t\na charming journey\n");
  const auto run = test::run_program(std::string(LTP_RUN_BINARY) + model_arg(test::model_dir("tiny-bert")) + " -i " +
                                     (dir.path() / "in.txt").string());
  CHECK(run.exit_code == 0);
  std::istringstream lines(run.stdout_text);
  std::vector<json> records;
  for (std::string line; std::getline(lines, line);) records.push_back(json::parse(line));
  REQUIRE(records.size() == 4);
  for (size_t i = 0; i < 3; ++i) CHECK(records[i]["error"] == "a pair needs text on both sides of the TAB");
  CHECK(records[3].contains("label"));
}

TEST_CASE("hostile: ltp-bench --json under a model folder whose name is not UTF-8") {
  test::TempDir dir;
  const auto model = dir.path() / "model-\xff\xfe";
  test::copy_model("tiny-bert", model);
  const auto out = dir.path() / "bench.json";
  const auto run = test::run_program(std::string(LTP_BENCH_BINARY) + model_arg(model) +
                                     " --length 8 --batch-size 1 --sequences 2 --repeat 1 --warmup 0 --json " +
                                     out.string() + " >/dev/null");
  CHECK(run.exit_code == 0);
  const json doc = json::parse(test::read_file(out));
  CHECK(doc["records"].size() > 0);
}

TEST_CASE("hostile: pad_token_id outside the vocabulary is a load error, not a heap overflow") {
  CHECK(load_error_after("tiny-roberta", [](json& c) { c["pad_token_id"] = -5; }).find("field \"pad_token_id\" is -5") !=
        std::string::npos);
  CHECK(load_error_after("tiny-roberta", [](json& c) { c["pad_token_id"] = 2147483647; }).find("\"pad_token_id\"") !=
        std::string::npos);
  CHECK(load_error_after("tiny-roberta", [](json& c) { c["pad_token_id"] = 9223372036854775807LL; })
            .find("\"pad_token_id\"") != std::string::npos);
}

TEST_CASE("hostile: sizes are checked in the type they are used in, with sane bounds") {
  const int64_t two_to_32 = int64_t{1} << 32;
  CHECK(load_error_after("tiny-bert", [&](json& c) { c["num_attention_heads"] = two_to_32; })
            .find("field \"num_attention_heads\" is 4294967296, expected an integer in [1, 32]") != std::string::npos);
  CHECK(load_error_after("tiny-bert", [&](json& c) { c["num_hidden_layers"] = two_to_32; })
            .find("field \"num_hidden_layers\" is 4294967296") != std::string::npos);
  CHECK(load_error_after("tiny-bert", [&](json& c) { c["num_hidden_layers"] = two_to_32 + 6; })
            .find("\"num_hidden_layers\"") != std::string::npos);
  CHECK(load_error_after("tiny-bert", [](json& c) { c["vocab_size"] = 18446744073709551615ULL; })
            .find("field \"vocab_size\" is 18446744073709551615") != std::string::npos);
  // Within every bound, yet 4 TiB of weights: refused before any allocation.
  CHECK(load_error_after("tiny-bert", [](json& c) {
          c["vocab_size"] = 1 << 24;
          c["hidden_size"] = 1 << 16;
        }).find("more than this machine's") != std::string::npos);
}

TEST_CASE("hostile: non-finite weights and parameters are load errors, and no label is chosen from NaN") {
  test::TempDir dir;
  test::copy_model("tiny-bert", dir.path());
  test::set_weight(dir.path(), "classifier.weight", 3, std::numeric_limits<float>::quiet_NaN());
  CHECK(load_error(dir.path()).find("tensor classifier.weight holds nan at element 3") != std::string::npos);
  test::set_weight(dir.path(), "classifier.weight", 3, std::numeric_limits<float>::infinity());
  CHECK(load_error(dir.path()).find("tensors must hold finite numbers") != std::string::npos);
  CHECK(load_error_after("tiny-bert", [](json& c) { c["layer_norm_eps"] = -1e-12; })
            .find("field \"layer_norm_eps\" is -1e-12") != std::string::npos);
}

TEST_CASE("hostile: --threads beyond any machine is a usage error with a short message") {
  for (const char* threads : {"100000", "2147483647", "-1"}) {
    const auto run = test::run_program("echo hi | " + std::string(LTP_RUN_BINARY) + model_arg(test::model_dir("tiny-bert")) +
                                       " --threads " + threads);
    CHECK(run.exit_code == 1);
    CHECK(run.stderr_text.find("--threads") != std::string::npos);
    CHECK(run.stderr_text.size() < 200);
  }
}

TEST_CASE("hostile: unreadable input and clobbered output") {
  test::TempDir dir;
  const std::string ltp_run = std::string(LTP_RUN_BINARY) + model_arg(test::model_dir("tiny-bert"));
  // A directory as input is an error, not an empty success.
  auto run = test::run_program(ltp_run + " -i " + dir.path().string());
  CHECK(run.exit_code == 2);
  CHECK(run.stderr_text.find("is a directory") != std::string::npos);

  // -o keeps yesterday's results when the model does not load.
  const auto results = dir.path() / "results.jsonl";
  const auto input = dir.path() / "in.txt";
  test::write_file(results, "yesterday\n");
  test::write_file(input, "a charming journey\n");
  run = test::run_program(std::string(LTP_RUN_BINARY) + " -m /nonexistent -i " + input.string() + " -o " + results.string());
  CHECK(run.exit_code == 2);
  CHECK(test::read_file(results) == "yesterday\n");
  // Input and output the same file: refused, input intact.
  run = test::run_program(ltp_run + " -i " + input.string() + " -o " + input.string());
  CHECK(run.exit_code == 2);
  CHECK(run.stderr_text.find("is also the input") != std::string::npos);
  CHECK(test::read_file(input) == "a charming journey\n");
  // A successful run replaces the file whole and leaves no temporary behind.
  run = test::run_program(ltp_run + " -i " + input.string() + " -o " + results.string());
  CHECK(run.exit_code == 0);
  CHECK(json::parse(test::read_file(results)).contains("label"));
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 2);
}

TEST_CASE("hostile: a FIFO where a model file should be is refused, not read forever") {
  test::TempDir dir;
  test::copy_model("tiny-bert", dir.path());
  std::filesystem::remove(dir.path() / "model.safetensors");
  REQUIRE(::mkfifo((dir.path() / "model.safetensors").c_str(), 0600) == 0);
  CHECK(load_error(dir.path()).find("model.safetensors: not a regular file") != std::string::npos);
  std::filesystem::remove(dir.path() / "model.safetensors");
  std::filesystem::create_directory(dir.path() / "model.safetensors");
  CHECK(load_error(dir.path()).find("model.safetensors: is a directory") != std::string::npos);
}

TEST_CASE("hostile: a zero-size tensor at data offset 0 is valid") {
  test::TempDir dir;
  const std::string header =
      R"({"empty":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const uint64_t length = header.size();
  std::string bytes(reinterpret_cast<const char*>(&length), 8);
  bytes += header + std::string(8, '\0');
  test::write_file(dir.path() / "t.safetensors", bytes);
  const SafetensorsFile file(dir.path() / "t.safetensors");
  CHECK(file.tensors().size() == 2);
  // A shape whose element count overflows 64 bits is caught, not wrapped to a match.
  const std::string huge =
      R"({"x":{"dtype":"F32","shape":[4294967296,4294967296,1],"data_offsets":[0,0]}})";
  const uint64_t huge_length = huge.size();
  test::write_file(dir.path() / "h.safetensors", std::string(reinterpret_cast<const char*>(&huge_length), 8) + huge);
  CHECK_THROWS_WITH_AS(SafetensorsFile(dir.path() / "h.safetensors"), doctest::Contains("holds more elements"), Error);
}

TEST_CASE("hostile: a tokenizer whose [CLS] lies outside the model's vocabulary is a load error") {
  test::TempDir dir;
  test::copy_model("tiny-bert", dir.path());
  std::string vocab = test::read_file(dir.path() / "vocab.txt");
  vocab.replace(vocab.find("[CLS]\n"), 6, "[cls-moved]\n");
  vocab += "[CLS]\n";  // id 30522 = vocab_size
  test::write_file(dir.path() / "vocab.txt", vocab);
  CHECK(load_error(dir.path()).find("first ([CLS] / <s>) token has id 30522, outside the model's vocabulary of 30522") !=
        std::string::npos);
}

TEST_CASE("hostile: GLUE readers take only finite decimal scores and ignore trailing blank lines") {
  test::TempDir dir;
  const auto error = [&](const std::string& score) {
    test::write_file(dir.path() / "dev.tsv",
                     "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n"
                     "0\tg\tf\ty\to\ts\ts\ta\tb\t" + score + "\n");
    try {
      eval::read_examples(eval::find_task("STS-B"), dir.path());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  for (const char* bad : {"nan", "inf", "-inf", "0x1p3", "1e999", ""}) CHECK(error(bad).find("is not a finite decimal number") != std::string::npos);
  CHECK(error("3.8").empty());
  test::write_file(dir.path() / "dev.tsv", "sentence\tlabel\ngood\t1\nbad\t0\n\n\n");
  CHECK(eval::read_examples(eval::find_task("SST-2"), dir.path()).size() == 2);
}

TEST_CASE("hostile: wrong types and wrong kinds of file name the file and field") {
  test::TempDir dir;
  test::copy_model("tiny-bert", dir.path());
  test::write_file(dir.path() / "tokenizer_config.json", R"({"do_lower_case": "yes"})");
  CHECK(load_error(dir.path()).find("tokenizer_config.json: field \"do_lower_case\" is \"yes\", expected true or false") !=
        std::string::npos);
  test::write_file(dir.path() / "tokenizer_config.json", "{}");
  test::write_file(dir.path() / "modules.json", "[3]");
  CHECK(load_error(dir.path()).find("modules.json: module 0: expected a JSON object") != std::string::npos);
  std::filesystem::remove(dir.path() / "modules.json");
  CHECK(load_error_after("tiny-bert", [](json& c) { c["architectures"] = 7; }).find("field \"architectures\" is 7") !=
        std::string::npos);
  CHECK(load_error_after("tiny-bert", [](json& c) { c["id2label"] = {{"0", 1}, {"1", "b"}}; })
            .find("\"id2label\": field \"0\" is 1, expected a string") != std::string::npos);
  std::filesystem::remove(dir.path() / "vocab.txt");
  std::filesystem::create_directory(dir.path() / "vocab.txt");
  CHECK(load_error(dir.path()).find("vocab.txt: is a directory") != std::string::npos);
}

TEST_CASE("hostile: a newer \"ltp\" format is refused with a clear message, and the current one loads") {
  CHECK(load_error_after("tiny-bert", [](json& c) { c["ltp"] = {{"format_version", kLtpFormatVersion + 1}}; })
            .find("written by a newer ltp") != std::string::npos);
  CHECK(load_error_after("tiny-bert", [](json& c) {
          c["ltp"] = {{"format_version", kLtpFormatVersion}, {"prune_mode", "topk"}, {"keep_rate", 0.5}};
        }).empty());
}

TEST_CASE("hostile: conflicting options are refused, not silently ignored") {
  const std::string ltp_run = "echo hi | " + std::string(LTP_RUN_BINARY) + model_arg(test::model_dir("tiny-bert"));
  for (const char* options : {"--prune none --keep-rate 0.3", "--prune none --thresholds 0,0,0,0,0,0",
                              "--prune none --threshold-scale 2", "--keep-rate 0.3 --threshold-scale 0.5"}) {
    const auto run = test::run_program(ltp_run + " " + options);
    CHECK_MESSAGE(run.exit_code == 1, options);
  }
  const auto bench = test::run_program(std::string(LTP_BENCH_BINARY) + " --random-model bert-base" +
                                       model_arg(test::model_dir("tiny-bert")));
  CHECK(bench.exit_code == 1);
  CHECK(bench.stderr_text.find("excludes") != std::string::npos);
}

}  // namespace
}  // namespace ltp
