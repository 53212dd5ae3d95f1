#include "test_support.h"

#include "ltp/encoder.h"
#include "ltp/error.h"
#include "model/safetensors.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace ltp::test {

namespace fs = std::filesystem;

// LTP_TEST_DATA in the environment overrides the build's path (a build run
// from another checkout, as tools/gpu/check.sh may).
fs::path data_dir() {
  const char* from_environment = std::getenv("LTP_TEST_DATA");
  return from_environment ? fs::path(from_environment) : fs::path(LTP_TEST_DATA);
}
fs::path tokenizers_dir() { return data_dir() / "tokenizers"; }
fs::path glue_dir() { return data_dir().parent_path().parent_path() / "data" / "glue"; }  // tests/data → repository root
fs::path model_dir(const std::string& name) { return data_dir() / "models" / name; }

nlohmann::json load_golden(const std::string& model) {
  std::ifstream in(data_dir() / "golden" / (model + ".json"));
  REQUIRE_MESSAGE(in.good(), "golden file for " << model << " missing: run tools/reference/make_tiny_models.py");
  return nlohmann::json::parse(in);
}

Encoding golden_input(const nlohmann::json& r) {
  return {r["input_ids"].get<std::vector<int32_t>>(), r["token_type_ids"].get<std::vector<int32_t>>()};
}

TempDir::TempDir() {
  static std::mt19937_64 rng(std::random_device{}());
  path_ = fs::temp_directory_path() / ("ltp-test-" + std::to_string(::getpid()) + "-" + std::to_string(rng()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void copy_model(const std::string& name, const fs::path& to) {
  fs::copy(model_dir(name), to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

void check_stages_tile(const StageTimes& times, int64_t runs, double wall, const std::string& what) {
  CHECK_MESSAGE(times.runs == runs, what);
  for (size_t s = 0; s < kEncoderStageCount; ++s)
    CHECK_MESSAGE(times.seconds[s] > 0.0, what << ": " << stage_name(static_cast<EncoderStage>(s)) << " was not timed");
  CHECK_MESSAGE(times.total() <= wall, what);
}

double check_close(const std::vector<float>& got, const std::vector<float>& ref, double atol, double rtol,
                   const std::string& what) {
  REQUIRE_MESSAGE(got.size() == ref.size(), what << ": " << got.size() << " values, expected " << ref.size());
  double worst = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double diff = std::fabs(double{got[i]} - ref[i]);
    const bool ok = !std::isnan(got[i]) && diff <= atol + rtol * std::fabs(double{ref[i]});
    if (!ok) FAIL_CHECK(what << "[" << i << "] = " << got[i] << ", expected " << ref[i]);
    if (!ok) break;
    worst = std::max(worst, diff);
  }
  return worst;
}

std::vector<float> floats(const nlohmann::json& array) { return array.get<std::vector<float>>(); }

PruningConfig golden_case(const nlohmann::json& c) {
  PruningConfig p;
  p.mode = parse_prune_mode(c["mode"]);
  if (!c["thresholds"].is_null()) p.thresholds = c["thresholds"].get<std::vector<float>>();
  if (!c["score_norm_length"].is_null()) p.score_norm_length = c["score_norm_length"].get<int>();
  if (!c["keep_rate"].is_null()) p.keep_rate = c["keep_rate"].get<float>();
  return p;
}

std::vector<float> random_values(size_t n, unsigned seed, float scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

ModelConfig bert_classifier_config(int layers, int hidden, int heads, int intermediate) {
  ModelConfig c;
  c.num_layers = layers;
  c.hidden_size = hidden;
  c.num_heads = heads;
  c.intermediate_size = intermediate;
  c.vocab_size = 30522;
  c.max_position_embeddings = 512;
  c.type_vocab_size = 2;
  c.head = HeadKind::BertClassifier;
  c.num_labels = 2;
  c.labels = {"LABEL_0", "LABEL_1"};
  return c;
}

std::string load_error(const fs::path& dir) {
  try {
    Model::load(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

ProgramRun run_program(const std::string& command) {
  TempDir dir;
  const auto err = dir.path() / "stderr.txt";
  FILE* pipe = ::popen((command + " 2>" + err.string()).c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, read_file(err)};
}

void write_safetensors(const std::filesystem::path& path, const std::map<std::string, std::vector<float>>& tensors) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [name, values] : tensors) {
    const size_t begin = data.size();
    data.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    header[name] = {{"dtype", "F32"}, {"shape", {values.size()}}, {"data_offsets", {begin, data.size()}}};
  }
  const std::string text = header.dump();
  const uint64_t length = text.size();
  write_file(path, std::string(reinterpret_cast<const char*>(&length), 8) + text + data);
}

void set_weight(const std::filesystem::path& dir, const std::string& name, size_t index, float value) {
  const auto path = dir / "model.safetensors";
  std::string bytes = read_file(path);
  size_t offset = 0;
  {
    const SafetensorsFile file(path);
    const StoredTensor* t = file.find(name);
    REQUIRE(t != nullptr);
    REQUIRE(t->dtype == StoredDType::F32);
    REQUIRE(4 * index < t->end - t->begin);
    uint64_t header = 0;
    std::memcpy(&header, bytes.data(), 8);
    offset = 8 + header + t->begin + 4 * index;
  }
  std::memcpy(bytes.data() + offset, &value, 4);
  write_file(path, bytes);
}

KeptAgreement kept_counts_against_fp32(Precision precision) {
  const auto golden = load_golden("tiny-bert");
  const auto& c = golden["pruning"][0];
  const PruningConfig p{PruneMode::AbsoluteThreshold, c["thresholds"].get<std::vector<float>>(), {}, {}};
  const auto fp32 = Model::load(model_dir("tiny-bert"), Device::CPU, Precision::FP32);
  const auto other = Model::load(model_dir("tiny-bert"), Device::CPU, precision);
  std::vector<Encoding> inputs;
  for (const auto& r : c["inputs"]) inputs.push_back(golden_input(r));
  const auto a = Encoder(*fp32, {p, Pooling::Cls, false, false}).run(inputs);
  const auto b = Encoder(*other, {p, Pooling::Cls, false, false}).run(inputs);
  KeptAgreement k;
  for (size_t i = 0; i < inputs.size(); ++i)
    for (size_t l = 0; l < a[i].tokens_kept.size(); ++l, ++k.total) k.same += a[i].tokens_kept[l] == b[i].tokens_kept[l];
  return k;
}

}  // namespace ltp::test
