// tools/convert's outputs (made by tools/reference/make_converter_fixtures.py)
// load and behave like the model they came from.
#include <doctest/doctest.h>

#include "ltp/encoder.h"
#include "test_support.h"

namespace ltp {
namespace {

void check_matches_tiny_roberta(const Model& model) {
  const auto golden = test::load_golden("tiny-roberta");
  EncoderOptions dense;
  Encoder encoder(model, dense);
  for (const auto& r : golden["dense"]) {
    const Encoding e = test::golden_input(r);
    test::check_close(encoder.run(std::span(&e, 1))[0].values, test::floats(r["logits"]), 1e-4, 1e-4,
                      "converted logits");
  }
}

TEST_CASE("convert: a PyTorch .bin checkpoint gives the same outputs as its safetensors twin") {
  check_matches_tiny_roberta(*Model::load(test::model_dir("tiny-roberta-from-bin")));
}

TEST_CASE("convert: an LTP-paper checkpoint's thresholds are keep_threshold + final * l / L") {
  const auto model = Model::load(test::model_dir("tiny-ltp-converted"));
  const PruningConfig& p = model->config().pruning;
  CHECK(p.mode == PruneMode::AbsoluteThreshold);
  CHECK(p.score_norm_length == 128);
  const std::vector<double> keep = {0.0, 0.002, -0.001, 0.004, 0.0035, 0.006};  // make_converter_fixtures.py KEEP
  REQUIRE(p.thresholds.size() == keep.size());
  for (size_t l = 0; l < keep.size(); ++l)
    CHECK(p.thresholds[l] == doctest::Approx(keep[l] + 0.01 * static_cast<double>(l) / 6.0).epsilon(1e-6));
  CHECK(model->config().family == ModelFamily::Roberta);
  CHECK(model->config().head == HeadKind::RobertaClassifier);
  check_matches_tiny_roberta(*model);  // dense: the renamed weights are tiny-roberta's
}

}  // namespace
}  // namespace ltp
