// Where tensors live and kernels run. The layer runner is written once; each op
// dispatches on this with a switch (src/ops/*.cc).
#pragma once

#include <string>

namespace ltp {

enum class Device { CPU, CUDA };

// "cpu" or "cuda"; anything else throws ltp::Error.
Device parse_device(const std::string& name);
const char* device_name(Device device);

// Threads for GEMMs and kernels on the CPU (OpenMP); 0 keeps the default.
void set_num_threads(int threads);

}  // namespace ltp
