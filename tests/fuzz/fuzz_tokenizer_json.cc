// tokenizer.json on arbitrary bytes; a file that loads must then encode text.
#include "fuzz_support.h"
#include "ltp/error.h"
#include "ltp/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto dir = ltp::fuzz::scratch_dir() / "tokenizer";
  std::filesystem::create_directories(dir);
  ltp::fuzz::write_file(dir / "tokenizer.json", data, size);
  try {
    const auto tokenizer = ltp::load_tokenizer(dir);
    if (tokenizer) (void)tokenizer->encode("Hello, World! It's a café [MASK] journey.", "second one", 16);
  } catch (const ltp::Error&) {
  }
  return 0;
}
