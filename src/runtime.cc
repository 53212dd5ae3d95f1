#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "ltp/device.h"
#include "ltp/error.h"

namespace ltp {

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::CPU;
  if (name == "cuda") return Device::CUDA;
  throw Error("unknown device '" + name + "': expected cpu or cuda");
}

Precision parse_precision(const std::string& name) {
  if (name == "fp32") return Precision::FP32;
  if (name == "bf16") return Precision::BF16;
  throw Error("unknown precision '" + name + "': expected fp32 or bf16");
}

const char* precision_name(Precision precision) { return precision == Precision::FP32 ? "fp32" : "bf16"; }

bool cpu_has_native_bf16() {
  // oneDNN ISA values are cumulative bit sets: an ISA includes the bits of those below it.
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  const auto bf16 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
  return (isa & bf16) == bf16;
}

void set_num_threads(int threads) {
  if (threads < 0) throw Error("--threads must be >= 0, got " + std::to_string(threads));
  if (threads > 0) omp_set_num_threads(threads);
}

}  // namespace ltp
