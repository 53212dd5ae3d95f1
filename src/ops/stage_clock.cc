#include "ops/stage_clock.h"

#include "ops/dispatch.h"

namespace ltp::ops {

namespace {

// CUDA only: the CPU reads the steady clock. Builds without CUDA throw (and leave the arguments unused).
DeviceEvent* new_event() { LTP_CUDA_CASE(create_event_impl<Device::CUDA>()); }
void record_on_stream([[maybe_unused]] DeviceEvent* event) { LTP_CUDA_CASE(record_event_impl<Device::CUDA>(event)); }
double seconds_between_events([[maybe_unused]] DeviceEvent* from, [[maybe_unused]] DeviceEvent* to) {
  LTP_CUDA_CASE(seconds_between_events_impl<Device::CUDA>(from, to));
}

}  // namespace

StageClock::~StageClock() {
#ifdef LTP_WITH_CUDA
  for (DeviceEvent* event : events_) destroy_event_impl<Device::CUDA>(event);
#endif
}

void StageClock::start() {
  closed_.clear();
  record(0);
}

void StageClock::mark(EncoderStage finished) {
  closed_.push_back(finished);
  record(closed_.size());
}

void StageClock::stop(StageTimes& times) {
  StageTimes run;  // all read before any is added: a failed read leaves `times` as it was
  for (size_t i = 0; i < closed_.size(); ++i)
    run.seconds[static_cast<size_t>(closed_[i])] += seconds_between(i, i + 1);
  for (size_t s = 0; s < kEncoderStageCount; ++s) times.seconds[s] += run.seconds[s];
  ++times.runs;
}

void StageClock::record(size_t index) {
  if (device_ == Device::CPU) {
    if (host_marks_.size() <= index) host_marks_.resize(index + 1);
    host_marks_[index] = std::chrono::steady_clock::now();
    return;
  }
  while (events_.size() <= index) events_.push_back(new_event());
  record_on_stream(events_[index]);
}

double StageClock::seconds_between(size_t from, size_t to) {
  if (device_ == Device::CPU) return std::chrono::duration<double>(host_marks_[to] - host_marks_[from]).count();
  return seconds_between_events(events_[from], events_[to]);
}

}  // namespace ltp::ops
