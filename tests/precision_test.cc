// bf16 GEMMs against fp32 on the tiny models. bf16 keeps 8 significant bits:
// each GEMM input carries a relative rounding error of at most 2^-9 ≈ 0.2%,
// which the K-term sums average down; through 6 layers the hidden states
// (|x| ~ 1 after LayerNorm) move by ~5e-4 measured. The tolerance, 5e-3, is ten
// times that and still far below what one wrong op would give.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>

#include "ltp/encoder.h"
#include "ltp/error.h"
#include "ops/cpu/linear_cpu.h"
#include "test_support.h"

namespace ltp {
namespace {

constexpr double kBf16Tol = 5e-3;

TEST_CASE("bf16: rounding to nearest even") {
  CHECK(ops::to_bf16(1.0f) == 0x3F80);
  CHECK(ops::to_bf16(-2.0f) == 0xC000);
  CHECK(ops::to_bf16(1.00390625f) == 0x3F80);   // exactly halfway: to even
  CHECK(ops::to_bf16(1.01171875f) == 0x3F82);   // halfway, odd below: up
  CHECK(ops::to_bf16(std::nextafter(1.00390625f, 2.0f)) == 0x3F81);  // just above halfway
  CHECK(std::isnan(std::bit_cast<float>(static_cast<uint32_t>(ops::to_bf16(std::nanf(""))) << 16)));
}

// Every golden input through fp32 and bf16; returns the largest hidden-state difference.
double compare_precisions(const std::string& name) {
  const auto golden = test::load_golden(name);
  const auto fp32 = Model::load(test::model_dir(name), Device::CPU, Precision::FP32);
  const auto bf16 = Model::load(test::model_dir(name), Device::CPU, Precision::BF16);
  CHECK(bf16->precision() == Precision::BF16);
  EncoderOptions options;
  options.keep_hidden_states = true;
  std::vector<Encoding> inputs;
  for (const auto& r : golden["dense"]) inputs.push_back(test::golden_input(r));
  const auto a = Encoder(*fp32, options).run(inputs);
  const auto b = Encoder(*bf16, options).run(inputs);
  double worst = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    worst = std::max(worst, test::check_close(b[i].hidden_states, a[i].hidden_states, kBf16Tol, kBf16Tol, name + " hidden"));
    test::check_close(b[i].values, a[i].values, kBf16Tol, kBf16Tol, name + " logits");
  }
  return worst;
}

TEST_CASE("bf16: outputs stay within bf16 tolerance of fp32") {
  for (const std::string name : {"tiny-bert", "tiny-roberta", "tiny-bert-embed"})
    MESSAGE(name << ": largest bf16 - fp32 hidden-state difference " << compare_precisions(name)
                 << std::string(cpu_has_native_bf16() ? " (native bf16)" : " (emulated bf16)"));
}

TEST_CASE("bf16: pruning decisions barely move") {
  // Scores are computed in fp32 from bf16 GEMM outputs, so only tokens sitting
  // near a threshold can change side: at least 90% of the kept counts agree.
  const auto k = test::kept_counts_against_fp32(Precision::BF16);
  MESSAGE("bf16 kept counts equal to fp32 on " << k.same << " of " << k.total << " (sequence, layer) pairs");
  CHECK(k.same >= 0.9 * k.total);
}

TEST_CASE("precision from config.json (bf16, int8), and refused names") {
  test::TempDir dir;
  test::copy_model("tiny-roberta", dir.path());
  auto config = nlohmann::json::parse(test::read_file(dir.path() / "config.json"));
  for (const Precision precision : {Precision::BF16, Precision::INT8}) {
    config["ltp"] = {{"precision", precision_name(precision)}};
    test::write_file(dir.path() / "config.json", config.dump());
    CHECK(Model::load(dir.path())->precision() == precision);
    CHECK(Model::load(dir.path(), Device::CPU, Precision::FP32)->precision() == Precision::FP32);
  }
  config["ltp"] = {{"precision", "fp8"}};
  test::write_file(dir.path() / "config.json", config.dump());
  CHECK_THROWS_WITH_AS(Model::load(dir.path()), doctest::Contains("\"ltp.precision\": unknown precision 'fp8'"), Error);
}

// Registered a second time in tests/CMakeLists.txt with ONEDNN_MAX_CPU_ISA=AVX2,
// where oneDNN has no bf16 matmul and ltp rounds inputs itself.
TEST_CASE("bf16: correct without AVX512-BF16 and says so once") {
  const char* isa = std::getenv("ONEDNN_MAX_CPU_ISA");
  const bool limited = isa && std::string(isa) == "AVX2";
  if (limited) CHECK_FALSE(cpu_has_native_bf16());
  MESSAGE("ISA limit " << std::string(isa ? isa : "none") << ": largest bf16 - fp32 difference " << compare_precisions("tiny-bert"));
  if (!limited) return;
  test::TempDir dir;
  const std::string cmd = std::string(LTP_RUN_BINARY) + " -m " + test::model_dir("tiny-bert").string() +
                          " --precision bf16 -i " + (test::data_dir() / ".." / ".." / "docs" / "examples" / "sentences.txt").string() +
                          " > /dev/null 2> " + (dir.path() / "err").string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string err = test::read_file(dir.path() / "err");
  CHECK(err.find("bf16 is emulated and slower") != std::string::npos);
  CHECK(err.find("emulated") == err.rfind("emulated"));  // once
}

}  // namespace
}  // namespace ltp
