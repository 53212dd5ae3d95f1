// How oneDNN matmul primitives behave at BERT's GEMM shapes, for the choice in
// src/ops/cpu/dnnl_runtime.h (kMaxGemmRows): the cost of making a primitive for
// a new row count M, and the speed of fixed-M primitives on prepacked weights
// against one runtime-M primitive (DNNL_RUNTIME_DIM_VAL) on plain weights;
// each figure a median. Not part of the tests; docs/benchmarks.md records its
// output. It reads src/ops/cpu/dnnl_compat.h so that it builds against the
// same oneDNN versions as ltp.
//
//     build/tools/gemm-primitives-bench        (OMP_NUM_THREADS sets the threads)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "ops/cpu/dnnl_compat.h"

namespace {

using dnnl::memory;
using dt = memory::data_type;
using tag = memory::format_tag;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Types {
  const char* name;
  dt src, weights, dst;
};

dnnl::matmul::primitive_desc matmul_pd(dnnl::engine& engine, memory::dim m, memory::dim k, memory::dim n,
                                       const Types& t, const memory::desc& weights) {
  return ltp::ops::matmul_primitive_desc(engine, memory::desc({m, k}, t.src, tag::ab), weights, memory::desc(),
                                         memory::desc({m, n}, t.dst, tag::ab));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Seconds per run of `p` on these buffers: the median of `reps` runs after two warm-ups.
double time_runs(dnnl::stream& stream, dnnl::matmul& p, memory& src, memory& weights, memory& dst, int reps) {
  auto run = [&] {
    const double start = now();
    p.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}});
    stream.wait();
    return now() - start;
  };
  run();
  run();
  std::vector<double> seconds;
  for (int i = 0; i < reps; ++i) seconds.push_back(run());
  return median(seconds);
}

}  // namespace

int main() {
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const Types kinds[] = {{"fp32", dt::f32, dt::f32, dt::f32}, {"bf16", dt::bf16, dt::bf16, dt::f32},
                         {"int8", dt::u8, dt::s8, dt::s32}};
  std::printf("| K→N | type | M | new-M primitive, ms | fixed M, packed: GOP/s | runtime M, plain: GOP/s |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const auto& [k, n] : {std::pair<memory::dim, memory::dim>{768, 3072}, {3072, 768}}) {
    for (const Types& t : kinds) {
      const memory::desc packed = matmul_pd(engine, 256, k, n, t, memory::desc({k, n}, t.weights, tag::any)).weights_desc();
      const memory::desc plain({k, n}, t.weights, tag::ba);  // HF's [N×K] bytes, as ltp holds them before packing
      memory packed_weights(packed, engine), plain_weights(plain, engine);
      dnnl::matmul runtime_m(ltp::ops::matmul_primitive_desc(
          engine, memory::desc({DNNL_RUNTIME_DIM_VAL, k}, t.src, tag::ab), plain, memory::desc(),
          memory::desc({DNNL_RUNTIME_DIM_VAL, n}, t.dst, tag::ab)));
      for (const memory::dim m : {24, 128, 256, 512, 4096}) {
        // Primitives for row counts just above M, not seen before (oneDNN's own cache misses on a new shape).
        std::vector<double> made;
        for (memory::dim i = 1; i <= 15; ++i) {
          const double start = now();
          dnnl::matmul(matmul_pd(engine, m + i, k, n, t, packed));
          made.push_back(now() - start);
        }
        const double create_ms = median(made) * 1e3;
        memory src({{m, k}, t.src, tag::ab}, engine), dst({{m, n}, t.dst, tag::ab}, engine);
        dnnl::matmul fixed(matmul_pd(engine, m, k, n, t, packed));
        const int reps = m < 512 ? 50 : 5;
        const double gop = 2.0 * static_cast<double>(m * k * n) / 1e9;
        const double fixed_s = time_runs(stream, fixed, src, packed_weights, dst, reps);
        const double runtime_s = time_runs(stream, runtime_m, src, plain_weights, dst, reps);
        std::printf("| %lld→%lld | %s | %lld | %.2f | %.0f | %.0f |\n", static_cast<long long>(k),
                    static_cast<long long>(n), t.name, static_cast<long long>(m), create_ms, gop / fixed_s,
                    gop / runtime_s);
      }
    }
  }
}
