#include "evaluator.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>

#include "agreement.h"
#include "common/progress.h"
#include "ltp/error.h"
#include "metrics.h"

namespace ltp::eval {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return "[" + s + "]";
}

// Runs the encoder over encodings in batches, accumulating FLOPs, tokens kept and time.
class BatchRunner {
 public:
  BatchRunner(const Model& model, const EncoderOptions& options, EvalResult& result)
      : encoder_(model, options), result_(result), layers_(model.config().num_layers) {
    result_.tokens_kept_per_layer.assign(static_cast<size_t>(layers_), 0.0);
  }

  std::vector<SequenceOutput> run(const std::vector<Encoding>& batch) {
    const auto start = std::chrono::steady_clock::now();
    auto out = encoder_.run(batch);
    result_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& o : out) {
      result_.flops += o.flops;
      result_.flops_dense += o.flops_dense;
      for (int l = 0; l < layers_; ++l) result_.tokens_kept_per_layer[static_cast<size_t>(l)] += o.tokens_kept[static_cast<size_t>(l)];
      ++result_.sequences;
    }
    return out;
  }

  void finish() {
    for (double& k : result_.tokens_kept_per_layer) k /= static_cast<double>(std::max<int64_t>(1, result_.sequences));
  }

 private:
  Encoder encoder_;
  EvalResult& result_;
  int layers_;
};

}  // namespace

std::vector<int> map_labels(const ModelConfig& c, const GlueTask& task) {
  if (c.head == HeadKind::None) return {};
  if (c.is_regression() != task.is_regression())
    throw Error(std::string("the model is a ") + (c.is_regression() ? "regression model" : "classifier") + " but " +
                task.name + " is " + (task.is_regression() ? "a regression task" : "a classification task"));
  if (task.is_regression()) return {};
  if (c.labels.size() != task.labels.size())
    throw Error("the model has " + std::to_string(c.labels.size()) + " labels " + joined(c.labels) + " but " + task.name +
                " has " + std::to_string(task.labels.size()) + " " + joined(task.label_names));
  std::vector<int> mapping;
  bool generic = true;
  for (size_t k = 0; k < c.labels.size(); ++k) {
    generic = generic && lower(c.labels[k]) == "label_" + std::to_string(k);
    for (size_t i = 0; i < task.labels.size(); ++i)
      if (lower(c.labels[k]) == lower(task.labels[i]) || lower(c.labels[k]) == lower(task.label_names[i])) {
        mapping.push_back(static_cast<int>(i));
        break;
      }
  }
  if (generic) {
    mapping.resize(task.labels.size());
    for (size_t i = 0; i < mapping.size(); ++i) mapping[i] = static_cast<int>(i);
    return mapping;
  }
  std::vector<int> sorted = mapping;
  std::sort(sorted.begin(), sorted.end());
  if (mapping.size() != task.labels.size() || std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw Error("the model's labels " + joined(c.labels) + " do not match " + task.name + "'s labels " +
                joined(task.label_names));
  return mapping;
}

EvalResult evaluate(const Model& model, const EncoderOptions& encoder_options, const GlueTask& task,
                    const std::vector<Example>& examples, const EvalOptions& options) {
  const ModelConfig& c = model.config();
  const bool embedding = c.head == HeadKind::None;
  if (embedding && !task.is_pair()) throw Error("a model without a head is evaluated on sentence pairs (STS-B, MRPC, ...), not " + task.name);
  if (embedding && !task.is_regression() && task.labels != std::vector<std::string>{"0", "1"})
    throw Error("a model without a head is scored by similarity on STS-B or on paraphrase tasks (MRPC, QQP), not " +
                task.name);
  const std::vector<int> mapping = map_labels(c, task);
  const int max_length = options.max_length ? options.max_length : c.max_tokens();

  EvalResult result;
  result.task = task.name;
  result.precision = precision_name(model.precision());
  result.int8_smoothing = model.int8_smoothing();
  result.examples = static_cast<int64_t>(examples.size());
  BatchRunner runner(model, encoder_options, result);
  cli::Progress progress("ltp-eval " + task.name);
  std::vector<int> predicted, gold;
  std::vector<double> scores, targets;

  const size_t batch = static_cast<size_t>(options.batch_size);
  for (size_t start = 0; start < examples.size(); start += batch) {
    const size_t end = std::min(examples.size(), start + batch);
    std::vector<Encoding> inputs;
    for (size_t i = start; i < end; ++i) {
      const Example& e = examples[i];
      try {
        if (embedding) {
          inputs.push_back(model.encode(e.text, std::nullopt, max_length));
          inputs.push_back(model.encode(*e.pair, std::nullopt, max_length));
        } else {
          inputs.push_back(model.encode(e.text, e.pair ? std::optional<std::string_view>(*e.pair) : std::nullopt, max_length));
        }
      } catch (const Error& err) {
        throw Error(task.file + " line " + std::to_string(e.line) + ": " + err.what());
      }
    }
    const auto out = runner.run(inputs);
    for (size_t i = start; i < end; ++i) {
      const Example& e = examples[i];
      const size_t k = i - start;
      if (embedding) {
        scores.push_back(cosine(out[2 * k].values, out[2 * k + 1].values));
      } else if (task.is_regression()) {
        scores.push_back(out[k].values[0]);
      } else {
        const auto& v = out[k].values;
        predicted.push_back(mapping[static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin())]);
      }
      if (task.is_regression()) targets.push_back(e.score);
      else gold.push_back(e.label);
    }
    progress.update(static_cast<int64_t>(end));
  }
  runner.finish();

  for (const Metric m : task.metrics) {
    double value = 0.0;
    switch (m) {
      case Metric::Accuracy: value = embedding ? best_accuracy(scores, gold).value : accuracy(predicted, gold); break;
      case Metric::F1: value = embedding ? best_f1(scores, gold).value : f1_score(predicted, gold); break;
      case Metric::Matthews: value = matthews_corrcoef(predicted, gold); break;
      case Metric::Pearson: value = pearson(scores, targets); break;
      case Metric::Spearman: value = spearman(scores, targets); break;
    }
    result.metrics.emplace_back(metric_name(m), value);
  }
  return result;
}

}  // namespace ltp::eval
