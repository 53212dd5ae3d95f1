#include "stage_table.h"

#include "fixed.h"

namespace ltp::bench {

namespace {

double ms_per_run(const StageTimes& times, double seconds) {
  return times.runs ? 1e3 * seconds / static_cast<double>(times.runs) : 0.0;
}

const char* name_of(size_t stage) { return stage_name(static_cast<EncoderStage>(stage)); }

}  // namespace

std::string stage_table_header() {
  std::string names = "| mode | batch | length |", rule = "|---|---|---|";
  for (size_t s = 0; s < kEncoderStageCount; ++s) {
    names += std::string(" ") + name_of(s) + " |";
    rule += "---|";
  }
  return names + " total ms |\n" + rule + "---|\n";
}

std::string stage_table_row(const std::string& mode, int batch, const std::string& length, const StageTimes& times) {
  std::string row = "| " + mode + " | " + std::to_string(batch) + " | " + length + " |";
  const double total = ms_per_run(times, times.total());
  for (size_t s = 0; s < kEncoderStageCount; ++s) {
    const double ms = ms_per_run(times, times.seconds[s]);
    row.append(" ").append(fixed(ms, 2)).append(" (");
    row.append(fixed(total > 0 ? 100.0 * ms / total : 0.0, 0)).append("%) |");
  }
  return row.append(" ").append(fixed(total, 2)).append(" |\n");
}

nlohmann::ordered_json stage_record(const StageTimes& times) {
  nlohmann::ordered_json record = nlohmann::ordered_json::object();
  for (size_t s = 0; s < kEncoderStageCount; ++s) record[name_of(s)] = ms_per_run(times, times.seconds[s]);
  return record;
}

}  // namespace ltp::bench
