// WordPiece against Hugging Face BertTokenizerFast goldens on every GLUE dev
// row (tools/reference/make_tokenizer_goldens.py), plus hand-made edge cases.
#include <doctest/doctest.h>

#include <fstream>

#include "ltp/error.h"
#include "ltp/wordpiece.h"
#include "test_support.h"

namespace ltp {
namespace {

WordPieceTokenizer bert_tokenizer(const std::string& vocab) {
  return WordPieceTokenizer(test::shared_dir() / "tokenizers" / vocab / "vocab.txt",
                            BertNormalizerOptions{vocab == "bert-base-uncased", std::nullopt, true});
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
      if (bad++ < 3) MESSAGE(golden.filename().string() << " differs on: " << text);
    }
    ++rows;
  }
  return bad;
}

TEST_CASE("wordpiece: 100% equal to Hugging Face on the GLUE dev sets") {
  for (const std::string vocab : {"bert-base-uncased", "bert-base-cased"}) {
    const WordPieceTokenizer tok = bert_tokenizer(vocab);
    for (const std::string task : {"SST-2", "MRPC", "RTE", "CoLA", "STS-B", "truncation"}) {
      int rows = 0;
      CHECK_MESSAGE(mismatches(tok, test::data_dir() / "tokenizer" / vocab / (task + ".jsonl"), rows) == 0,
                    vocab << " " << task);
      CHECK(rows > 20);
    }
  }
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
  const WordPieceTokenizer tok = bert_tokenizer("bert-base-uncased");
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
  const WordPieceTokenizer tok = bert_tokenizer("bert-base-uncased");
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

TEST_CASE("tokenizer files: absent folder gives no tokenizer, config options are read") {
  CHECK(load_tokenizer(test::model_dir("tiny-roberta")) == nullptr);
  const auto tok = load_tokenizer(test::model_dir("tiny-bert"));
  REQUIRE(tok != nullptr);
  CHECK(tok->tokenize("Hello") == bert_tokenizer("bert-base-uncased").tokenize("hello"));
}

}  // namespace
}  // namespace ltp
