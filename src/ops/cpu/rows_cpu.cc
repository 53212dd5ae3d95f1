// T rows of width W.
#include <cstring>

#include "ops/cpu/cpu_kernel.h"
#include "ops/rows.h"

namespace ltp::ops {

namespace {

LTP_CPU_KERNEL void add3(const float* a, const float* b, const float* c, float* out, int64_t w) {
  for (int64_t i = 0; i < w; ++i) out[i] = a[i] + b[i] + c[i];
}

}  // namespace

template <>
void embedding_sum_impl<Device::CPU>(const EmbeddingArgs& a) {
  const int64_t w = a.width;
#pragma omp parallel for schedule(static)
  for (int64_t t = 0; t < a.count; ++t)
    add3(a.word + int64_t{a.ids[t]} * w, a.position + int64_t{a.positions[t]} * w,
         a.token_type + int64_t{a.type_ids[t]} * w, a.out + t * w, w);
}

template <>
void compact_rows_impl<Device::CPU>(float* rows, int64_t width, const int64_t* keep, int64_t count) {
  // Sequential: row r may be the source of an earlier destination.
  for (int64_t r = 0; r < count; ++r)
    if (keep[r] != r) std::memcpy(rows + r * width, rows + keep[r] * width, static_cast<size_t>(width) * sizeof(float));
}

}  // namespace ltp::ops
