// Output that appears whole or not at all, and JSON text that is always valid
// UTF-8 (messages may quote bytes of a user's file).
#pragma once

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>

namespace ltp::cli {

// Writes to a temporary file beside `path`, renamed onto it by commit(); a run
// that fails before then leaves an existing file untouched. An empty path is
// stdout. Throws ltp::Error when `path` is a folder or the same file as `input`.
class OutputFile {
 public:
  explicit OutputFile(std::filesystem::path path, const std::filesystem::path& input = {});
  ~OutputFile();  // removes the temporary file unless committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  // Flushes and checks every write, then renames into place; throws ltp::Error.
  void commit();

 private:
  std::filesystem::path path_, temporary_;
  std::ofstream file_;
  bool committed_ = false;
};

// j as text; bytes that are not UTF-8 (from a file name or a quoted input)
// become U+FFFD instead of throwing.
template <class Json>
std::string to_text(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace ltp::cli
