#include "tokenizer/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>
#include <utf8proc.h>

#include <cstdlib>

#include "common/files.h"
#include "ltp/error.h"
#include "tokenizer/unicode.h"

namespace ltp {

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
}

std::string nfkd(const std::string& s) {
  utf8proc_uint8_t* out = utf8proc_NFKD(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
  if (!out) throw Error("NFKD normalisation failed");
  std::string result(reinterpret_cast<const char*>(out));
  std::free(out);
  return result;
}

}  // namespace

SentencePieceTokenizer::SentencePieceTokenizer(const std::filesystem::path& model_file, SentencePieceOptions options)
    : options_(options),
      processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  require_regular_file(model_file, "SentencePiece model");
  const auto status = processor_->Load(model_file.string());
  if (!status.ok()) throw Error(model_file.string() + ": not a SentencePiece model: " + status.ToString());
  const auto require = [&](const char* piece) {
    const int id = processor_->PieceToId(piece);
    if (id == processor_->unk_id() && std::string(piece) != processor_->IdToPiece(id))
      throw Error(model_file.string() + ": the model lacks the special piece " + piece);
    return static_cast<int32_t>(id);
  };
  special_ = SpecialTokens{require("[CLS]"), require("[SEP]"), false};
  for (const char* piece : {"[CLS]", "[SEP]", "<pad>", "<unk>", "[MASK]"}) {
    const int id = processor_->PieceToId(piece);
    if (processor_->IdToPiece(id) == piece) add_token(piece, id);
  }
  // User-defined symbols (ALBERT: ( ) " - . – £ €) are added tokens in Hugging Face:
  // cut out of the raw text first, so the text after one starts a new word with
  // its own ▁. SentencePiece stores them with score 0; trained pieces have
  // log-probabilities below 0.
  for (int id = 0; id < processor_->GetPieceSize(); ++id)
    if (!processor_->IsControl(id) && !processor_->IsUnknown(id) && !processor_->IsUnused(id) &&
        !processor_->IsByte(id) && processor_->GetScore(id) == 0.0f)
      add_token(processor_->IdToPiece(id), id);
}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::string SentencePieceTokenizer::preprocess(std::string_view text) const {
  std::string s(text);
  replace_all(s, "``", "\"");
  replace_all(s, "''", "\"");
  const std::vector<char32_t> cps = unicode::decode(options_.keep_accents ? s : nfkd(s));
  s.clear();
  for (char32_t cp : cps) {
    if (!options_.keep_accents && unicode::is_nonspacing_mark(cp)) continue;
    // Hugging Face splits words on every Unicode space (U+0085, U+2028, ...);
    // SentencePiece's own normaliser only knows some of them.
    if (unicode::is_pattern_space(cp)) cp = ' ';
    unicode::append_utf8(options_.lowercase ? unicode::to_lower(cp) : cp, s);
  }
  return s;
}

void SentencePieceTokenizer::tokenize_plain(std::string_view text, std::vector<int32_t>& ids) const {
  std::vector<int> pieces;
  const auto status = processor_->Encode(preprocess(text), &pieces);
  if (!status.ok()) throw Error("SentencePiece: " + status.ToString());
  ids.insert(ids.end(), pieces.begin(), pieces.end());
}

}  // namespace ltp
