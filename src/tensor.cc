#include "tensor.h"

#include <stdexcept>

namespace ltp {

namespace {

int64_t element_count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw std::invalid_argument("negative tensor dimension in " + shape_to_string(shape));
    n *= d;
  }
  return n;
}

}  // namespace

size_t element_size(DType dtype) {
  switch (dtype) {
    case DType::F32: case DType::S32: return 4;
    case DType::S8: return 1;
  }
  throw std::logic_error("unknown DType");
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::F32: return "f32";
    case DType::S8: return "s8";
    case DType::S32: return "s32";
  }
  return "unknown";
}

Tensor::Tensor(std::vector<int64_t> shape, Device device, DType dtype)
    : device_(device), dtype_(dtype), storage_(nullptr, ops::DeviceRelease{device}) {
  resize(std::move(shape));
  ops::fill_zero(device_, storage_.get(), bytes());
}

Tensor Tensor::to(Device device) const {
  Tensor t(shape_, device, dtype_);
  ops::copy(storage_.get(), device_, t.storage_.get(), device, bytes());
  return t;
}

void Tensor::resize(std::vector<int64_t> shape) {
  const int64_t n = element_count(shape);
  if (n > capacity_) {
    storage_.reset();  // free first: the peak stays at one buffer
    capacity_ = 0;
    storage_.reset(ops::allocate(device_, static_cast<size_t>(n) * element_size(dtype_)));
    capacity_ = n;
  }
  shape_ = std::move(shape);
  size_ = n;
}

void Tensor::check_type(DType wanted) const {
  if (wanted != dtype_)
    throw std::logic_error(std::string("tensor ") + shape_string() + " holds " + dtype_name(dtype_) + ", read as " +
                           dtype_name(wanted));
}

std::string Tensor::shape_string() const { return shape_to_string(shape_); }

std::string shape_to_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace ltp
