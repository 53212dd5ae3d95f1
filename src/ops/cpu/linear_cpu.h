// oneDNN matmul behind ops::Linear. M tokens, K in, N out.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include <oneapi/dnnl/dnnl.hpp>

#include "ltp/device.h"
#include "tensor.h"
#include "ops/linear.h"

namespace ltp::ops {

// The process-wide CPU engine, and the calling thread's stream.
dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

// Primitives are shared by threads (cached per shape) and built with
// scratchpad_mode::user: each run passes the calling thread's scratchpad,
// since oneDNN's own belongs to the primitive and two threads running it at
// once would write into the same memory.
dnnl::primitive_attr user_scratchpad(dnnl::primitive_attr attr = {});
dnnl::memory thread_scratchpad(const dnnl::memory::desc& desc);

// x rounded to the nearest bf16 (ties to even), as the top 16 bits of a float.
uint16_t to_bf16(float x);

class CpuLinear final : public LinearBackend {
 public:
  // bf16 uses oneDNN's bf16 matmul (AMX / AVX512-BF16, or oneDNN's own
  // emulation); where oneDNN has no bf16 matmul at all, weights and inputs are
  // rounded to bf16 and multiplied in fp32, which gives the same products.
  CpuLinear(const Tensor& weight, const Tensor& bias, Precision precision);
  void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const override;

 private:
  struct Primitive {
    dnnl::matmul matmul;
    dnnl::memory::desc scratchpad;
  };
  Primitive primitive(int64_t m, Epilogue epilogue) const;

  int64_t in_;
  int64_t out_;
  bool bf16_inputs_;     // GEMM src is bf16 (native bf16 matmul)
  bool round_inputs_;    // fp32 GEMM on bf16-rounded inputs (fallback)
  dnnl::memory::desc packed_desc_;  // the layout oneDNN prefers for these weights
  dnnl::memory packed_weights_;
  dnnl::memory bias_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<int64_t, Epilogue>, Primitive> primitives_;
};

}  // namespace ltp::ops
