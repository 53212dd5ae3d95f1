#include "ltp/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "ltp/error.h"

namespace ltp {

namespace {
constexpr size_t kAlignment = 64;

int64_t element_count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw std::invalid_argument("negative tensor dimension in " + shape_to_string(shape));
    n *= d;
  }
  return n;
}
}  // namespace

void Tensor::AlignedFree::operator()(float* p) const { std::free(p); }

Tensor::Tensor(std::vector<int64_t> shape) {
  resize(std::move(shape));
  if (size_ > 0) std::memset(storage_.get(), 0, static_cast<size_t>(size_) * sizeof(float));
}

void Tensor::resize(std::vector<int64_t> shape) {
  const int64_t n = element_count(shape);
  if (n > capacity_) {
    const size_t bytes = (static_cast<size_t>(n) * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment;
    auto* p = static_cast<float*>(std::aligned_alloc(kAlignment, bytes));
    if (!p) throw std::bad_alloc();
    storage_.reset(p);
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
