// The oneDNN calls whose form changed between 2.x and 3.x, written once so the
// rest of the CPU backend builds against either (docs/ARCHITECTURE.md).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>
#include <oneapi/dnnl/dnnl_version.h>

namespace ltp::ops {

// A matmul primitive descriptor on `engine`; an empty `bias` means no bias.
inline dnnl::matmul::primitive_desc matmul_primitive_desc(const dnnl::engine& engine, const dnnl::memory::desc& src,
                                                          const dnnl::memory::desc& weights,
                                                          const dnnl::memory::desc& bias,
                                                          const dnnl::memory::desc& dst,
                                                          const dnnl::primitive_attr& attr = {}) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::matmul::primitive_desc(engine, src, weights, bias, dst, attr);
#else
  return dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, weights, bias, dst), attr, engine);
#endif
}

// An in-place element-wise forward primitive (inference) without parameters.
inline dnnl::eltwise_forward::primitive_desc eltwise_primitive_desc(const dnnl::engine& engine,
                                                                    dnnl::algorithm algorithm,
                                                                    const dnnl::memory::desc& data,
                                                                    const dnnl::primitive_attr& attr = {}) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::eltwise_forward::primitive_desc(engine, dnnl::prop_kind::forward_inference, algorithm, data, data,
                                               0.0f, 0.0f, attr);
#else
  return dnnl::eltwise_forward::primitive_desc(
      dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, algorithm, data, 0.0f, 0.0f), attr, engine);
#endif
}

// An in-place softmax forward primitive (inference) along `axis`.
inline dnnl::softmax_forward::primitive_desc softmax_primitive_desc(const dnnl::engine& engine,
                                                                    const dnnl::memory::desc& data, int axis,
                                                                    const dnnl::primitive_attr& attr = {}) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::softmax_forward::primitive_desc(engine, dnnl::prop_kind::forward_inference,
                                               dnnl::algorithm::softmax_accurate, data, data, axis, attr);
#else
  return dnnl::softmax_forward::primitive_desc(
      dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, data, axis), attr, engine);
#endif
}

// An element-wise post-op without parameters (GELU, tanh).
inline void append_eltwise(dnnl::post_ops& ops, dnnl::algorithm algorithm) {
#if DNNL_VERSION_MAJOR >= 3
  ops.append_eltwise(algorithm, 0.0f, 0.0f);
#else
  ops.append_eltwise(1.0f, algorithm, 0.0f, 0.0f);
#endif
}

}  // namespace ltp::ops
