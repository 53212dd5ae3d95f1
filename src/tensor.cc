#include "tensor.h"

#include "ltp/error.h"
#include "ops/memory.h"

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

size_t bytes_of(int64_t n) { return static_cast<size_t>(n) * sizeof(float); }

}  // namespace

void TensorRelease::operator()(float* p) const { ops::release(device, p); }

Tensor::Tensor(std::vector<int64_t> shape, Device device) : device_(device), storage_(nullptr, TensorRelease{device}) {
  resize(std::move(shape));
  ops::fill_zero(device_, storage_.get(), bytes_of(size_));
}

Tensor Tensor::to(Device device) const {
  Tensor t(shape_, device);
  ops::copy(data(), device_, t.data(), device, bytes_of(size_));
  return t;
}

void Tensor::resize(std::vector<int64_t> shape) {
  const int64_t n = element_count(shape);
  if (n > capacity_) {
    storage_.reset();  // free first: the peak stays at one buffer
    capacity_ = 0;
    storage_.reset(static_cast<float*>(ops::allocate(device_, bytes_of(n))));
    capacity_ = n;
  }
  shape_ = std::move(shape);
  size_ = n;
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
