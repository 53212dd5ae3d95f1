// Marks where an Encoder's stages end, on the model's device, and turns the
// marks into StageTimes: the steady clock on the CPU (its ops return when
// done), CUDA events on the one stream (recorded as work is queued, read once
// the run is over).
#pragma once

#include <chrono>
#include <vector>

#include "ltp/device.h"
#include "ltp/stage_times.h"

namespace ltp::ops {

struct DeviceEvent;  // a CUDA event (ops/cuda/stage_clock_gpu.cc)

class StageClock {
 public:
  explicit StageClock(Device device) : device_(device) {}
  ~StageClock();
  StageClock(const StageClock&) = delete;
  StageClock& operator=(const StageClock&) = delete;

  void start();                  // before a run's first stage
  void mark(EncoderStage finished);     // once `finished`'s work has been run or queued
  void stop(StageTimes& times);  // after the run: adds each closed stage's time and one run

 private:
  void record(size_t index);
  double seconds_between(size_t from, size_t to);

  Device device_;
  std::vector<EncoderStage> closed_;  // the stage closed by each mark since start()
  std::vector<std::chrono::steady_clock::time_point> host_marks_;  // CPU
  std::vector<DeviceEvent*> events_;  // CUDA: created as needed, reused by later runs
};

// CUDA bodies (ops/cuda/stage_clock_gpu.cc).
template <Device D>
DeviceEvent* create_event_impl();
template <Device D>
void record_event_impl(DeviceEvent* event);
template <Device D>
double seconds_between_events_impl(DeviceEvent* from, DeviceEvent* to);  // waits for `to`
template <Device D>
void destroy_event_impl(DeviceEvent* event) noexcept;

}  // namespace ltp::ops
