// Fully connected layer  Y[M×N] (=|+=) act(X[M×K] · Wᵀ + b),  W as stored by
// Hugging Face: [N×K] (out × in). Weights are prepacked for the device once, at
// construction; X and Y live on that device and stay fp32 whatever the precision.
#pragma once

#include <cstdint>
#include <memory>

#include "ltp/device.h"
#include "tensor.h"

namespace ltp::ops {

enum class Epilogue {
  None,         // Y  = X·Wᵀ + b
  Gelu,         // Y  = gelu_erf(X·Wᵀ + b)
  Tanh,         // Y  = tanh(X·Wᵀ + b)
  AddToOutput,  // Y += X·Wᵀ + b   (residual connection)
};

// One device's GEMM: oneDNN on the CPU (cpu/linear_cpu.h), cuBLAS on CUDA
// (cuda/linear_gpu.h). One virtual call per GEMM, none per token.
class LinearBackend {
 public:
  virtual ~LinearBackend() = default;
  virtual void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const = 0;
};

class Linear {
 public:
  // weight [out × in] and bias [out] on the host. input_smoothing: [in]
  // SmoothQuant factors for int8 (ops/cpu/quantize.h), or empty; other
  // precisions ignore them, as x/s · (W·s)ᵀ = x · Wᵀ.
  Linear(const Tensor& weight, const Tensor& bias, Device device, Precision precision = Precision::FP32,
         const Tensor& input_smoothing = Tensor());

  int64_t in_features() const { return in_; }
  int64_t out_features() const { return out_; }

  // x: [m × in] rows, y: [m × out] rows (both contiguous, on the device).
  void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const;

 private:
  int64_t in_ = 0;
  int64_t out_ = 0;
  std::unique_ptr<LinearBackend> backend_;
};

template <Device D>
std::unique_ptr<LinearBackend> make_linear_backend(const Tensor& weight, const Tensor& bias, Precision precision,
                                                  const Tensor& input_smoothing);

}  // namespace ltp::ops
