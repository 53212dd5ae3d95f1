#include "common/glue_tasks.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <cctype>
#include <fstream>
#include <sstream>

#include "ltp/error.h"

namespace ltp::eval {

namespace {

using M = Metric;

std::vector<GlueTask> make_tasks() {
  const std::vector<std::string> binary = {"0", "1"};
  const std::vector<std::string> entail = {"entailment", "not_entailment"};
  std::vector<GlueTask> t;
  t.push_back({"SST-2", "dev.tsv", true, "sentence", "", "label", -1, -1, -1, 0, binary, {"negative", "positive"}, {M::Accuracy}});
  t.push_back({"CoLA", "dev.tsv", false, "", "", "", 3, -1, 1, 4, binary, {"unacceptable", "acceptable"}, {M::Matthews}});
  t.push_back({"MRPC", "dev.tsv", true, "#1 String", "#2 String", "Quality", -1, -1, -1, 0, binary,
               {"not_equivalent", "equivalent"}, {M::Accuracy, M::F1}});
  t.push_back({"RTE", "dev.tsv", true, "sentence1", "sentence2", "label", -1, -1, -1, 0, entail, entail, {M::Accuracy}});
  t.push_back({"QNLI", "dev.tsv", true, "question", "sentence", "label", -1, -1, -1, 0, entail, entail, {M::Accuracy}});
  t.push_back({"WNLI", "dev.tsv", true, "sentence1", "sentence2", "label", -1, -1, -1, 0, binary,
               {"not_entailment", "entailment"}, {M::Accuracy}});
  t.push_back({"QQP", "dev.tsv", true, "question1", "question2", "is_duplicate", -1, -1, -1, 0, binary,
               {"not_duplicate", "duplicate"}, {M::Accuracy, M::F1}});
  t.push_back({"STS-B", "dev.tsv", true, "sentence1", "sentence2", "score", -1, -1, -1, 0, {}, {}, {M::Pearson, M::Spearman}});
  const std::vector<std::string> nli = {"contradiction", "entailment", "neutral"};
  t.push_back({"MNLI-m", "dev_matched.tsv", true, "sentence1", "sentence2", "gold_label", -1, -1, -1, 0, nli, nli, {M::Accuracy}});
  t.push_back({"MNLI-mm", "dev_mismatched.tsv", true, "sentence1", "sentence2", "gold_label", -1, -1, -1, 0, nli, nli,
               {M::Accuracy}});
  return t;
}

const std::vector<GlueTask>& tasks() {
  static const std::vector<GlueTask> all = make_tasks();
  return all;
}

// "SST-2", "sst2", "sst_2" all compare equal.
std::string canonical(const std::string& name) {
  std::string out;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out == "mnli") out = "mnlim";
  if (out == "stsb" || out == "sts") out = "stsb";
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

int column(const std::vector<std::string>& header, const std::string& name, const std::string& where) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) throw Error(where + ":1: header has no column \"" + name + "\"");
  return static_cast<int>(it - header.begin());
}

}  // namespace

const char* metric_name(Metric m) {
  switch (m) {
    case Metric::Accuracy: return "accuracy";
    case Metric::F1: return "f1";
    case Metric::Matthews: return "matthews_corr";
    case Metric::Pearson: return "pearson";
    case Metric::Spearman: return "spearman";
  }
  return "?";
}

std::vector<std::string> task_names() {
  std::vector<std::string> names;
  for (const auto& t : tasks()) names.push_back(t.name);
  return names;
}

const GlueTask& find_task(const std::string& name) {
  for (const auto& t : tasks())
    if (canonical(t.name) == canonical(name)) return t;
  std::string known;
  for (const auto& n : task_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown GLUE task '" + name + "': expected one of " + known);
}

std::optional<std::string> task_from_folder(const std::filesystem::path& dir) {
  std::filesystem::path p = dir;
  if (p.filename().empty()) p = p.parent_path();
  const std::string folder = p.filename().string();
  for (const auto& t : tasks())
    if (canonical(t.name) == canonical(folder)) return t.name;
  return std::nullopt;
}

std::vector<Example> read_examples(const GlueTask& task, const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / task.file;
  const std::string where = path.string();
  if (std::filesystem::is_directory(path)) throw Error(where + ": is a directory, expected " + task.file);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(where + ": cannot open (is --data the folder holding " + task.file + "?): " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string content = buffer.str();
  if (content.rfind("\xEF\xBB\xBF", 0) == 0) content.erase(0, 3);  // MRPC starts with a BOM

  std::vector<std::string> lines;
  std::istringstream stream(content);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();  // blank lines at the end hold no example
  int text = task.text_index, pair = task.pair_index, label = task.label_index;
  size_t fields_expected = static_cast<size_t>(task.field_count);
  size_t first = 0;
  if (task.has_header) {
    if (lines.empty()) throw Error(where + ": empty file, expected a header line");
    const auto header = split_tabs(lines[0]);
    text = column(header, task.text_column, where);
    if (!task.pair_column.empty()) pair = column(header, task.pair_column, where);
    label = column(header, task.label_column, where);
    fields_expected = header.size();
    first = 1;
  }

  std::vector<Example> examples;
  for (size_t i = first; i < lines.size(); ++i) {
    const int number = static_cast<int>(i + 1);
    const std::string at = where + ":" + std::to_string(number) + ": ";
    if (lines[i].empty()) throw Error(at + "empty line");
    const auto fields = split_tabs(lines[i]);
    if (fields.size() != fields_expected)
      throw Error(at + std::to_string(fields.size()) + " fields, expected " + std::to_string(fields_expected));
    Example e;
    e.line = number;
    e.text = fields[static_cast<size_t>(text)];
    if (pair >= 0) e.pair = fields[static_cast<size_t>(pair)];
    const std::string& raw = fields[static_cast<size_t>(label)];
    if (task.is_regression()) {
      // Decimal numbers only: from_chars alone would also take "nan" and "inf".
      const auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), e.score);
      if (raw.empty() || error != std::errc() || end != raw.data() + raw.size() || !std::isfinite(e.score))
        throw Error(at + "score \"" + raw + "\" is not a finite decimal number");
    } else {
      const auto it = std::find(task.labels.begin(), task.labels.end(), raw);
      if (it == task.labels.end()) throw Error(at + "label \"" + raw + "\" is not a " + task.name + " label");
      e.label = static_cast<int>(it - task.labels.begin());
    }
    examples.push_back(std::move(e));
  }
  if (examples.empty()) throw Error(where + ": no examples");
  return examples;
}

}  // namespace ltp::eval
