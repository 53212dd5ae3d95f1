// A row-major tensor of one element type in owned storage on one device
// (64-byte aligned on the host). Activations and most weights are float32;
// int8 layers hold s8 weights and s32 column sums, so the element type is
// part of the tensor and every typed access checks it. Resizing within capacity never
// reallocates, so per-layer compaction does not allocate. On Device::CUDA,
// data() is a device pointer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ltp/device.h"
#include "ops/memory.h"

namespace ltp {

enum class DType { F32, S8, S32 };

size_t element_size(DType dtype);
const char* dtype_name(DType dtype);

// The DType holding elements of type T (float, int8_t, int32_t).
template <class T>
constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::F32; }
template <> constexpr DType dtype_of<int8_t>() { return DType::S8; }
template <> constexpr DType dtype_of<int32_t>() { return DType::S32; }

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled.
  explicit Tensor(std::vector<int64_t> shape, Device device = Device::CPU, DType dtype = DType::F32);

  // A copy on `device` (the same tensor's values, another storage).
  Tensor to(Device device) const;

  // Changes the shape; reallocates (without keeping contents) only when the new
  // size exceeds the capacity.
  void resize(std::vector<int64_t> shape);

  // The elements as T; throws std::logic_error when T is not the tensor's type.
  template <class T>
  T* data_as() {
    check_type(dtype_of<T>());
    return static_cast<T*>(storage_.get());
  }
  template <class T>
  const T* data_as() const {
    check_type(dtype_of<T>());
    return static_cast<const T*>(storage_.get());
  }
  float* data() { return data_as<float>(); }
  const float* data() const { return data_as<float>(); }
  float* row(int64_t r) { return data() + r * row_size(); }
  const float* row(int64_t r) const { return data() + r * row_size(); }

  const std::vector<int64_t>& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int axis) const { return shape_.at(static_cast<size_t>(axis)); }
  int64_t size() const { return size_; }
  int64_t row_size() const { return shape_.empty() ? 1 : shape_.back(); }
  bool empty() const { return size_ == 0; }
  Device device() const { return device_; }
  DType dtype() const { return dtype_; }
  size_t bytes() const { return static_cast<size_t>(size_) * element_size(dtype_); }

  std::string shape_string() const;

 private:
  void check_type(DType wanted) const;

  std::vector<int64_t> shape_;
  int64_t size_ = 0;
  Device device_ = Device::CPU;
  DType dtype_ = DType::F32;
  std::unique_ptr<void, ops::DeviceRelease> storage_{nullptr, ops::DeviceRelease{Device::CPU}};
  int64_t capacity_ = 0;
};

std::string shape_to_string(const std::vector<int64_t>& shape);

}  // namespace ltp
