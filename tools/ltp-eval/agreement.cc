#include "agreement.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "ltp/error.h"

namespace ltp::eval {

namespace {

// Indices of the k rows most similar to row i (itself left out), most similar first.
std::vector<size_t> nearest(const std::vector<std::vector<double>>& similarity, size_t i, int k) {
  std::vector<size_t> order(similarity.size());
  std::iota(order.begin(), order.end(), size_t{0});
  order.erase(order.begin() + static_cast<std::ptrdiff_t>(i));
  const auto& row = similarity[i];
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](size_t a, size_t b) { return row[a] != row[b] ? row[a] > row[b] : a < b; });
  order.resize(static_cast<size_t>(k));
  std::sort(order.begin(), order.end());
  return order;
}

std::vector<std::vector<double>> similarities(const Embeddings& e) {
  std::vector<std::vector<double>> s(e.size(), std::vector<double>(e.size(), 0.0));
  for (size_t i = 0; i < e.size(); ++i)
    for (size_t j = i + 1; j < e.size(); ++j) s[i][j] = s[j][i] = cosine(e[i], e[j]);
  return s;
}

}  // namespace

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += double{a[i]} * b[i];
    aa += double{a[i]} * a[i];
    bb += double{b[i]} * b[i];
  }
  return aa == 0 || bb == 0 ? 0.0 : ab / std::sqrt(aa * bb);
}

Agreement agreement(const Embeddings& dense, const Embeddings& pruned, int k) {
  if (dense.size() != pruned.size())
    throw Error("agreement: " + std::to_string(dense.size()) + " dense embeddings but " +
                std::to_string(pruned.size()) + " pruned ones");
  if (k < 1 || static_cast<size_t>(k) >= dense.size())
    throw std::invalid_argument("agreement: " + std::to_string(k) + " neighbours need more than that many sentences, got " +
                                std::to_string(dense.size()));
  const auto near_dense = similarities(dense), near_pruned = similarities(pruned);
  Agreement a{.sentences = static_cast<int64_t>(dense.size()), .neighbours = k};
  for (size_t i = 0; i < dense.size(); ++i) {
    a.mean_cosine += cosine(dense[i], pruned[i]);
    const auto d = nearest(near_dense, i, k), p = nearest(near_pruned, i, k);
    std::vector<size_t> both;
    std::set_intersection(d.begin(), d.end(), p.begin(), p.end(), std::back_inserter(both));
    a.neighbour_overlap += static_cast<double>(both.size()) / k;
  }
  a.mean_cosine /= static_cast<double>(dense.size());
  a.neighbour_overlap /= static_cast<double>(dense.size());
  return a;
}

std::vector<std::string> distinct_sentences(const std::vector<Example>& examples) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Example& e : examples)
    for (const std::string* s : {&e.text, e.pair ? &*e.pair : nullptr})
      if (s && seen.insert(*s).second) out.push_back(*s);
  return out;
}

Embeddings embed(const Model& model, const EncoderOptions& encoder_options, const std::vector<std::string>& sentences,
                 const EvalOptions& options) {
  if (model.config().head != HeadKind::None) throw Error("--agreement compares embeddings: the model has a head");
  const int max_length = options.max_length ? options.max_length : model.config().max_tokens();
  Encoder encoder(model, encoder_options);
  Embeddings out;
  const size_t batch = static_cast<size_t>(options.batch_size);
  for (size_t start = 0; start < sentences.size(); start += batch) {
    std::vector<Encoding> inputs;
    for (size_t i = start; i < std::min(sentences.size(), start + batch); ++i)
      inputs.push_back(model.encode(sentences[i], std::nullopt, max_length));
    for (auto& o : encoder.run(inputs)) out.push_back(std::move(o.values));
  }
  return out;
}

nlohmann::ordered_json to_json(const Agreement& a) {
  return {{"sentences", a.sentences},
          {"neighbours", a.neighbours},
          {"mean_cosine", a.mean_cosine},
          {"neighbour_overlap", a.neighbour_overlap}};
}

}  // namespace ltp::eval
