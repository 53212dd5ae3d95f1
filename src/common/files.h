// Opening the files of a model folder (or any input) with errors that name the
// file and say why: missing, a directory, not a regular file, or the system's
// reason (errno) — and typed access to JSON fields that names file and field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace ltp {

// Throws ltp::Error unless `path` is a regular file (FIFOs and devices would
// block or never end). `what` says what the file is for, e.g. "vocabulary".
void require_regular_file(const std::filesystem::path& path, const std::string& what);
// The file opened for reading (binary), after require_regular_file.
std::ifstream open_file(const std::filesystem::path& path, const std::string& what);
// The file's JSON; parse errors name the file.
nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& what);

// Typed, range-checked reads of one JSON object's fields. Errors read
// `<where>: field "<key>" is <value>, expected <what>`.
class JsonFields {
 public:
  // Throws when `object` is not a JSON object. Keeps a reference: `object` must outlive this.
  JsonFields(const nlohmann::json& object, std::string where);

  // Present and not null.
  bool has(const char* key) const;
  const nlohmann::json& at(const char* key) const;

  int64_t integer(const char* key, int64_t min, int64_t max) const;  // required
  int64_t integer_or(const char* key, int64_t fallback, int64_t min, int64_t max) const;
  // A finite number in [min, max].
  double number(const char* key, double min, double max) const;
  double number_or(const char* key, double fallback, double min, double max) const;
  std::string string_or(const char* key, const std::string& fallback) const;
  bool boolean_or(const char* key, bool fallback) const;

  // Throws `<where>: field "<key>" is <value>, expected <expected>`.
  [[noreturn]] void fail(const char* key, const std::string& expected) const;
  const std::string& where() const { return where_; }

 private:
  const nlohmann::json& object_;
  std::string where_;
};

}  // namespace ltp
