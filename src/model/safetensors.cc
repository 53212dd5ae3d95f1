#include "model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "ltp/error.h"

namespace ltp {

namespace {

StoredDType parse_dtype(const std::string& s) {
  if (s == "F32") return StoredDType::F32;
  if (s == "F16") return StoredDType::F16;
  if (s == "BF16") return StoredDType::BF16;
  return StoredDType::Other;
}

// Bytes per element of every dtype the format defines.
size_t element_size(const std::string& dtype, const std::string& where) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  throw Error(where + ": unknown dtype \"" + dtype + "\"");
}

float half_to_float(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {  // subnormal half: renormalise
    exponent = 113;
    while (!(mantissa & 0x400u)) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
  }
  return std::bit_cast<float>(bits);
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
  const std::string file = path.string();
  require_regular_file(path, "model weights");
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) throw Error(file + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(file + ": cannot stat: " + std::strerror(errno));
  }
  map_size_ = static_cast<size_t>(st.st_size);
  if (map_size_ < 8) {
    ::close(fd);
    throw Error(file + ": truncated: " + std::to_string(map_size_) + " bytes, a safetensors file needs at least 8");
  }
  map_ = ::mmap(nullptr, map_size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw Error(file + ": cannot map into memory: " + std::strerror(errno));
  }
  try {
    const auto* base = static_cast<const std::byte*>(map_);
    uint64_t header_len = 0;
    std::memcpy(&header_len, base, 8);  // little-endian on every supported target
    if (header_len > map_size_ - 8)
      throw Error(file + ": truncated or corrupt: header length " + std::to_string(header_len) + " exceeds the " +
                  std::to_string(map_size_ - 8) + " bytes after the length field");
    nlohmann::json header;
    try {
      header = nlohmann::json::parse(reinterpret_cast<const char*>(base + 8),
                                     reinterpret_cast<const char*>(base + 8 + header_len));
    } catch (const nlohmann::json::exception& e) {
      throw Error(file + ": header is not valid JSON: " + e.what());
    }
    if (!header.is_object()) throw Error(file + ": header is not a JSON object");
    const std::byte* data = base + 8 + header_len;
    const size_t data_size = map_size_ - 8 - header_len;

    for (const auto& [name, entry] : header.items()) {
      if (name == "__metadata__") continue;
      const std::string where = file + ": tensor " + name;
      if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
        throw Error(where + ": header entry needs dtype, shape and data_offsets");
      StoredTensor t;
      t.name = name;
      if (!entry["dtype"].is_string()) throw Error(where + ": dtype must be a string");
      t.dtype_name = entry["dtype"].get<std::string>();
      t.dtype = parse_dtype(t.dtype_name);
      const size_t elem = element_size(t.dtype_name, where);
      if (!entry["shape"].is_array()) throw Error(where + ": shape " + entry["shape"].dump() + " is not a list of sizes");
      size_t count = 1;
      for (const auto& d : entry["shape"]) {
        if (!d.is_number_unsigned()) throw Error(where + ": shape " + entry["shape"].dump() + " is not a list of sizes");
        const size_t size = d.get<size_t>();
        // No tensor holds more elements than the file has bytes: this also keeps the product from overflowing.
        if (size != 0 && count > data_size / size)
          throw Error(where + ": shape " + entry["shape"].dump() + " holds more elements than the file's " +
                      std::to_string(data_size) + " data bytes");
        t.shape.push_back(static_cast<int64_t>(size));
        count *= size;
      }
      const auto& off = entry["data_offsets"];
      if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
        throw Error(where + ": data_offsets " + off.dump() + " is not [begin, end]");
      t.begin = off[0].get<size_t>();
      t.end = off[1].get<size_t>();
      if (t.begin > t.end || t.end > data_size)
        throw Error(where + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                    "] run past the data section of " + std::to_string(data_size) + " bytes (file truncated?)");
      if (t.end - t.begin != count * elem)
        throw Error(where + ": shape " + shape_to_string(t.shape) + " needs " + std::to_string(count * elem) +
                    " bytes, data_offsets give " + std::to_string(t.end - t.begin));
      t.data = data + t.begin;
      tensors_.push_back(std::move(t));
    }

    std::vector<const StoredTensor*> by_offset;  // empty tensors occupy no bytes, so overlap nothing
    for (const auto& t : tensors_)
      if (t.end > t.begin) by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
    for (size_t i = 1; i < by_offset.size(); ++i)
      if (by_offset[i]->begin < by_offset[i - 1]->end)
        throw Error(file + ": tensors " + by_offset[i - 1]->name + " and " + by_offset[i]->name +
                    " overlap at byte offset " + std::to_string(by_offset[i]->begin));
    for (size_t i = 0; i < tensors_.size(); ++i) index_[tensors_[i].name] = i;
  } catch (...) {
    ::munmap(map_, map_size_);
    map_ = nullptr;
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) ::munmap(map_, map_size_);
}

const StoredTensor* SafetensorsFile::find(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

Tensor SafetensorsFile::to_float(const StoredTensor& t) const {
  if (t.dtype == StoredDType::Other)
    throw Error(path_.string() + ": tensor " + t.name + " has dtype " + t.dtype_name +
                "; supported are F32, F16 and BF16 (re-save the model in one of them)");
  Tensor out(t.shape);
  float* dst = out.data();
  const size_t n = static_cast<size_t>(out.size());
  switch (t.dtype) {
    case StoredDType::F32:
      if (n > 0) std::memcpy(dst, t.data, n * 4);  // an empty tensor has no storage to copy into
      break;
    case StoredDType::F16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, t.data + 2 * i, 2);
        dst[i] = half_to_float(h);
      }
      break;
    case StoredDType::Other: break;  // rejected above
    case StoredDType::BF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, t.data + 2 * i, 2);
        dst[i] = std::bit_cast<float>(static_cast<uint32_t>(h) << 16);
      }
      break;
  }
  // A NaN or infinity in a weight would turn every output into NaN (and a label
  // chosen from NaN): refuse it here, once, where the tensor can be named.
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(dst[i]))
      throw Error(path_.string() + ": tensor " + t.name + " holds " + std::to_string(dst[i]) + " at element " +
                  std::to_string(i) + "; tensors must hold finite numbers");
  return out;
}

}  // namespace ltp
