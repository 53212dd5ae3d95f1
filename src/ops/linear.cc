#include "ops/linear.h"

#include "ops/dispatch.h"

namespace ltp::ops {

namespace {

std::unique_ptr<LinearBackend> make_backend(Device device, const Tensor& weight, const Tensor& bias,
                                            Precision precision, const Tensor& input_smoothing) {
  LTP_DISPATCH(device, make_linear_backend, weight, bias, precision, input_smoothing);
}

}  // namespace

Linear::Linear(const Tensor& weight, const Tensor& bias, Device device, Precision precision,
               const Tensor& input_smoothing) {
  if (weight.rank() != 2 || bias.rank() != 1 || bias.dim(0) != weight.dim(0))
    throw std::invalid_argument("Linear: weight " + weight.shape_string() + " and bias " + bias.shape_string() +
                                " do not form an [out×in] layer");
  if (weight.device() != Device::CPU || bias.device() != Device::CPU)
    throw std::invalid_argument("Linear: weights are packed from host tensors");
  out_ = weight.dim(0);
  in_ = weight.dim(1);
  if (!input_smoothing.empty() && (input_smoothing.rank() != 1 || input_smoothing.dim(0) != in_))
    throw std::invalid_argument("Linear: input smoothing " + input_smoothing.shape_string() + " does not match " +
                                std::to_string(in_) + " inputs");
  backend_ = make_backend(device, weight, bias, precision, input_smoothing);
}

void Linear::forward(const float* x, int64_t m, float* y, Epilogue epilogue) const {
  if (m == 0) return;
  backend_->forward(x, m, y, epilogue);
}

}  // namespace ltp::ops
