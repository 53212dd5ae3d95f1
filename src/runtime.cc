#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "ltp/device.h"
#include "ltp/diagnostics.h"
#include "ltp/error.h"
#include "ops/dispatch.h"
#ifdef LTP_WITH_CUDA
#include "ops/cuda/cuda_context.h"
#endif

namespace ltp {

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::CPU;
  if (name == "cuda") return Device::CUDA;
  throw Error("unknown device '" + name + "': expected cpu or cuda");
}

Precision parse_precision(const std::string& name) {
  if (name == "fp32") return Precision::FP32;
  if (name == "bf16") return Precision::BF16;
  if (name == "fp16") return Precision::FP16;
  if (name == "tf32") return Precision::TF32;
  if (name == "int8") return Precision::INT8;
  throw Error("unknown precision '" + name + "': expected fp32, bf16, fp16, tf32 or int8");
}

const char* precision_name(Precision precision) {
  switch (precision) {
    case Precision::FP32: return "fp32";
    case Precision::BF16: return "bf16";
    case Precision::FP16: return "fp16";
    case Precision::TF32: return "tf32";
    case Precision::INT8: return "int8";
  }
  return "?";
}

std::string device_unavailable_reason(Device device) {
  if (device == Device::CPU) return "";
#ifdef LTP_WITH_CUDA
  return ops::cuda_unavailable_reason();
#else
  return ops::kNoCudaBackend;
#endif
}

void require_device(Device device, Precision precision) {
  if (device == Device::CPU && precision == Precision::FP16)
    throw Error("fp16 runs on --device cuda only; on the CPU use --precision bf16");
  if (device == Device::CPU && precision == Precision::TF32)
    throw Error("tf32 runs on --device cuda only (tensor cores); on the CPU use --precision fp32 or bf16");
  if (device == Device::CUDA && precision == Precision::INT8)
    throw Error("int8 runs on --device cpu only; on CUDA use --precision fp16 or bf16");
  if (const std::string why = device_unavailable_reason(device); !why.empty()) throw Error("--device cuda: " + why);
}

namespace {

// oneDNN ISA values are cumulative bit sets: an ISA includes the bits of those below it.
bool cpu_isa_includes(dnnl::cpu_isa wanted) {
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  return (isa & static_cast<unsigned>(wanted)) == static_cast<unsigned>(wanted);
}

}  // namespace

bool cpu_has_native_bf16() { return cpu_isa_includes(dnnl::cpu_isa::avx512_core_bf16); }

// AVX512-VNNI (AMX includes it) only: whether oneDNN's kernels use AVX-VNNI
// on AVX2 cores is not established, and a wrong guess would saturate silently.
bool cpu_has_native_int8() { return cpu_isa_includes(dnnl::cpu_isa::avx512_core_vnni); }

std::string cpu_gemm_isa_name() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::avx512_core_amx: return "AMX";
    case dnnl::cpu_isa::avx512_core_bf16: return "AVX-512 BF16";
    case dnnl::cpu_isa::avx512_core_vnni: return "AVX-512 VNNI";
    case dnnl::cpu_isa::avx512_core: return "AVX-512";
    case dnnl::cpu_isa::avx2: return "AVX2";
    default: return "other";
  }
}

std::string precision_warning(Device device, Precision precision) {
  if (device == Device::CPU && precision == Precision::BF16 && !cpu_has_native_bf16())
    return "this CPU has neither AVX512-BF16 nor AMX: bf16 is emulated and slower than fp32";
  if (device == Device::CPU && precision == Precision::INT8 && !cpu_has_native_int8())
    return "this CPU has no VNNI: int8 inputs keep 7 bits, and int8 is slower than with VNNI";
  return "";
}

int num_threads() { return omp_get_max_threads(); }

void set_num_threads(int threads) {
  if (threads < 0 || threads > kMaxThreads)
    throw Error("--threads must be in [0, " + std::to_string(kMaxThreads) + "], got " + std::to_string(threads));
  if (threads > 0) omp_set_num_threads(threads);
}

}  // namespace ltp
