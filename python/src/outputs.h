// What encode returns to Python: NumPy arrays chosen by the model's head
// (classifier, regression, none), and with trace=True each input's pruning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include "ltp/config.h"
#include "ltp/encoder.h"

namespace ltp::py {

template <class T>
using Matrix = nanobind::ndarray<nanobind::numpy, T, nanobind::ndim<2>, nanobind::c_contig>;
template <class T>
using Column = nanobind::ndarray<nanobind::numpy, T, nanobind::ndim<1>, nanobind::c_contig>;

// n inputs, C classes, H hidden, L layers. Fields that do not apply are None.
struct Output {
  std::optional<std::vector<std::string>> labels;  // classifiers: the label of the largest logit
  std::optional<Matrix<float>> logits;             // classifiers: [n, C]
  std::optional<Matrix<float>> probabilities;      // classifiers: softmax of the logits, [n, C]
  std::optional<Column<float>> scores;             // regression: [n]
  std::optional<Matrix<float>> embeddings;         // models without a head: [n, H]
  std::optional<Matrix<int32_t>> tokens_kept;      // trace: tokens alive after each layer's pruning, [n, L]
  std::optional<Column<int64_t>> flops;            // trace: FLOPs performed, [n]
  std::optional<Column<int64_t>> flops_dense;      // trace: FLOPs of the same input without pruning, [n]
};

// Needs the GIL (it makes Python objects).
Output make_output(const ModelConfig& config, const std::vector<SequenceOutput>& results, bool trace);

}  // namespace ltp::py
