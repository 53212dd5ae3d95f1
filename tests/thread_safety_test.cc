// The thread-safety contract (include/ltp/encoder.h): one Model shared by many
// threads, one Encoder per thread; Model::encode (the tokenizer) may be called
// from any thread. Every thread must get exactly the single-threaded results.
// Run under ThreadSanitizer by tests/run.sh.
#include <doctest/doctest.h>

#include <thread>

#include "ltp/encoder.h"
#include "test_support.h"

namespace ltp {
namespace {

constexpr int kThreads = 4;
constexpr int kRounds = 8;

// Runs `inputs` on kThreads threads over `model`, one Encoder each, in batches of
// different sizes, and checks every output against the single-threaded one.
void check_threads(const Model& model, const EncoderOptions& options, const std::vector<Encoding>& inputs) {
  // One OpenMP thread on every thread: the threads under test are then the only
  // concurrency, and the shared primitives are made (oneDNN picks their kernels
  // by thread count) and run the same way everywhere.
  const int openmp_threads = num_threads();
  set_num_threads(1);
  Encoder reference_encoder(model, options);
  const auto reference = reference_encoder.run(inputs);

  std::vector<std::vector<std::vector<SequenceOutput>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      set_num_threads(1);
      Encoder encoder(model, options);
      for (int round = 0; round < kRounds; ++round) {
        // Batches of different sizes, so threads also grow their buffers at different times.
        std::vector<Encoding> batch(inputs.begin(), inputs.begin() + 1 + (t + round) % inputs.size());
        results[static_cast<size_t>(t)].push_back(encoder.run(batch));
      }
    });
  for (auto& thread : threads) thread.join();
  set_num_threads(openmp_threads);

  for (int t = 0; t < kThreads; ++t)
    for (const auto& batch : results[static_cast<size_t>(t)])
      for (size_t i = 0; i < batch.size(); ++i) {
        CHECK(batch[i].values == reference[i].values);  // bit for bit: batch invariance holds across threads
        CHECK(batch[i].tokens_kept == reference[i].tokens_kept);
      }
}

TEST_CASE("threads: Encoders on several threads over one Model give the single-threaded results") {
  const auto model = Model::load(test::model_dir("tiny-bert"));
  EncoderOptions options;
  options.pruning = test::golden_case(test::load_golden("tiny-bert")["pruning"][0]);
  std::vector<Encoding> inputs;
  for (const char* text : {"a charming and often affecting journey .", "the pie business does not fit .",
                           "unflinchingly bleak and desperate", "it 's slow -- very , very slow ."})
    inputs.push_back(model->encode(text, std::nullopt, 64));
  check_threads(*model, options, inputs);
}

TEST_CASE("threads: the same at a real model's shape, whose GEMMs need oneDNN scratchpads") {
  // MiniLM-L6's shape (models/default): its GEMMs and attention products pick
  // oneDNN kernels with scratch memory, which threads running one cached
  // primitive at once must not share (tiny-bert's small shapes never showed it).
  const auto model = Model::random(test::bert_classifier_config(6, 384, 12, 1536), 11);
  EncoderOptions options;
  options.pruning.mode = PruneMode::TopK;
  options.pruning.keep_rate = 0.3f;
  std::vector<Encoding> inputs;
  for (int length : {9, 23, 5, 31, 14, 40}) {
    Encoding e;
    for (int i = 0; i < length; ++i) e.ids.push_back(1000 + (i * 7919 + length) % 20000);
    e.type_ids.assign(e.ids.size(), 0);
    inputs.push_back(std::move(e));
  }
  check_threads(*model, options, inputs);
}

TEST_CASE("threads: one tokenizer of each kind shared by several threads") {
  for (const char* name : {"bert-base-uncased", "roberta-base", "albert-base-v2"}) {
    const auto tokenizer = load_tokenizer(test::tokenizers_dir() / name);
    const std::vector<std::string> texts = {"Hello, World! It's a charming café journey.", "unbelievably tokenized words",
                                            "北京欢迎你 emoji 😀 and more", "the same words again and again"};
    std::vector<Encoding> reference;
    for (const auto& text : texts) reference.push_back(tokenizer->encode(text, std::nullopt, 64));
    std::vector<int> mismatches(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int round = 0; round < 20; ++round)
          for (size_t i = 0; i < texts.size(); ++i)
            if (tokenizer->encode(texts[(i + t) % texts.size()], std::nullopt, 64).ids != reference[(i + t) % texts.size()].ids)
              ++mismatches[static_cast<size_t>(t)];
      });
    for (auto& thread : threads) thread.join();
    for (int m : mismatches) CHECK_MESSAGE(m == 0, name);
  }
}

}  // namespace
}  // namespace ltp
