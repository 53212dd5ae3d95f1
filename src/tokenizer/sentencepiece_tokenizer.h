// ALBERT-style SentencePiece tokenization through libsentencepiece, with
// Hugging Face's pre-processing in front: user-defined symbols cut out first,
// `` and '' become ", then (unless keep_accents) NFKD and accent stripping,
// Unicode spaces, lower-casing; [CLS] A [SEP] B [SEP].
#pragma once

#include <filesystem>
#include <memory>

#include "ltp/tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace ltp {

struct SentencePieceOptions {
  bool lowercase = true;
  bool keep_accents = false;
};

class SentencePieceTokenizer : public Tokenizer {
 public:
  SentencePieceTokenizer(const std::filesystem::path& model_file, SentencePieceOptions options);
  ~SentencePieceTokenizer() override;

 protected:
  void tokenize_plain(std::string_view text, std::vector<int32_t>& ids) const override;

 private:
  std::string preprocess(std::string_view text) const;

  SentencePieceOptions options_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace ltp
