#include <cuda_runtime.h>

#include "ops/cuda/cuda_context.h"
#include "ops/stage_clock.h"

namespace ltp::ops {

template <>
void* create_event_impl<Device::CUDA>() {
  cudaEvent_t event = nullptr;
  check_cuda(cudaEventCreate(&event), "cudaEventCreate");
  return event;
}

template <>
void record_event_impl<Device::CUDA>(void* event) {
  check_cuda(cudaEventRecord(static_cast<cudaEvent_t>(event), cuda_stream()), "cudaEventRecord");
}

template <>
double seconds_between_events_impl<Device::CUDA>(void* from, void* to) {
  check_cuda(cudaEventSynchronize(static_cast<cudaEvent_t>(to)), "cudaEventSynchronize");
  float ms = 0.0f;
  check_cuda(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(from), static_cast<cudaEvent_t>(to)),
             "cudaEventElapsedTime");
  return 1e-3 * ms;
}

template <>
void destroy_event_impl<Device::CUDA>(void* event) noexcept {
  cudaEventDestroy(static_cast<cudaEvent_t>(event));  // at exit the runtime may be gone: nothing to report
}

}  // namespace ltp::ops
