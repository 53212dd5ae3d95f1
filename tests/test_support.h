// Paths to test data, golden files and comparison helpers shared by the tests.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ltp/config.h"
#include "ltp/model.h"
#include "ltp/stage_times.h"
#include "ltp/tokenizer.h"

namespace ltp::test {

std::filesystem::path data_dir();     // tests/data
std::filesystem::path tokenizers_dir();  // tests/data/tokenizers (reference tokenizer files)
std::filesystem::path glue_dir();        // data/glue (the GLUE dev sets the project ships)
std::filesystem::path model_dir(const std::string& name);  // tests/data/models/<name>
nlohmann::json load_golden(const std::string& model);       // tests/data/golden/<model>.json
Encoding golden_input(const nlohmann::json& record);        // its input_ids / token_type_ids
PruningConfig golden_case(const nlohmann::json& pruning_case);  // one of its "pruning" cases

// A fresh empty folder under the system temp dir, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Copies a test model folder into `to` so a test can break one file.
void copy_model(const std::string& name, const std::filesystem::path& to);
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& contents);

// The message Model::load throws for `dir`; "" when it loads.
std::string load_error(const std::filesystem::path& dir);
// Copies test model `name`, lets `edit` change its config.json, and returns the load error.
template <typename Edit>
std::string load_error_after(const std::string& name, Edit edit) {
  TempDir dir;
  copy_model(name, dir.path());
  nlohmann::json config = nlohmann::json::parse(read_file(dir.path() / "config.json"));
  edit(config);
  write_file(dir.path() / "config.json", config.dump(2));
  return load_error(dir.path());
}

// Writes a safetensors file of 1-D F32 tensors.
void write_safetensors(const std::filesystem::path& path, const std::map<std::string, std::vector<float>>& tensors);

// Overwrites element `index` of F32 tensor `name` in dir/model.safetensors.
void set_weight(const std::filesystem::path& dir, const std::string& name, size_t index, float value);

// On tiny-bert's first golden pruning case: the (sequence, layer) pairs where a
// model at `precision` keeps as many tokens as at fp32, and all pairs.
struct KeptAgreement {
  int same = 0;
  int total = 0;
};
KeptAgreement kept_counts_against_fp32(Precision precision);

// A shell command's exit code (-1 when killed by a signal), stdout and stderr.
struct ProgramRun {
  int exit_code;
  std::string stdout_text;
  std::string stderr_text;
};
ProgramRun run_program(const std::string& command);

// An encoder's stage times after `runs` runs that took `wall` seconds in all:
// every stage timed, and their sum (disjoint parts of the runs) within `wall`.
void check_stages_tile(const StageTimes& times, int64_t runs, double wall, const std::string& what);

// Largest |got - ref| seen; fails the test (naming `what` and the index) where
// |got - ref| > atol + rtol·|ref| or got is NaN.
double check_close(const std::vector<float>& got, const std::vector<float>& ref, double atol, double rtol,
                   const std::string& what);
std::vector<float> floats(const nlohmann::json& array);
// A two-label BERT classifier of the given shape (BERT's vocabulary, 512
// positions, 2 token types), for Model::random.
ModelConfig bert_classifier_config(int layers, int hidden, int heads, int intermediate);
// n values drawn from N(0, scale²), seeded.
std::vector<float> random_values(size_t n, unsigned seed, float scale = 1.0f);

}  // namespace ltp::test
