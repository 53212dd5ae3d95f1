#include "outputs.h"

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

namespace ltp::py {

namespace nb = nanobind;

namespace {

// The array owns `data`: NumPy frees it with the last view.
template <class T, size_t D>
nb::ndarray<nb::numpy, T, nb::ndim<D>, nb::c_contig> to_numpy(std::vector<T> data, std::array<size_t, D> shape) {
  auto owned = std::make_unique<std::vector<T>>(std::move(data));
  nb::capsule owner(owned.get(), [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  return {owned.release()->data(), D, shape.data(), owner};
}

// Row after row of one field of every result, each `width` long.
template <class T>
std::vector<T> rows(const std::vector<SequenceOutput>& results, size_t width, std::vector<T> SequenceOutput::*field) {
  std::vector<T> out;
  out.reserve(results.size() * width);
  for (const SequenceOutput& r : results) {
    const std::vector<T>& row = r.*field;
    if (row.size() != width)  // the array's shape would not match its data
      throw std::logic_error("an output row has " + std::to_string(row.size()) + " values, expected " +
                             std::to_string(width));
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

}  // namespace

Output make_output(const ModelConfig& config, const std::vector<SequenceOutput>& results, bool trace) {
  const size_t n = results.size();
  const size_t width = config.head == HeadKind::None ? static_cast<size_t>(config.hidden_size)
                                                     : static_cast<size_t>(config.num_labels);
  std::vector<float> values = rows(results, width, &SequenceOutput::values);
  Output out;
  if (config.head == HeadKind::None) {
    out.embeddings = to_numpy(std::move(values), std::array{n, width});
  } else if (config.is_regression()) {
    out.scores = to_numpy(std::move(values), std::array{n});
  } else {
    std::vector<std::string> labels;
    std::vector<float> probabilities;
    for (size_t i = 0; i < n; ++i) {
      const std::span<const float> logits(values.data() + i * width, width);
      const auto best = std::max_element(logits.begin(), logits.end()) - logits.begin();
      labels.push_back(config.labels[static_cast<size_t>(best)]);
      const std::vector<float> p = class_probabilities(logits);
      probabilities.insert(probabilities.end(), p.begin(), p.end());
    }
    out.labels = std::move(labels);
    out.logits = to_numpy(std::move(values), std::array{n, width});
    out.probabilities = to_numpy(std::move(probabilities), std::array{n, width});
  }
  if (trace) {
    const size_t layers = static_cast<size_t>(config.num_layers);
    std::vector<int32_t> kept = rows(results, layers, &SequenceOutput::tokens_kept);
    std::vector<int64_t> flops, dense;
    for (const SequenceOutput& r : results) {
      flops.push_back(r.flops);
      dense.push_back(r.flops_dense);
    }
    out.tokens_kept = to_numpy(std::move(kept), std::array{n, layers});
    out.flops = to_numpy(std::move(flops), std::array{n});
    out.flops_dense = to_numpy(std::move(dense), std::array{n});
  }
  return out;
}

}  // namespace ltp::py
