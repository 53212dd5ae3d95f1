#include <memory>

#include <cuda_runtime.h>

#include "ops/cuda/cuda_context.h"
#include "ops/stage_clock.h"

namespace ltp::ops {

struct DeviceEvent {
  cudaEvent_t event = nullptr;
};

template <>
DeviceEvent* create_event_impl<Device::CUDA>() {
  auto made = std::make_unique<DeviceEvent>();
  check_cuda(cudaEventCreate(&made->event), "cudaEventCreate");
  return made.release();
}

template <>
void record_event_impl<Device::CUDA>(DeviceEvent* event) {
  check_cuda(cudaEventRecord(event->event, cuda_stream()), "cudaEventRecord");
}

template <>
double seconds_between_events_impl<Device::CUDA>(DeviceEvent* from, DeviceEvent* to) {
  check_cuda(cudaEventSynchronize(to->event), "cudaEventSynchronize");
  float ms = 0.0f;
  check_cuda(cudaEventElapsedTime(&ms, from->event, to->event), "cudaEventElapsedTime");
  return 1e-3 * ms;
}

template <>
void destroy_event_impl<Device::CUDA>(DeviceEvent* event) noexcept {
  cudaEventDestroy(event->event);  // an Encoder destroyed at process exit may outlive the runtime: nothing to report
  delete event;
}

}  // namespace ltp::ops
