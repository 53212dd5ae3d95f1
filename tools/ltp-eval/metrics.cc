#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ltp::eval {

namespace {

void require_same_size(size_t a, size_t b) {
  if (a != b || a == 0) throw std::invalid_argument("metric inputs must be non-empty and of equal length");
}

std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = average;
    i = j + 1;
  }
  return rank;
}

// Pairs sorted by descending similarity; each cut between distinct values is a candidate threshold.
template <typename Score>
ThresholdResult best_threshold(const std::vector<double>& similarity, const std::vector<int>& gold, Score score) {
  require_same_size(similarity.size(), gold.size());
  std::vector<size_t> order(similarity.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return similarity[a] > similarity[b]; });
  const long positives = std::count(gold.begin(), gold.end(), 1);
  const long total = static_cast<long>(gold.size());
  ThresholdResult best{score(0, 0, positives, total), similarity[order[0]] + 1.0};
  long tp = 0, fp = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    (gold[order[i]] == 1 ? tp : fp) += 1;
    if (i + 1 < order.size() && similarity[order[i + 1]] == similarity[order[i]]) continue;
    const double value = score(tp, fp, positives, total);
    if (value > best.value) {
      const double next = i + 1 < order.size() ? similarity[order[i + 1]] : similarity[order[i]] - 1.0;
      best = {value, (similarity[order[i]] + next) / 2.0};
    }
  }
  return best;
}

}  // namespace

double accuracy(const std::vector<int>& p, const std::vector<int>& g) {
  require_same_size(p.size(), g.size());
  size_t right = 0;
  for (size_t i = 0; i < p.size(); ++i) right += p[i] == g[i];
  return static_cast<double>(right) / static_cast<double>(p.size());
}

double f1_score(const std::vector<int>& p, const std::vector<int>& g) {
  require_same_size(p.size(), g.size());
  double tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    tp += p[i] == 1 && g[i] == 1;
    fp += p[i] == 1 && g[i] != 1;
    fn += p[i] != 1 && g[i] == 1;
  }
  return tp == 0 ? 0.0 : 2 * tp / (2 * tp + fp + fn);
}

double matthews_corrcoef(const std::vector<int>& p, const std::vector<int>& g) {
  require_same_size(p.size(), g.size());
  const int classes = 1 + std::max(*std::max_element(p.begin(), p.end()), *std::max_element(g.begin(), g.end()));
  std::vector<double> predicted(static_cast<size_t>(classes)), actual(static_cast<size_t>(classes));
  double correct = 0, n = static_cast<double>(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    predicted[static_cast<size_t>(p[i])] += 1;
    actual[static_cast<size_t>(g[i])] += 1;
    correct += p[i] == g[i];
  }
  double pk = 0, tk = 0, pp = 0, tt = 0;
  for (int k = 0; k < classes; ++k) {
    pk += predicted[static_cast<size_t>(k)] * actual[static_cast<size_t>(k)];
    pp += predicted[static_cast<size_t>(k)] * predicted[static_cast<size_t>(k)];
    tt += actual[static_cast<size_t>(k)] * actual[static_cast<size_t>(k)];
  }
  tk = correct * n - pk;
  const double denominator = std::sqrt((n * n - pp) * (n * n - tt));
  return denominator == 0 ? 0.0 : tk / denominator;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  require_same_size(x.size(), y.size());
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return (sxx == 0 || syy == 0) ? 0.0 : sxy / std::sqrt(sxx * syy);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  return pearson(average_ranks(x), average_ranks(y));
}

ThresholdResult best_accuracy(const std::vector<double>& similarity, const std::vector<int>& gold) {
  return best_threshold(similarity, gold, [](long tp, long fp, long positives, long total) {
    const long tn = (total - positives) - fp;
    return static_cast<double>(tp + tn) / static_cast<double>(total);
  });
}

ThresholdResult best_f1(const std::vector<double>& similarity, const std::vector<int>& gold) {
  return best_threshold(similarity, gold, [](long tp, long fp, long positives, long) {
    const long fn = positives - tp;
    return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
  });
}

}  // namespace ltp::eval
