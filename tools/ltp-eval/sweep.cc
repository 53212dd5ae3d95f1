#include "sweep.h"

#include <sstream>

namespace ltp::eval {

namespace {

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(s);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

float number(const std::string& text, const std::string& spec) {
  size_t used = 0;
  float v = 0;
  try {
    v = std::stof(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) throw cli::UsageError("--sweep " + spec + ": \"" + text + "\" is not a number");
  return v;
}

}  // namespace

std::vector<SweepPoint> parse_sweep(const std::string& spec, const cli::PruneOptions& base) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq + 1 == spec.size())
    throw cli::UsageError("--sweep expects NAME=VALUES, e.g. threshold-scale=0,0.5,1");
  const std::string name = spec.substr(0, eq), values = spec.substr(eq + 1);
  std::vector<SweepPoint> points;
  if (name == "thresholds" || name == "keep-rates") {
    for (const auto& list : split(values, ';')) {
      SweepPoint p{name + "=" + list, base};
      p.prune.prune = "config";
      auto& per_layer = name == "thresholds" ? p.prune.thresholds : p.prune.keep_rates;
      per_layer.clear();
      for (const auto& v : split(list, ',')) per_layer.push_back(number(v, spec));
      points.push_back(std::move(p));
    }
    return points;
  }
  if (name != "threshold-scale" && name != "keep-rate")
    throw cli::UsageError("--sweep: unknown parameter '" + name +
                          "' (threshold-scale, keep-rate, thresholds or keep-rates)");
  for (const auto& v : split(values, ',')) {
    SweepPoint p{name + "=" + v, base};
    p.prune.prune = "config";
    (name == "threshold-scale" ? p.prune.threshold_scale : p.prune.keep_rate) = number(v, spec);
    points.push_back(std::move(p));
  }
  return points;
}

}  // namespace ltp::eval
