// ltp-eval's outputs: a table for people, JSON for programs, CSV + SVG for sweeps.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluator.h"

namespace ltp::eval {

void print_table(std::ostream& out, const std::vector<EvalResult>& results);
nlohmann::ordered_json to_json(const EvalResult& result);

// One row per point: point, metrics, FLOPs, relative FLOPs, tokens kept, seq/s.
void write_csv(const std::filesystem::path& path, const std::vector<EvalResult>& results);
// The first metric against FLOPs relative to dense; results[0] is the dense point.
void write_svg(const std::filesystem::path& path, const std::vector<EvalResult>& results, const std::string& model_name);

}  // namespace ltp::eval
