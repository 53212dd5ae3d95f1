// Fully connected layer  Y[M×N] (=|+=) act(X[M×K] · Wᵀ + b),  W as stored by
// Hugging Face: [N×K] (out × in). Weights are prepacked for the device once, at
// construction; the GEMM for each M is built once and cached.
#pragma once

#include <cstdint>
#include <memory>

#include "ltp/device.h"
#include "ltp/tensor.h"

namespace ltp::ops {

enum class Epilogue {
  None,         // Y  = X·Wᵀ + b
  Gelu,         // Y  = gelu_erf(X·Wᵀ + b)
  Tanh,         // Y  = tanh(X·Wᵀ + b)
  AddToOutput,  // Y += X·Wᵀ + b   (residual connection)
};

class CpuLinear;

class Linear {
 public:
  Linear(const Tensor& weight, const Tensor& bias, Device device, Precision precision = Precision::FP32);
  ~Linear();
  Linear(Linear&&) noexcept;
  Linear& operator=(Linear&&) noexcept;

  int64_t in_features() const { return in_; }
  int64_t out_features() const { return out_; }

  // x: [m × in] rows, y: [m × out] rows (both contiguous).
  void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const;

 private:
  Device device_;
  int64_t in_ = 0;
  int64_t out_ = 0;
  std::unique_ptr<CpuLinear> cpu_;
};

}  // namespace ltp::ops
