// T rows of width W.
#include <cstring>

#include "ops/cpu/cpu_kernel.h"
#include "ops/rows.h"

namespace ltp::ops {

namespace {

LTP_CPU_KERNEL void add3(const float* a, const float* b, const float* c, float* out, int64_t w) {
  for (int64_t i = 0; i < w; ++i) out[i] = a[i] + b[i] + c[i];
}

LTP_CPU_KERNEL void add_to(const float* x, float* sum, int64_t w) {
  for (int64_t i = 0; i < w; ++i) sum[i] += x[i];
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
void gather_rows_impl<Device::CPU>(const GatherArgs& a) {
  const size_t bytes = static_cast<size_t>(a.width) * sizeof(float);
#pragma omp parallel for schedule(static) if (a.count * a.width > 32768)
  for (int64_t r = 0; r < a.count; ++r) std::memcpy(a.dst + r * a.width, a.src + a.rows[r] * a.width, bytes);
}

template <>
void add_row_sums_impl<Device::CPU>(const RowSumArgs& a) {
  for (int64_t t = 0; t < a.targets; ++t)
    for (int64_t i = a.boundaries[t]; i < a.boundaries[t + 1]; ++i)
      add_to(a.src + a.rows[i] * a.width, a.sums + t * a.width, a.width);
}

}  // namespace ltp::ops
