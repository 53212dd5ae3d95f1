#include "output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "ltp/error.h"

namespace ltp::cli {

namespace fs = std::filesystem;

OutputFile::OutputFile(fs::path path, const fs::path& input) : path_(std::move(path)) {
  if (path_.empty()) return;
  std::error_code error;
  if (fs::is_directory(path_, error)) throw Error(path_.string() + ": is a directory, expected an output file");
  if (!input.empty() && input != "-" && fs::equivalent(input, path_, error))
    throw Error(path_.string() + ": is also the input; write the output to another file");
  // Beside the target, so the rename stays within one file system.
  temporary_ = path_;
  temporary_ += ".tmp-" + std::to_string(::getpid());
  file_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!file_) throw Error(temporary_.string() + ": cannot create (for " + path_.string() + "): " + std::strerror(errno));
}

OutputFile::~OutputFile() {
  if (!temporary_.empty() && !committed_) {
    file_.close();
    std::error_code ignored;
    fs::remove(temporary_, ignored);
  }
}

std::ostream& OutputFile::stream() { return path_.empty() ? std::cout : file_; }

void OutputFile::commit() {
  std::ostream& out = stream();
  out.flush();
  if (!out) throw Error((path_.empty() ? std::string("stdout") : temporary_.string()) + ": writing the output failed");
  if (path_.empty()) return;
  file_.close();
  if (!file_) throw Error(temporary_.string() + ": closing the output failed");
  std::error_code error;
  fs::rename(temporary_, path_, error);
  if (error) throw Error(path_.string() + ": cannot move the finished output into place: " + error.message());
  committed_ = true;
}

}  // namespace ltp::cli
