// WordPiece against Hugging Face BertTokenizerFast goldens on every GLUE dev
// row (tools/reference/make_tokenizer_goldens.py), plus hand-made edge cases.
#include <doctest/doctest.h>

#include <fstream>

#include "ltp/error.h"
#include "tokenizer/byte_level_bpe.h"
#include "tokenizer/sentencepiece_tokenizer.h"
#include "tokenizer/wordpiece.h"
#include "tokenizer/tokenizer_json.h"
#include "test_support.h"

namespace ltp {
namespace {

std::unique_ptr<WordPieceTokenizer> bert_tokenizer(const std::string& vocab) {
  return std::make_unique<WordPieceTokenizer>(test::tokenizers_dir() / vocab / "vocab.txt",
                                              BertNormalizerOptions{vocab == "bert-base-uncased", std::nullopt, true});
}

// The four reference tokenizers, built from the files in tests/data/tokenizers.
std::unique_ptr<Tokenizer> reference_tokenizer(const std::string& name) {
  const auto dir = test::tokenizers_dir() / name;
  if (name == "roberta-base") return std::make_unique<ByteLevelBpeTokenizer>(dir / "vocab.json", dir / "merges.txt", false);
  if (name == "albert-base-v2") return std::make_unique<SentencePieceTokenizer>(dir / "spiece.model", SentencePieceOptions{});
  return bert_tokenizer(name);
}

// Rows whose encoding differs from the golden; checks every row of the file.
int mismatches(const Tokenizer& tok, const std::filesystem::path& golden, int& rows) {
  std::ifstream in(golden);
  REQUIRE_MESSAGE(in.good(), golden.string() << " missing: run tools/reference/make_tokenizer_goldens.py");
  std::string line;
  int bad = 0;
  while (std::getline(in, line)) {
    const auto r = nlohmann::json::parse(line);
    const std::string text = r["text"];
    std::optional<std::string> pair;
    if (r.contains("pair")) pair = r["pair"].get<std::string>();
    const int max_length = r.value("max_length", 1 << 20);
    const Encoding e = tok.encode(text, pair ? std::optional<std::string_view>(*pair) : std::nullopt, max_length);
    if (e.ids != r["ids"].get<std::vector<int32_t>>() || e.type_ids != r["type_ids"].get<std::vector<int32_t>>()) {
      if (bad++ < 3) {
        std::string got, want;
        for (int32_t id : e.ids) got += std::to_string(id) + " ";
        for (int32_t id : r["ids"].get<std::vector<int32_t>>()) want += std::to_string(id) + " ";
        MESSAGE(golden.string() << " differs on: " << text << "\n  got      " << got << "\n  expected " << want);
      }
    }
    ++rows;
  }
  return bad;
}

TEST_CASE("tokenizers: 100% equal to Hugging Face on the GLUE dev sets and the hard cases") {
  for (const std::string name : {"bert-base-uncased", "bert-base-cased", "roberta-base", "albert-base-v2"}) {
    const auto tok = reference_tokenizer(name);
    for (const std::string task : {"SST-2", "MRPC", "RTE", "CoLA", "STS-B", "truncation", "hard_cases"}) {
      int rows = 0;
      CHECK_MESSAGE(mismatches(*tok, test::data_dir() / "tokenizer" / name / (task + ".jsonl"), rows) == 0,
                    name << " " << task);
      CHECK(rows > 20);
    }
  }
}

TEST_CASE("tokenizer.json: WordPiece and byte-level BPE files tokenize as their vocab files do") {
  const std::vector<std::pair<std::filesystem::path, std::string>> files = {
      {test::tokenizers_dir() / "bert-base-uncased" / "tokenizer.json", "bert-base-uncased"},
      {test::data_dir() / "tokenizer" / "roberta-base" / "tokenizer.json", "roberta-base"}};
  for (const auto& [file, golden] : files) {
    const auto tok = tokenizer_from_json(file);
    for (const std::string task : {"SST-2", "MRPC", "hard_cases"}) {
      int rows = 0;
      CHECK_MESSAGE(mismatches(*tok, test::data_dir() / "tokenizer" / golden / (task + ".jsonl"), rows) == 0,
                    file.string() << " " << task);
    }
  }
}

TEST_CASE("tokenizer.json: unsupported parts are refused by name") {
  test::TempDir dir;
  const auto path = dir.path() / "tokenizer.json";
  nlohmann::json j = nlohmann::json::parse(test::read_file(test::tokenizers_dir() / "bert-base-uncased" / "tokenizer.json"));
  j["normalizer"] = {{"type", "NFC"}};
  test::write_file(path, j.dump());
  CHECK_THROWS_WITH_AS(tokenizer_from_json(path), doctest::Contains("normalizer {\"type\":\"NFC\"} is not supported"), Error);
  j = nlohmann::json::parse(test::read_file(test::tokenizers_dir() / "bert-base-uncased" / "tokenizer.json"));
  j["model"]["type"] = "Unigram";
  test::write_file(path, j.dump());
  CHECK_THROWS_WITH_AS(tokenizer_from_json(path), doctest::Contains("model.type \"Unigram\" is not supported"), Error);
  test::write_file(path, "{\"model\": 3}");
  CHECK_THROWS_WITH_AS(tokenizer_from_json(path), doctest::Contains("no \"model\" section"), Error);
}

TEST_CASE("byte-level BPE: GPT-2 pre-tokenization") {
  using V = std::vector<std::string>;
  CHECK(gpt2_pre_tokenize("Hello world") == V{"Hello", " world"});
  CHECK(gpt2_pre_tokenize("it's 42 apples!!") == V{"it", "'s", " 42", " apples", "!!"});
  CHECK(gpt2_pre_tokenize("a  b") == V{"a", " ", " b"});
  CHECK(gpt2_pre_tokenize("a\n\nb  ") == V{"a", "\n", "\n", "b", "  "});
  CHECK(gpt2_pre_tokenize("Ünïcödé 日本") == V{"Ünïcödé", " 日本"});
}

std::vector<std::string> words(const std::string& text, bool lowercase) {
  return bert_pre_tokenize(text, BertNormalizerOptions{lowercase, std::nullopt, true});
}

TEST_CASE("wordpiece: normalisation and splitting rules") {
  using V = std::vector<std::string>;
  CHECK(words("Héllo, Wörld!", true) == V{"hello", ",", "world", "!"});
  CHECK(words("Héllo", false) == V{"Héllo"});             // cased: accents kept
  CHECK(words("a\tb\u00a0c\u2028d", true) == V{"a", "b", "c", "d"});  // all Unicode spaces split
  CHECK(words("x\u200by\x01z", true) == V{"xyz"});        // Cf and Cc removed
  CHECK(words("日本語abc", true) == V{"日", "本", "語", "abc"});
  CHECK(words("$5 a^b", true) == V{"$", "5", "a", "^", "b"});  // ASCII symbols count as punctuation
  CHECK(words("   ", true).empty());
}

TEST_CASE("wordpiece: pieces, unknown words and special tokens") {
  const auto tok_ptr = bert_tokenizer("bert-base-uncased");
  const WordPieceTokenizer& tok = *tok_ptr;
  CHECK(tok.tokenize("unflinchingly") == std::vector<int32_t>{4895, 10258, 2378, 8450, 2135});
  const int32_t unk = tok.token_id("[UNK]");
  CHECK(tok.tokenize(std::string(101, 'a')) == std::vector<int32_t>{unk});  // over 100 characters
  CHECK(tok.tokenize(std::string(100, 'a')).size() > 1);
  CHECK(tok.tokenize("a [MASK] b") == std::vector<int32_t>{tok.token_id("a"), tok.token_id("[MASK]"), tok.token_id("b")});
  const Encoding pair = tok.encode("a b", std::string_view("c"), 512);
  CHECK(pair.ids == std::vector<int32_t>{101, tok.token_id("a"), tok.token_id("b"), 102, tok.token_id("c"), 102});
  CHECK(pair.type_ids == std::vector<int32_t>{0, 0, 0, 0, 1, 1});
  CHECK(tok.encode("", std::nullopt, 512).ids == std::vector<int32_t>{101, 102});
  CHECK(tok.encode("a b c d e", std::nullopt, 4).ids.size() == 4);
  CHECK_THROWS_WITH_AS(tok.encode("a", std::string_view("b"), 2), doctest::Contains("leaves no room"), Error);
}

TEST_CASE("wordpiece: invalid UTF-8 is an error naming the byte") {
  const auto tok_ptr = bert_tokenizer("bert-base-uncased");
  const WordPieceTokenizer& tok = *tok_ptr;
  CHECK_THROWS_WITH_AS(tok.tokenize("ok \xff bad"), "invalid UTF-8 at byte 3", Error);
  CHECK_THROWS_AS(tok.tokenize("\xc3"), Error);            // cut inside a character
  CHECK_THROWS_AS(tok.tokenize("\xed\xa0\x80"), Error);    // a UTF-16 surrogate
}

TEST_CASE("truncation longest_first: lengths as Hugging Face computes them") {
  using P = std::pair<size_t, size_t>;
  CHECK(longest_first_lengths(3, 4, 10) == P{3, 4});
  CHECK(longest_first_lengths(3, 20, 10) == P{3, 7});
  CHECK(longest_first_lengths(20, 3, 10) == P{7, 3});
  CHECK(longest_first_lengths(10, 10, 15) == P{7, 8});
  CHECK(longest_first_lengths(12, 10, 15) == P{8, 7});
  CHECK(longest_first_lengths(0, 30, 5) == P{0, 5});
}

TEST_CASE("tokenizer files: each kind of folder gets its tokenizer") {
  test::TempDir dir;
  const auto files = test::tokenizers_dir();
  std::filesystem::copy(files / "roberta-base", dir.path() / "bpe");
  std::filesystem::copy(files / "albert-base-v2", dir.path() / "sp");
  std::filesystem::create_directories(dir.path() / "json");
  std::filesystem::copy(files / "bert-base-uncased" / "tokenizer.json", dir.path() / "json" / "tokenizer.json");
  const std::string text = "Hello, World! It's a charming café journey.";
  for (const auto& [folder, name] : std::vector<std::pair<std::string, std::string>>{
           {"bpe", "roberta-base"}, {"sp", "albert-base-v2"}, {"json", "bert-base-uncased"}}) {
    const auto tok = load_tokenizer(dir.path() / folder);
    REQUIRE_MESSAGE(tok != nullptr, folder);
    CHECK_MESSAGE(tok->encode(text, std::string_view("pair"), 512).ids ==
                      reference_tokenizer(name)->encode(text, std::string_view("pair"), 512).ids,
                  folder);
  }
}

TEST_CASE("tokenizer files: absent folder gives no tokenizer, config options are read") {
  CHECK(load_tokenizer(test::model_dir("tiny-roberta")) == nullptr);
  const auto tok = load_tokenizer(test::model_dir("tiny-bert"));
  REQUIRE(tok != nullptr);
  CHECK(tok->tokenize("Hello") == bert_tokenizer("bert-base-uncased")->tokenize("hello"));
}

}  // namespace
}  // namespace ltp
