#include <omp.h>

#include "ltp/device.h"
#include "ltp/error.h"

namespace ltp {

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::CPU;
  if (name == "cuda") return Device::CUDA;
  throw Error("unknown device '" + name + "': expected cpu or cuda");
}

const char* device_name(Device device) { return device == Device::CPU ? "cpu" : "cuda"; }

void set_num_threads(int threads) {
  if (threads < 0) throw Error("--threads must be >= 0, got " + std::to_string(threads));
  if (threads > 0) omp_set_num_threads(threads);
}

}  // namespace ltp
