// oneDNN matmul behind ops::Linear in fp32 or bf16 (linear_int8_cpu.h: int8).
// M tokens, K in, N out.
#pragma once

#include <cstdint>

#include <oneapi/dnnl/dnnl.hpp>

#include "ltp/device.h"
#include "ops/cpu/dnnl_runtime.h"
#include "ops/linear.h"
#include "tensor.h"

namespace ltp::ops {

// x rounded to the nearest bf16 (ties to even), as the top 16 bits of a float.
uint16_t to_bf16(float x);

// oneDNN's element-wise algorithm for Epilogue::Gelu or Epilogue::Tanh.
dnnl::algorithm activation_algorithm(Epilogue epilogue);

class CpuLinear final : public LinearBackend {
 public:
  // bf16 uses oneDNN's bf16 matmul (AMX / AVX512-BF16, or oneDNN's own
  // emulation); where oneDNN has no bf16 matmul at all, weights and inputs are
  // rounded to bf16 and multiplied in fp32, which gives the same products.
  CpuLinear(const Tensor& weight, const Tensor& bias, Precision precision);
  void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const override;

 private:
  CachedPrimitive primitive(int64_t m, Epilogue epilogue) const;

  int64_t in_;
  int64_t out_;
  bool bf16_inputs_;     // GEMM src is bf16 (native bf16 matmul)
  bool round_inputs_;    // fp32 GEMM on bf16-rounded inputs (fallback)
  dnnl::memory::desc packed_desc_;  // the layout oneDNN prefers for these weights
  dnnl::memory packed_weights_;
  dnnl::memory bias_;
};

}  // namespace ltp::ops
