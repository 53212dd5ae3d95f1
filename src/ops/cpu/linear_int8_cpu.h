// ops::Linear at --precision int8 on the CPU (the scheme: quantize.h). Per
// chunk of rows: quantize the inputs, one oneDNN u8·s8→s32 matmul, then one
// pass that scales, adds the bias (and the residual), and for GELU/tanh a
// oneDNN element-wise pass over the rows still in cache.
#pragma once

#include <cstdint>
#include <utility>

#include <oneapi/dnnl/dnnl.hpp>

#include "ops/cpu/dnnl_runtime.h"
#include "ops/cpu/quantize.h"
#include "ops/linear.h"
#include "tensor.h"

namespace ltp::ops {

class CpuInt8Linear final : public LinearBackend {
 public:
  CpuInt8Linear(const Tensor& weight, const Tensor& bias);
  void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const override;

  const QuantizedWeights& quantized() const { return weights_; }
  // 255, or 127 without VNNI/AMX (cpu_has_native_int8).
  int input_levels() const { return levels_; }

 private:
  CachedPrimitive matmul(int64_t m) const;
  CachedPrimitive activation(int64_t m, Epilogue epilogue) const;

  int64_t in_;
  int64_t out_;
  int levels_;
  QuantizedWeights weights_;
  Tensor bias_;
  dnnl::memory::desc packed_desc_;
  dnnl::memory packed_weights_;
  PrimitiveCache<int64_t, CachedPrimitive> matmuls_{kMaxGemmRows};                                // never emptied
  PrimitiveCache<std::pair<int64_t, Epilogue>, CachedPrimitive> activations_{2 * kMaxGemmRows};  // never emptied
};

}  // namespace ltp::ops
