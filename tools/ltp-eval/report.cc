#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "ltp/error.h"

namespace ltp::eval {

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string kept_list(const std::vector<double>& kept, const char* separator) {
  std::string s;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i) s += separator;
    s += fixed(kept[i], 1);
  }
  return s;
}

double relative_flops(const EvalResult& r) { return r.flops_dense ? static_cast<double>(r.flops) / r.flops_dense : 1.0; }

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

void print_table(std::ostream& out, const std::vector<EvalResult>& results) {
  if (results.empty()) return;
  out << "| point | examples |";
  for (const auto& [name, value] : results[0].metrics) out << " " << name << " |";
  out << " GFLOPs | dense GFLOPs | reduction | tokens kept per layer (mean) | seq/s |\n|---|---|";
  for (size_t i = 0; i < results[0].metrics.size(); ++i) out << "---|";
  out << "---|---|---|---|---|\n";
  for (const auto& r : results) {
    out << "| " << r.point << " | " << r.examples << " |";
    for (const auto& [name, value] : r.metrics) out << " " << fixed(100.0 * value, 2) << " |";
    out << " " << fixed(r.flops / 1e9, 2) << " | " << fixed(r.flops_dense / 1e9, 2) << " | " << fixed(r.reduction(), 2)
        << "x | " << kept_list(r.tokens_kept_per_layer, " ") << " | " << fixed(r.throughput(), 1) << " |\n";
  }
}

nlohmann::ordered_json to_json(const EvalResult& r) {
  nlohmann::ordered_json j;
  j["task"] = r.task;
  j["point"] = r.point;
  j["precision"] = r.precision;
  j["int8_smoothing"] = r.int8_smoothing;
  j["examples"] = r.examples;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  for (const auto& [name, value] : r.metrics) metrics[name] = value;
  j["metrics"] = metrics;
  j["flops"] = {{"performed", r.flops}, {"dense", r.flops_dense}, {"reduction", r.reduction()}};
  j["tokens_kept_per_layer"] = r.tokens_kept_per_layer;
  j["throughput_seq_per_s"] = r.throughput();
  return j;
}

void write_csv(const std::filesystem::path& path, const std::vector<EvalResult>& results) {
  std::ofstream out(path);
  if (!out) throw Error(path.string() + ": cannot write");
  out << "point";
  for (const auto& [name, value] : results.at(0).metrics) out << "," << name;
  out << ",flops,flops_dense,relative_flops,tokens_kept_per_layer,seq_per_s\n";
  for (const auto& r : results) {
    out << "\"" << r.point << "\"";
    for (const auto& [name, value] : r.metrics) out << "," << value;
    out << "," << r.flops << "," << r.flops_dense << "," << relative_flops(r) << ",\""
        << kept_list(r.tokens_kept_per_layer, " ") << "\"," << r.throughput() << "\n";
  }
}

void write_svg(const std::filesystem::path& path, const std::vector<EvalResult>& results, const std::string& model_name) {
  const std::string metric = results.at(0).metrics.at(0).first;
  const double width = 640, height = 420, left = 70, right = 160, top = 50, bottom = 60;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  double y_min = 1e300, y_max = -1e300;
  for (const auto& r : results) {
    y_min = std::min(y_min, 100 * r.metrics[0].second);
    y_max = std::max(y_max, 100 * r.metrics[0].second);
  }
  const double pad = std::max(1.0, (y_max - y_min) * 0.1);
  y_min -= pad;
  y_max += pad;
  auto x = [&](double rel) { return left + rel * plot_w; };  // relative FLOPs 0..1
  auto y = [&](double v) { return top + (y_max - v) / (y_max - y_min) * plot_h; };

  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s << "<text x=\"" << width / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" << xml_escape(model_name)
    << " on " << xml_escape(results[0].task) << ": " << metric << " vs FLOPs</text>\n";
  // Axes, ticks and grid.
  s << "<line x1=\"" << left << "\" y1=\"" << top + plot_h << "\" x2=\"" << left + plot_w << "\" y2=\"" << top + plot_h
    << "\" stroke=\"black\"/>\n<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\""
    << top + plot_h << "\" stroke=\"black\"/>\n";
  for (int i = 0; i <= 5; ++i) {
    const double rel = i / 5.0, v = y_min + (y_max - y_min) * i / 5.0;
    s << "<line x1=\"" << x(rel) << "\" y1=\"" << top << "\" x2=\"" << x(rel) << "\" y2=\"" << top + plot_h
      << "\" stroke=\"#eee\"/><text x=\"" << x(rel) << "\" y=\"" << top + plot_h + 16 << "\" text-anchor=\"middle\">"
      << fixed(rel, 1) << "</text>\n";
    s << "<line x1=\"" << left << "\" y1=\"" << y(v) << "\" x2=\"" << left + plot_w << "\" y2=\"" << y(v)
      << "\" stroke=\"#eee\"/><text x=\"" << left - 6 << "\" y=\"" << y(v) + 4 << "\" text-anchor=\"end\">"
      << fixed(v, 1) << "</text>\n";
  }
  s << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << height - 18
    << "\" text-anchor=\"middle\">FLOPs relative to dense (dense = 1.0)</text>\n";
  s << "<text transform=\"translate(18," << top + plot_h / 2 << ") rotate(-90)\" text-anchor=\"middle\">" << metric
    << " (%)</text>\n";
  // The pruned points joined in order of FLOPs, the dense point as a red square.
  std::vector<const EvalResult*> pruned;
  for (size_t i = 1; i < results.size(); ++i) pruned.push_back(&results[i]);
  std::sort(pruned.begin(), pruned.end(), [](auto* a, auto* b) { return relative_flops(*a) < relative_flops(*b); });
  if (!pruned.empty()) {
    s << "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"";
    for (const auto* r : pruned) s << x(relative_flops(*r)) << "," << y(100 * r->metrics[0].second) << " ";
    s << "\"/>\n";
    for (const auto* r : pruned)
      s << "<circle cx=\"" << x(relative_flops(*r)) << "\" cy=\"" << y(100 * r->metrics[0].second)
        << "\" r=\"4\" fill=\"#1f77b4\"><title>" << xml_escape(r->point) << "</title></circle>\n";
  }
  const EvalResult& dense = results[0];
  s << "<rect x=\"" << x(relative_flops(dense)) - 5 << "\" y=\"" << y(100 * dense.metrics[0].second) - 5
    << "\" width=\"10\" height=\"10\" fill=\"#d62728\"><title>dense</title></rect>\n";
  // Legend.
  const double lx = left + plot_w + 20;
  s << "<rect x=\"" << lx << "\" y=\"" << top + 4 << "\" width=\"10\" height=\"10\" fill=\"#d62728\"/><text x=\""
    << lx + 16 << "\" y=\"" << top + 13 << "\">dense</text>\n";
  s << "<circle cx=\"" << lx + 5 << "\" cy=\"" << top + 29 << "\" r=\"4\" fill=\"#1f77b4\"/><text x=\"" << lx + 16
    << "\" y=\"" << top + 33 << "\">pruned (" << pruned.size() << " points)</text>\n</svg>\n";
  std::ofstream out(path);
  if (!out) throw Error(path.string() + ": cannot write");
  out << s.str();
}

}  // namespace ltp::eval
