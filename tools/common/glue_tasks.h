// GLUE dev sets in their distributed TSV form: which file, which columns, which
// labels, and a reader that names the file and line of any malformed row.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ltp::eval {

enum class Metric { Accuracy, F1, Matthews, Pearson, Spearman };
const char* metric_name(Metric metric);

struct GlueTask {
  std::string name;                  // "SST-2", "MNLI-mm", ...
  std::string file;                  // dev.tsv, dev_matched.tsv, ...
  bool has_header;
  // Columns by header name, or by position when there is no header (CoLA).
  std::string text_column, pair_column, label_column;
  int text_index = -1, pair_index = -1, label_index = -1, field_count = 0;
  std::vector<std::string> labels;   // raw label strings in the GLUE processors' order; empty: regression
  std::vector<std::string> label_names;  // readable names for the same classes
  std::vector<Metric> metrics;

  bool is_regression() const { return labels.empty(); }
  bool is_pair() const { return !pair_column.empty() || pair_index >= 0; }
};

struct Example {
  std::string text;
  std::optional<std::string> pair;
  int label = -1;       // class index into GlueTask::labels
  double score = 0.0;   // regression target
  int line = 0;         // 1-based line in the file
};

// "SST-2", "sst2", "MNLI-m", ... → the task; throws ltp::Error listing the known names.
const GlueTask& find_task(const std::string& name);
// The task a data folder is named after (".../glue/SST-2" → SST-2), if any.
std::optional<std::string> task_from_folder(const std::filesystem::path& dir);
std::vector<std::string> task_names();

// Reads dir/task.file. Quoting is off, a UTF-8 BOM and a missing final newline
// are accepted; a malformed row throws ltp::Error "file:line: ...".
std::vector<Example> read_examples(const GlueTask& task, const std::filesystem::path& dir);

}  // namespace ltp::eval
