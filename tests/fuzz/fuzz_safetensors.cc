// The safetensors reader on arbitrary bytes: every tensor it accepts must lie
// inside the file and widen to floats without reading past it.
#include "fuzz_support.h"
#include "ltp/error.h"
#include "model/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = ltp::fuzz::scratch_dir() / "model.safetensors";
  ltp::fuzz::write_file(path, data, size);
  try {
    const ltp::SafetensorsFile file(path);
    for (const auto& t : file.tensors()) (void)file.to_float(t);
  } catch (const ltp::Error&) {
  }
  return 0;
}
