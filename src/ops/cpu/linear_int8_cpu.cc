#include "ops/cpu/linear_int8_cpu.h"

#include <string>
#include <tuple>
#include <vector>

#include "ltp/error.h"

#include "ops/cpu/dnnl_compat.h"
#include "ops/cpu/linear_cpu.h"

namespace ltp::ops {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

// Σk qx·qw and zx·Σk qw each stay within s32 while in·255·127 < 2^31; half
// that leaves a margin (BERT's widest layer has 4096 inputs).
constexpr int64_t kMaxInt8Inputs = (int64_t{1} << 31) / (255 * 127 * 2);

// (in, out, rows) of the u8·s8 matmuls, and (out, rows, epilogue) of the
// activations: shared by all layers, as in linear_cpu.cc.
const PrimitiveCache<std::tuple<int64_t, int64_t, int64_t>, CachedPrimitive>& matmul_primitives() {
  static const PrimitiveCache<std::tuple<int64_t, int64_t, int64_t>, CachedPrimitive> cache(kMaxCachedGemms);
  return cache;
}

const PrimitiveCache<std::tuple<int64_t, int64_t, Epilogue>, CachedPrimitive>& activation_primitives() {
  static const PrimitiveCache<std::tuple<int64_t, int64_t, Epilogue>, CachedPrimitive> cache(kMaxCachedGemms);
  return cache;
}

// W·s (column k scaled by s[k]) quantized; W itself without smoothing.
QuantizedWeights quantize_smoothed(const Tensor& weight, const Tensor& smoothing) {
  if (smoothing.empty()) return quantize_weights(weight);
  Tensor scaled(weight.shape());
  const int64_t in = weight.dim(1);
  for (int64_t c = 0; c < weight.dim(0); ++c)
    for (int64_t k = 0; k < in; ++k) scaled.row(c)[k] = weight.row(c)[k] * smoothing.data()[k];
  return quantize_weights(scaled);
}

// 1/s, what quantize_rows multiplies the inputs by; ones without smoothing.
Tensor inverse(const Tensor& smoothing, int64_t in) {
  Tensor reciprocals({in});
  for (int64_t k = 0; k < in; ++k) reciprocals.data()[k] = smoothing.empty() ? 1.0f : 1.0f / smoothing.data()[k];
  return reciprocals;
}

}  // namespace

CpuInt8Linear::CpuInt8Linear(const Tensor& weight, const Tensor& bias, const Tensor& input_smoothing)
    : in_(weight.dim(1)),
      out_(weight.dim(0)),
      levels_(input_levels()),
      inverse_smoothing_(inverse(input_smoothing, in_)),
      weights_(quantize_smoothed(weight, input_smoothing)),
      bias_(bias.shape()),
      packed_desc_(packed_weights_desc(in_, out_, dt::u8, dt::s8, dt::s32)) {
  if (in_ > kMaxInt8Inputs)
    throw Error("int8: a layer with " + std::to_string(in_) + " inputs could overflow 32-bit sums (at most " +
                std::to_string(kMaxInt8Inputs) + "); use --precision fp32 or bf16");
  std::copy(bias.data(), bias.data() + out_, bias_.data());
  // [out × in] s8, read as its transpose [in × out] ("ba"), as in CpuLinear.
  packed_weights_ = pack(memory({{in_, out_}, dt::s8, tag::ba}, cpu_engine(), weights_.values.data_as<int8_t>()),
                         packed_desc_);
  weights_.values = Tensor();  // packed holds them now
}

CachedPrimitive CpuInt8Linear::matmul(int64_t m) const {
  return matmul_primitives().get({in_, out_, m}, [&] {
    const memory::desc src({m, in_}, dt::u8, tag::ab);
    const memory::desc dst({m, out_}, dt::s32, tag::ab);
    return CachedPrimitive::from<dnnl::matmul>(
        matmul_primitive_desc(cpu_engine(), src, packed_desc_, memory::desc(), dst, user_scratchpad()));
  });
}

CachedPrimitive CpuInt8Linear::activation(int64_t m, Epilogue epilogue) const {
  return activation_primitives().get({out_, m, epilogue}, [&] {
    return CachedPrimitive::from<dnnl::eltwise_forward>(eltwise_primitive_desc(
        cpu_engine(), activation_algorithm(epilogue), memory::desc({m, out_}, dt::f32, tag::ab), user_scratchpad()));
  });
}

void CpuInt8Linear::forward(const float* x, int64_t m, float* y, Epilogue epilogue) const {
  thread_local std::vector<uint8_t> values;
  thread_local std::vector<float> scales;
  thread_local std::vector<int32_t> zero_points;
  thread_local std::vector<int32_t> sums;
  for_each_row_chunk(m, [&](int64_t first, int64_t rows) {
    values.resize(static_cast<size_t>(rows * in_));
    scales.resize(static_cast<size_t>(rows));
    zero_points.resize(static_cast<size_t>(rows));
    sums.resize(static_cast<size_t>(rows * out_));
    const QuantizedRows inputs{values.data(), scales.data(), zero_points.data()};
    quantize_rows(x + first * in_, rows, in_, levels_, inverse_smoothing_.data(), inputs);
    matmul(rows).run({{DNNL_ARG_SRC, memory({{rows, in_}, dt::u8, tag::ab}, cpu_engine(), values.data())},
                      {DNNL_ARG_WEIGHTS, packed_weights_},
                      {DNNL_ARG_DST, memory({{rows, out_}, dt::s32, tag::ab}, cpu_engine(), sums.data())}});
    float* out = y + first * out_;
    dequantize_rows(sums.data(), rows, inputs, weights_, bias_.data(), out, epilogue == Epilogue::AddToOutput);
    if (epilogue == Epilogue::Gelu || epilogue == Epilogue::Tanh) {
      const memory rows_memory({{rows, out_}, dt::f32, tag::ab}, cpu_engine(), out);
      activation(rows, epilogue).run({{DNNL_ARG_SRC, rows_memory}, {DNNL_ARG_DST, rows_memory}});
    }
  });
}

}  // namespace ltp::ops
