// cuBLAS behind ops::Linear. M tokens, K in, N out. Row-major Y = X·Wᵀ is the
// column-major Yᵀ = W·Xᵀ, so W ([N×K] row-major, read as K×N column-major) is
// passed transposed and X as is. fp16/bf16: weights stored in that type, each
// X converted just before its GEMM, tensor cores with fp32 accumulation.
// tf32: fp32 weights and X, rounded to TF32 inside the GEMM (tensor cores).
#pragma once

#include <cstdint>
#include <memory>

#include <cublas_v2.h>
#include <library_types.h>

#include "tensor.h"
#include "ops/linear.h"
#include "ops/memory.h"

namespace ltp::ops {

class CudaLinear final : public LinearBackend {
 public:
  CudaLinear(const Tensor& weight, const Tensor& bias, Precision precision);
  void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const override;

 private:
  int64_t in_;
  int64_t out_;
  cudaDataType_t input_type_;
  cublasComputeType_t compute_type_;
  std::unique_ptr<void, DeviceRelease> weights_;  // [N × K] in input_type_
  Tensor bias_;                                   // [N] fp32, on the device
};

}  // namespace ltp::ops
