// Read-only safetensors file, mapped with mmap: 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}}, then raw data.
// Every offset and shape is checked against the file before use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "tensor.h"

namespace ltp {

// The float types the engine reads; other dtypes (e.g. I64 position_ids buffers)
// are listed and bounds-checked but cannot be converted.
enum class StoredDType { F32, F16, BF16, Other };

struct StoredTensor {
  std::string name;
  StoredDType dtype;
  std::string dtype_name;  // as written in the header, e.g. "F32", "I64"
  std::vector<int64_t> shape;
  const std::byte* data;   // inside the mapping
  size_t begin;            // byte offsets relative to the data section
  size_t end;
};

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // nullptr when absent.
  const StoredTensor* find(const std::string& name) const;
  const std::vector<StoredTensor>& tensors() const { return tensors_; }

  // float32 copy of a tensor (F16 and BF16 are widened); F32 data is copied too,
  // so the result is aligned and owned. Throws ltp::Error for other dtypes.
  Tensor to_float(const StoredTensor& t) const;

 private:
  std::filesystem::path path_;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::vector<StoredTensor> tensors_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace ltp
