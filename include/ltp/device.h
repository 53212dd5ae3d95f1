// Where tensors live and kernels run. The layer runner is written once; each op
// dispatches on this with a switch (src/ops/*.cc).
#pragma once

#include <string>

namespace ltp {

enum class Device { CPU, CUDA };

// GEMM input precision. bf16/fp16: weights held in bf16/fp16, GEMM inputs
// rounded to it, fp32 accumulation; everything else (LayerNorm, softmax,
// residuals, scores) fp32. tf32: fp32 weights and inputs that the tensor cores
// round to TF32 (fp16's 10-bit mantissa, fp32's range) inside each GEMM.
// fp16 and tf32 run on CUDA only. int8 (CPU only): weights quantized once to
// s8 per output channel, each GEMM input row to u8 with its own scale and zero
// point (so a sequence's result never depends on its batch), s32 sums, then
// scales, bias, activation and residual in fp32; everything outside the GEMMs
// (LayerNorm, softmax, attention, the pruning scores) stays fp32.
enum class Precision { FP32, BF16, FP16, TF32, INT8 };

// "cpu" or "cuda"; anything else throws ltp::Error.
Device parse_device(const std::string& name);
// "fp32", "bf16", "fp16", "tf32" or "int8"; anything else throws ltp::Error.
Precision parse_precision(const std::string& name);
const char* precision_name(Precision precision);
// Whether this CPU multiplies bf16 in hardware (AVX512-BF16 or AMX); without,
// bf16 runs emulated: correct but slower than fp32.
bool cpu_has_native_bf16();
// Whether this CPU multiplies u8·s8 with 32-bit sums in one instruction
// (AVX512-VNNI, which AMX CPUs have too). Without, int8 inputs keep 7 bits so
// that the 16-bit pair sums of the older instructions cannot saturate.
bool cpu_has_native_int8();
// Empty, or what a user should know about running `precision` on `device`
// here: bf16 emulated without AVX512-BF16/AMX, int8 at 7 bits without VNNI.
std::string precision_warning(Device device, Precision precision);

// Empty when a model can run on `device`; else why not (no CUDA backend in this
// build, no CUDA device visible, a driver error).
std::string device_unavailable_reason(Device device);
// Throws ltp::Error with that reason, or when `precision` cannot run on `device`.
void require_device(Device device, Precision precision);

// More threads than this is refused as a mistake (OpenMP runtimes crash on tens
// of thousands).
inline constexpr int kMaxThreads = 1024;

// Threads for GEMMs and kernels on the CPU (OpenMP) run from the calling
// thread; 0 keeps the default. Throws ltp::Error outside [0, kMaxThreads].
void set_num_threads(int threads);
// The threads CPU ops started from the calling thread will use.
int num_threads();

}  // namespace ltp
