#include "common/files.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include "ltp/error.h"

namespace ltp {

namespace fs = std::filesystem;
using nlohmann::json;

void require_regular_file(const fs::path& path, const std::string& what) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) throw Error(path.string() + ": not found (" + what + ")");
  if (error) throw Error(path.string() + ": cannot read (" + what + "): " + error.message());
  if (status.type() == fs::file_type::directory)
    throw Error(path.string() + ": is a directory, expected a file (" + what + ")");
  if (status.type() != fs::file_type::regular)
    throw Error(path.string() + ": not a regular file (" + what + "); FIFOs and devices are not read");
}

std::ifstream open_file(const fs::path& path, const std::string& what) {
  require_regular_file(path, what);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open (" + what + "): " + std::strerror(errno));
  return in;
}

json read_json_file(const fs::path& path, const std::string& what) {
  std::ifstream in = open_file(path, what);
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw Error(path.string() + ": not valid JSON (" + what + "): " + e.what());
  }
}

JsonFields::JsonFields(const json& object, std::string where) : object_(object), where_(std::move(where)) {
  if (!object_.is_object()) throw Error(where_ + ": expected a JSON object, got " + std::string(object_.type_name()));
}

bool JsonFields::has(const char* key) const { return object_.contains(key) && !object_[key].is_null(); }

const json& JsonFields::at(const char* key) const {
  if (!has(key)) throw Error(where_ + ": required field \"" + key + "\" is missing");
  return object_[key];
}

void JsonFields::fail(const char* key, const std::string& expected) const {
  std::string value = object_.contains(key) ? object_[key].dump(-1, ' ', false, json::error_handler_t::replace) : "missing";
  if (value.size() > 80) value = value.substr(0, 77) + "...";
  throw Error(where_ + ": field \"" + key + "\" is " + value + ", expected " + expected);
}

int64_t JsonFields::integer(const char* key, int64_t min, int64_t max) const {
  const json& v = at(key);
  const std::string expected = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(max)) fail(key, expected);
  } else if (!v.is_number_integer()) {
    fail(key, expected);
  }
  const int64_t n = v.get<int64_t>();
  if (n < min || n > max) fail(key, expected);
  return n;
}

int64_t JsonFields::integer_or(const char* key, int64_t fallback, int64_t min, int64_t max) const {
  return has(key) ? integer(key, min, max) : fallback;
}

double JsonFields::number(const char* key, double min, double max) const {
  const json& v = at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < min || v.get<double>() > max)
    fail(key, "a number in [" + json(min).dump() + ", " + json(max).dump() + "]");
  return v.get<double>();
}

double JsonFields::number_or(const char* key, double fallback, double min, double max) const {
  return has(key) ? number(key, min, max) : fallback;
}

std::string JsonFields::string_or(const char* key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  if (!object_[key].is_string()) fail(key, "a string");
  return object_[key].get<std::string>();
}

bool JsonFields::boolean_or(const char* key, bool fallback) const {
  if (!has(key)) return fallback;
  if (!object_[key].is_boolean()) fail(key, "true or false");
  return object_[key].get<bool>();
}

}  // namespace ltp
