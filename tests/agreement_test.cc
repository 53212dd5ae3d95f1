// ltp-eval --agreement: mean cosine and K-nearest-neighbour overlap on small
// hand-worked sets, and the embeddings of a tiny embedder dense vs itself.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <numbers>

#include "common/glue_tasks.h"
#include "ltp-eval/agreement.h"
#include "ltp/error.h"
#include "test_support.h"

namespace ltp::eval {
namespace {

// Unit vectors in the plane at the given angles (degrees).
Embeddings at_angles(const std::vector<double>& degrees) {
  Embeddings e;
  for (double d : degrees) {
    const double r = d * std::numbers::pi / 180.0;
    e.push_back({static_cast<float>(std::cos(r)), static_cast<float>(std::sin(r))});
  }
  return e;
}

TEST_CASE("agreement: identical embeddings agree fully") {
  const auto e = at_angles({0, 10, 30, 100, 200});
  const Agreement a = agreement(e, e, 2);
  CHECK(a.sentences == 5);
  CHECK(a.mean_cosine == doctest::Approx(1.0));
  CHECK(a.neighbour_overlap == doctest::Approx(1.0));
}

TEST_CASE("agreement: one moved sentence changes four nearest neighbours") {
  // Dense A 0°, B 10°, C 30°, D 100°, E 200°: nearest A→B, B→A, C→B, D→C, E→D.
  // Pruned moves C to 4°: A→C, B→C, C→A, D→B, E→D; only E's neighbour stays.
  const auto dense = at_angles({0, 10, 30, 100, 200});
  const auto pruned = at_angles({0, 10, 4, 100, 200});
  const Agreement a = agreement(dense, pruned, 1);
  CHECK(a.neighbour_overlap == doctest::Approx(0.2));
  CHECK(a.mean_cosine == doctest::Approx((4.0 + std::cos(26.0 * std::numbers::pi / 180.0)) / 5.0));
  // With every other sentence a neighbour, the sets always agree: a sentence is never its own neighbour.
  CHECK(agreement(dense, pruned, 4).neighbour_overlap == doctest::Approx(1.0));
}

TEST_CASE("agreement: equal cosines rank the earlier sentence first") {
  // Pruned, 0° sees 20° and -20° tie, and takes the earlier (index 1), as dense does without a tie;
  // taking the later one would make the overlap 2/3.
  const auto dense = at_angles({0, 20, -21});
  const auto pruned = at_angles({0, 20, -20});
  CHECK(agreement(dense, pruned, 1).neighbour_overlap == doctest::Approx(1.0));
}

TEST_CASE("agreement: bad sizes are errors") {
  const auto e = at_angles({0, 10, 30});
  CHECK_THROWS_WITH_AS(agreement(e, at_angles({0, 10}), 1), doctest::Contains("3 dense embeddings but 2"), Error);
  CHECK_THROWS_AS(agreement(e, e, 3), std::invalid_argument);
  CHECK_THROWS_AS(agreement(e, e, 0), std::invalid_argument);
}

TEST_CASE("agreement: distinct sentences of a pair set, in order") {
  const std::vector<Example> examples = {{.text = "a", .pair = "b"}, {.text = "b", .pair = "c"}, {.text = "a", .pair = "a"}};
  CHECK(distinct_sentences(examples) == std::vector<std::string>{"a", "b", "c"});
}

// tiny-bert-embed in `dir` with a vocabulary for text input (its table has 1000 rows).
void tiny_embedder(const std::filesystem::path& dir) {
  test::copy_model("tiny-bert-embed", dir);
  std::ifstream full(test::tokenizers_dir() / "bert-base-uncased" / "vocab.txt");
  std::string vocab, line;
  for (int i = 0; i < 1000 && std::getline(full, line); ++i) vocab += line + "\n";
  test::write_file(dir / "vocab.txt", vocab);
}

TEST_CASE("agreement: a tiny embedder without pruning agrees with itself") {
  test::TempDir dir;
  tiny_embedder(dir.path());
  const auto model = Model::load(dir.path());
  auto examples = read_examples(find_task("STS-B"), test::glue_dir() / "STS-B");
  examples.resize(20);
  const auto sentences = distinct_sentences(examples);
  EncoderOptions options;
  options.pooling = Pooling::Mean;
  const auto dense = embed(*model, options, sentences, {.batch_size = 7, .max_length = 0});
  REQUIRE(dense.size() == sentences.size());
  options.pruning = {PruneMode::TopK, {}, {}, 1.0f};  // keep rate 1 prunes nothing
  const Agreement a = agreement(dense, embed(*model, options, sentences, {.batch_size = 32, .max_length = 0}), 5);
  CHECK(a.mean_cosine == doctest::Approx(1.0).epsilon(1e-5));
  CHECK(a.neighbour_overlap == doctest::Approx(1.0));
}

TEST_CASE("agreement: ltp-eval --json carries each pruned point's agreement") {
  test::TempDir dir;
  tiny_embedder(dir.path() / "model");
  const auto json_path = dir.path() / "report.json";
  const auto run = test::run_program(std::string(LTP_EVAL_BINARY) + " -m " + (dir.path() / "model").string() +
                                     " --data " + (test::glue_dir() / "STS-B").string() +
                                     " --limit 20 --agreement 5 --sweep keep-rate=1 --json " + json_path.string() +
                                     " --sweep-out " + (dir.path() / "sweep").string());
  REQUIRE(run.exit_code == 0);
  const auto doc = nlohmann::json::parse(test::read_file(json_path));
  REQUIRE(doc.size() == 2);  // dense, keep-rate=1
  CHECK_FALSE(doc[0].contains("agreement"));
  const auto& a = doc[1]["agreement"];
  CHECK(a["neighbours"] == 5);
  CHECK(a["sentences"].get<int>() > 5);
  CHECK(a["mean_cosine"].get<double>() == doctest::Approx(1.0).epsilon(1e-5));
  CHECK(a["neighbour_overlap"].get<double>() == doctest::Approx(1.0));
}

}  // namespace
}  // namespace ltp::eval
