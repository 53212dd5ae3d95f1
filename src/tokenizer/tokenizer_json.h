// Hugging Face tokenizers' tokenizer.json for BERT-style WordPiece and
// RoBERTa-style byte-level BPE; any part outside those is a clear error.
#pragma once

#include <filesystem>
#include <memory>

#include "ltp/tokenizer.h"

namespace ltp {

std::unique_ptr<Tokenizer> tokenizer_from_json(const std::filesystem::path& file);

}  // namespace ltp
