// The gpu-labelled suite: every test compares the CUDA path with the CPU path.
// Where no CUDA device can be used, the whole suite reports ctest's "skipped"
// (exit code 77) and says why on stderr.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <iostream>

#include "gpu_support.h"
#include "ltp/device.h"
#include "ops/cuda/attention_gpu.h"

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  if (const std::string why = ltp::device_unavailable_reason(ltp::Device::CUDA); !why.empty()) {
    std::cerr << "gpu tests skipped: " << why << "\n";
    return 77;
  }
  ltp::ops::pin_attention_multiprocessors(ltp::test::kPinnedMultiprocessors);
  return context.run();
}
