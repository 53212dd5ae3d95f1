// ops::Linear at --precision int8 on the CPU (the scheme: quantize.h). Per
// chunk of rows: quantize the inputs (divided by the smoothing, if any), one
// oneDNN u8·s8→s32 matmul, then one pass that scales, adds the bias (and the
// residual), and for GELU/tanh a oneDNN element-wise pass over the rows still
// in cache.
#pragma once

#include <cstdint>

#include <oneapi/dnnl/dnnl.hpp>

#include "ops/cpu/dnnl_runtime.h"
#include "ops/cpu/quantize.h"
#include "ops/linear.h"
#include "tensor.h"

namespace ltp::ops {

class CpuInt8Linear final : public LinearBackend {
 public:
  // input_smoothing: [in] factors s > 0 (SmoothQuant: x/s times W·s), or empty.
  // Throws ltp::Error when `in` is so wide that s32 sums could overflow.
  CpuInt8Linear(const Tensor& weight, const Tensor& bias, const Tensor& input_smoothing);
  void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const override;

 private:
  CachedPrimitive matmul(int64_t m) const;
  CachedPrimitive activation(int64_t m, Epilogue epilogue) const;

  int64_t in_;
  int64_t out_;
  int levels_;                // input_levels()
  Tensor inverse_smoothing_;  // [in]: 1/s, or ones
  QuantizedWeights weights_;  // scales and column sums; the s8 values live on packed
  Tensor bias_;
  dnnl::memory::desc packed_desc_;
  dnnl::memory packed_weights_;
};

}  // namespace ltp::ops
