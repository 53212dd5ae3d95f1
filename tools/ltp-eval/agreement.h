// How closely a pruned embedder follows its dense self (ltp-eval --agreement K):
// the cosine between the two embeddings of each sentence, and how many of each
// sentence's K nearest neighbours (by cosine, among the set) both find.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/glue_tasks.h"
#include "evaluator.h"

namespace ltp::eval {

using Embeddings = std::vector<std::vector<float>>;  // one row per sentence

struct Agreement {
  int64_t sentences = 0;
  int neighbours = 0;              // K
  double mean_cosine = 0.0;        // pruned vs dense, same sentence, mean over sentences
  double neighbour_overlap = 0.0;  // |K-NN dense ∩ K-NN pruned| / K, mean over sentences
};

double cosine(const std::vector<float>& a, const std::vector<float>& b);

// Row i of `dense` and of `pruned` embed the same sentence; 0 < k < rows.
// Neighbours exclude the sentence itself; equal cosines rank the lower index first.
Agreement agreement(const Embeddings& dense, const Embeddings& pruned, int k);

// {"sentences", "neighbours", "mean_cosine", "neighbour_overlap"}, for ltp-eval --json.
nlohmann::ordered_json to_json(const Agreement& agreement);

// Both sides of every pair, each distinct sentence once, in order of first appearance.
std::vector<std::string> distinct_sentences(const std::vector<Example>& examples);

// The pooled embedding of each sentence under `encoder_options`.
Embeddings embed(const Model& model, const EncoderOptions& encoder_options, const std::vector<std::string>& sentences,
                 const EvalOptions& options);

}  // namespace ltp::eval
