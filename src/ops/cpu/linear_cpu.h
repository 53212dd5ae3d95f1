// oneDNN matmul behind ops::Linear. M tokens, K in, N out.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include <oneapi/dnnl/dnnl.hpp>

#include "ltp/tensor.h"
#include "ops/linear.h"

namespace ltp::ops {

// The process-wide CPU engine and stream.
dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

class CpuLinear {
 public:
  CpuLinear(const Tensor& weight, const Tensor& bias);
  void forward(const float* x, int64_t m, float* y, Epilogue epilogue) const;

 private:
  dnnl::matmul primitive(int64_t m, Epilogue epilogue) const;

  int64_t in_;
  int64_t out_;
  dnnl::memory::desc packed_desc_;  // the layout oneDNN prefers for these weights
  dnnl::memory packed_weights_;
  dnnl::memory bias_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<int64_t, Epilogue>, dnnl::matmul> primitives_;
};

}  // namespace ltp::ops
