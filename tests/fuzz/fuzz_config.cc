// config.json (with its "ltp" section) on arbitrary bytes, in a folder that
// also holds the tiny BERT's other files, so a config that parses also binds
// weights and a tokenizer.
#include "fuzz_support.h"
#include "ltp/config.h"
#include "ltp/error.h"
#include "ltp/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = [] {
    const auto d = ltp::fuzz::scratch_dir() / "model";
    std::filesystem::copy(ltp::fuzz::test_data() / "models" / "tiny-bert", d,
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
    return d;
  }();
  ltp::fuzz::write_file(dir / "config.json", data, size);
  try {
    const ltp::ModelConfig config = ltp::load_config(dir);
    // Loading weights is only worth it for the shape the folder has.
    if (config.hidden_size == 32 && config.vocab_size == 30522) (void)ltp::Model::load(dir);
  } catch (const ltp::Error&) {
  }
  return 0;
}
