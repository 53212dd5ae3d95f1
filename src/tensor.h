// A row-major float32 tensor in owned storage on one device (64-byte aligned on
// the host). Resizing within capacity never reallocates, so per-layer
// compaction does not allocate. On Device::CUDA, data() is a device pointer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ltp/device.h"

namespace ltp {

// Frees a tensor's storage on the device it was allocated on.
struct TensorRelease {
  Device device = Device::CPU;
  void operator()(float* p) const;
};

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled.
  explicit Tensor(std::vector<int64_t> shape, Device device = Device::CPU);

  // A copy on `device` (the same tensor's values, another storage).
  Tensor to(Device device) const;

  // Changes the shape; reallocates (without keeping contents) only when the new
  // size exceeds the capacity.
  void resize(std::vector<int64_t> shape);

  float* data() { return storage_.get(); }
  const float* data() const { return storage_.get(); }
  float* row(int64_t r) { return data() + r * row_size(); }
  const float* row(int64_t r) const { return data() + r * row_size(); }

  const std::vector<int64_t>& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int axis) const { return shape_.at(static_cast<size_t>(axis)); }
  int64_t size() const { return size_; }
  int64_t row_size() const { return shape_.empty() ? 1 : shape_.back(); }
  bool empty() const { return size_ == 0; }
  Device device() const { return device_; }

  std::string shape_string() const;

 private:
  std::vector<int64_t> shape_;
  int64_t size_ = 0;
  Device device_ = Device::CPU;
  std::unique_ptr<float[], TensorRelease> storage_;
  int64_t capacity_ = 0;
};

std::string shape_to_string(const std::vector<int64_t>& shape);

}  // namespace ltp
