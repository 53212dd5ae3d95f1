// The official GLUE metrics (as scikit-learn and scipy compute them).
#pragma once

#include <vector>

namespace ltp::eval {

double accuracy(const std::vector<int>& predicted, const std::vector<int>& gold);
// F1 of the positive class (label 1); 0 when there are no true positives.
double f1_score(const std::vector<int>& predicted, const std::vector<int>& gold);
// Matthews correlation for any number of classes (sklearn.metrics.matthews_corrcoef); 0 when undefined.
double matthews_corrcoef(const std::vector<int>& predicted, const std::vector<int>& gold);
double pearson(const std::vector<double>& x, const std::vector<double>& y);
// Pearson correlation of ranks, ties given their average rank (scipy.stats.spearmanr).
double spearman(const std::vector<double>& x, const std::vector<double>& y);

struct ThresholdResult {
  double value;      // the best accuracy or F1
  double threshold;  // similarity at or above which a pair counts as positive
};
// Binary decisions from similarity scores: the threshold maximising accuracy, and
// separately the one maximising F1 (as sentence-transformers' binary evaluator).
ThresholdResult best_accuracy(const std::vector<double>& similarity, const std::vector<int>& gold);
ThresholdResult best_f1(const std::vector<double>& similarity, const std::vector<int>& gold);

}  // namespace ltp::eval
