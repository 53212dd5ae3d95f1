// EncoderOptions::time_stages: the stages tile each run (every stage timed,
// their sum within the run's wall time), and timing changes no result. Times
// themselves are never asserted: speed belongs to ltp-bench.
#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "ltp/encoder.h"
#include "ltp/model.h"
#include "test_support.h"

namespace ltp {
namespace {

std::vector<Encoding> golden_inputs(const std::string& name) {
  const auto golden = test::load_golden(name);  // kept alive: the loop walks a part of it
  std::vector<Encoding> inputs;
  for (const auto& r : golden["pruning"][0]["inputs"]) inputs.push_back(test::golden_input(r));
  return inputs;
}

TEST_CASE("stage times: every stage of every run is timed, within the run's wall time, results unchanged") {
  for (const std::string name : {"tiny-bert", "tiny-mpnet"}) {
    const auto model = Model::load(test::model_dir(name));
    const auto inputs = golden_inputs(name);
    EncoderOverrides overrides;
    overrides.pruning.keep_rate = 0.5f;
    EncoderOptions options = resolve_encoder_options(model->config(), overrides);
    const auto untimed = Encoder(*model, options).run(inputs);
    options.time_stages = true;
    Encoder encoder(*model, options);
    CHECK(encoder.stage_times().total() == 0.0);
    double wall = 0.0;
    for (int run = 0; run < 3; ++run) {
      const auto start = std::chrono::steady_clock::now();
      const auto timed = encoder.run(inputs);
      wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (size_t i = 0; i < inputs.size(); ++i) {
        CHECK(timed[i].values == untimed[i].values);
        CHECK(timed[i].tokens_kept == untimed[i].tokens_kept);
      }
    }
    test::check_stages_tile(encoder.stage_times(), 3, wall, name);
  }
}

TEST_CASE("stage times: a copy marks a window, and untimed encoders stay at zero") {
  const auto model = Model::load(test::model_dir("tiny-bert"));
  const auto inputs = golden_inputs("tiny-bert");
  EncoderOptions timing;
  timing.time_stages = true;
  Encoder timed(*model, timing), untimed(*model, {});
  timed.run(inputs);
  const StageTimes first = timed.stage_times();
  timed.run(inputs);
  timed.run(inputs);
  const StageTimes window = timed.stage_times() - first;
  CHECK(window.runs == 2);
  CHECK(window.total() > 0.0);
  CHECK(window.total() == doctest::Approx(timed.stage_times().total() - first.total()));
  untimed.run(inputs);
  CHECK(untimed.stage_times().runs == 0);
  CHECK(untimed.stage_times().total() == 0.0);
}

TEST_CASE("stage times: ltp-bench --stages prints and records every stage for both modes") {
  test::TempDir dir;
  const auto out = dir.path() / "bench.json";
  const auto run = test::run_program(std::string(LTP_BENCH_BINARY) + " -m '" + test::model_dir("tiny-bert").string() +
                                     "' --keep-rate 0.5 --length 16 --batch-size 2 --sequences 4 --repeat 2 --stages "
                                     "--json " + out.string());
  REQUIRE(run.exit_code == 0);
  CHECK(run.stdout_text.find("Time per stage") != std::string::npos);
  const auto doc = nlohmann::json::parse(test::read_file(out));
  REQUIRE(doc["records"].size() == 2);
  for (const auto& record : doc["records"]) {
    REQUIRE(record["stage_ms_per_batch"].size() == kEncoderStageCount);
    for (size_t s = 0; s < kEncoderStageCount; ++s)
      CHECK(record["stage_ms_per_batch"][stage_name(static_cast<EncoderStage>(s))].get<double>() > 0.0);
  }
}

}  // namespace
}  // namespace ltp
