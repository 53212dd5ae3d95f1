// --stages: each stage's ms per batch call and share of the run, as a table
// row and as a JSON record.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ltp/stage_times.h"

namespace ltp::bench {

std::string stage_table_header();
std::string stage_table_row(const std::string& mode, int batch, const std::string& length, const StageTimes& times);
nlohmann::ordered_json stage_record(const StageTimes& times);  // {stage name: ms per batch call}

}  // namespace ltp::bench
