// ltp-run end to end: the binary on real files, every output line checked.
#include <doctest/doctest.h>

#include <sstream>

#include "ltp/device.h"
#include "test_support.h"

namespace ltp {
namespace {

struct RunResult {
  int exit_code;
  std::vector<nlohmann::json> records;
  std::string stdout_text;
  std::string stderr_text;
};

RunResult ltp_run(const std::string& args, const std::string& input) {
  test::TempDir dir;
  const auto in = dir.path() / "input.txt";
  test::write_file(in, input);
  const test::ProgramRun run = test::run_program(std::string(LTP_RUN_BINARY) + " " + args + " -i " + in.string());
  RunResult r{run.exit_code, {}, run.stdout_text, run.stderr_text};
  std::istringstream lines(run.stdout_text);
  std::string line;
  while (std::getline(lines, line)) r.records.push_back(nlohmann::json::parse(line));
  return r;
}

std::string model_arg(const std::string& name) { return "-m " + test::model_dir(name).string(); }

TEST_CASE("ltp-run: --precision int8 labels real sentences as fp32 does") {
  const std::string input = test::read_file(test::data_dir() / ".." / ".." / "docs" / "examples" / "sentences.txt");
  const auto fp32 = ltp_run(model_arg("tiny-bert") + " --precision fp32", input);
  const auto int8 = ltp_run(model_arg("tiny-bert") + " --precision int8", input);
  REQUIRE(fp32.exit_code == 0);
  REQUIRE(int8.exit_code == 0);
  REQUIRE(int8.records.size() == fp32.records.size());
  for (size_t i = 0; i < fp32.records.size(); ++i) {
    CHECK(int8.records[i]["label"] == fp32.records[i]["label"]);
    const auto a = fp32.records[i]["logits"].get<std::vector<float>>();
    const auto b = int8.records[i]["logits"].get<std::vector<float>>();
    test::check_close(b, a, 5e-3, 0, "logits of line " + std::to_string(i + 1));  // the bound of int8_test.cc
  }
}

TEST_CASE("ltp-run: one record per line, in order, errors in place") {
  const std::string input =
      "it 's a charming and often affecting journey . \n"
      "\n"
      "He said the pie business doesn't fit.\tThe pie business does not fit.\n"
      "bad \xff byte\n"
      "a\tb\tc\n"
      "last line without newline";
  const auto r = ltp_run(model_arg("tiny-bert") + " --batch-size 2", input);
  CHECK(r.exit_code == 0);
  REQUIRE(r.records.size() == 6);
  for (size_t i = 0; i < r.records.size(); ++i) CHECK(r.records[i]["index"] == i);
  CHECK(r.records[0]["label"].is_string());
  CHECK(r.records[0]["probs"].size() == 2);
  CHECK(r.records[1]["error"] == "empty line");
  CHECK(r.records[2].contains("logits"));
  CHECK(r.records[3]["error"] == "invalid UTF-8 at byte 4");
  CHECK(r.records[4]["error"].get<std::string>().find("more than one TAB") != std::string::npos);
  CHECK(r.records[5].contains("label"));
  CHECK(r.stderr_text.find("3 of 6 input lines could not run") != std::string::npos);
  // The first line's logits are the golden ones (it is SST-2 dev row 1).
  const auto golden = test::load_golden("tiny-bert");
  test::check_close(r.records[0]["logits"].get<std::vector<float>>(), test::floats(golden["dense"][0]["logits"]),
                    1e-4, 1e-4, "ltp-run logits");
}

TEST_CASE("ltp-run: jsonl input, pre-tokenized ids, trace fields") {
  const std::string input =
      R"({"input_ids": [0, 5, 7, 2]})" "\n"
      R"({"input_ids": [0, 5000, 2]})" "\n"
      R"({"input_ids": [0, 5, 2], "token_type_ids": [0, 0]})" "\n"
      R"({"text": "no tokenizer here"})" "\n"
      R"({"input_ids": [0, 5)" "\n"
      "[1, 2]\n";
  const auto r = ltp_run(model_arg("tiny-roberta") + " --input-format jsonl --trace", input);
  CHECK(r.exit_code == 0);
  REQUIRE(r.records.size() == 6);
  CHECK(r.records[0]["tokens_kept"].size() == 6);
  CHECK(r.records[0]["flops"] == r.records[0]["flops_dense"]);
  CHECK(r.records[0]["probs"].size() == 3);
  CHECK(r.records[1]["error"].get<std::string>().find("token id 5000 at position 1 is outside") != std::string::npos);
  CHECK(r.records[2]["error"].get<std::string>().find("token_type_ids has 2 entries") != std::string::npos);
  CHECK(r.records[3]["error"].get<std::string>().find("has no tokenizer files") != std::string::npos);
  CHECK(r.records[4]["error"].get<std::string>().find("malformed JSON") != std::string::npos);
  CHECK(r.records[5]["error"].get<std::string>().find("expected a JSON object") != std::string::npos);
}

TEST_CASE("ltp-run: pruning options change the work done") {
  const std::string input = "the movie was a charming , often affecting journey through a long life .\n";
  const auto dense = ltp_run(model_arg("tiny-bert") + " --trace", input);
  const auto pruned = ltp_run(model_arg("tiny-bert") + " --trace --thresholds 0,0.02,0.04,0.06,0.08,0.1", input);
  const auto topk = ltp_run(model_arg("tiny-bert") + " --trace --keep-rate 0.3", input);
  REQUIRE(dense.exit_code == 0);
  REQUIRE(pruned.exit_code == 0);
  REQUIRE(topk.exit_code == 0);
  CHECK(pruned.records[0]["flops"] < dense.records[0]["flops"]);
  CHECK(pruned.records[0]["flops_dense"] == dense.records[0]["flops"]);
  CHECK(topk.records[0]["tokens_kept"].back() < dense.records[0]["tokens_kept"].back());
  const auto none = ltp_run(model_arg("tiny-bert") + " --trace --prune none", input);
  REQUIRE(none.exit_code == 0);
  CHECK(none.records[0]["flops"] == dense.records[0]["flops"]);
}

TEST_CASE("ltp-run: embeddings and regression records") {
  const auto embed = ltp_run(model_arg("tiny-bert-embed") + " --input-format jsonl", R"({"input_ids": [101, 7, 102]})" "\n");
  REQUIRE(embed.records.size() == 1);
  const auto v = embed.records[0]["embedding"].get<std::vector<float>>();
  CHECK(v.size() == 32);
  double norm = 0;
  for (float x : v) norm += double{x} * x;
  CHECK(norm == doctest::Approx(1.0).epsilon(1e-5));
  const auto reg = ltp_run(model_arg("tiny-bert-regression") + " --input-format jsonl", R"({"input_ids": [101, 7, 102]})" "\n");
  REQUIRE(reg.records.size() == 1);
  CHECK(reg.records[0]["score"].is_number());
  CHECK_FALSE(reg.records[0].contains("label"));
}

TEST_CASE("ltp-run: broken models and bad options exit non-zero with one clear message") {
  const auto missing = ltp_run("-m /nonexistent/model", "x\n");
  CHECK(missing.exit_code == 2);
  CHECK(missing.stderr_text.find("/nonexistent/model: model folder not found") != std::string::npos);
  CHECK(missing.stdout_text.empty());
  const auto text_without_vocab = ltp_run(model_arg("tiny-roberta"), "hello\n");
  CHECK(text_without_vocab.exit_code == 2);
  CHECK(text_without_vocab.stderr_text.find("text input needs them") != std::string::npos);
  CHECK(ltp_run(model_arg("tiny-bert") + " --device tpu", "x\n").exit_code == 1);
  CHECK(ltp_run(model_arg("tiny-bert") + " --frobnicate", "x\n").exit_code == 1);
  CHECK(ltp_run(model_arg("tiny-bert") + " --keep-rate 1.5", "x\n").exit_code == 1);
  CHECK(ltp_run(model_arg("tiny-bert") + " --thresholds 0.1,0.2", "x\n").exit_code == 1);
  const auto too_long = ltp_run(model_arg("tiny-bert") + " --max-length 500", "x\n");
  CHECK(too_long.exit_code == 1);
  CHECK(too_long.stderr_text.find("exceeds the model's maximum of 128") != std::string::npos);
  if (const std::string why = device_unavailable_reason(Device::CUDA); !why.empty()) {
    const auto cuda = ltp_run(model_arg("tiny-bert") + " --device cuda", "x\n");
    CHECK(cuda.exit_code == 2);
    CHECK(cuda.stderr_text.find("--device cuda: " + why) != std::string::npos);
  }
}

TEST_CASE("ltp-run: long text is truncated to --max-length, long id lists are refused") {
  std::string words;
  for (int i = 0; i < 300; ++i) words += "word ";
  const auto r = ltp_run(model_arg("tiny-bert") + " --trace --max-length 16", words + "\n");
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0]["tokens_kept"][0] == 16);
  std::string ids = R"({"input_ids": [0)";
  for (int i = 0; i < 70; ++i) ids += ", 5";
  const auto refused = ltp_run(model_arg("tiny-roberta") + " --input-format jsonl", ids + "]}\n");
  CHECK(refused.records[0]["error"].get<std::string>().find("the model takes at most 64") != std::string::npos);
}

}  // namespace
}  // namespace ltp
