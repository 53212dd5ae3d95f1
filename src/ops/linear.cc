#include "ops/linear.h"

#include "ltp/error.h"
#include "ops/cpu/linear_cpu.h"

namespace ltp::ops {

Linear::Linear(const Tensor& weight, const Tensor& bias, Device device, Precision precision) : device_(device) {
  if (weight.rank() != 2 || bias.rank() != 1 || bias.dim(0) != weight.dim(0))
    throw std::invalid_argument("Linear: weight " + weight.shape_string() + " and bias " + bias.shape_string() +
                                " do not form an [out×in] layer");
  out_ = weight.dim(0);
  in_ = weight.dim(1);
  switch (device_) {
    case Device::CPU: cpu_ = std::make_unique<CpuLinear>(weight, bias, precision); break;
    case Device::CUDA: throw Error("this build of ltp has no CUDA backend");
  }
}

Linear::~Linear() = default;
Linear::Linear(Linear&&) noexcept = default;
Linear& Linear::operator=(Linear&&) noexcept = default;

void Linear::forward(const float* x, int64_t m, float* y, Epilogue epilogue) const {
  if (m == 0) return;
  switch (device_) {
    case Device::CPU: cpu_->forward(x, m, y, epilogue); return;
    case Device::CUDA: throw Error("this build of ltp has no CUDA backend");
  }
}

}  // namespace ltp::ops
