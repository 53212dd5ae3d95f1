#include "ops/cpu/linear_cpu.h"

#include <bit>
#include <cmath>
#include <tuple>
#include <vector>

#include "ops/cpu/cpu_kernel.h"
#include "ops/cpu/dnnl_compat.h"
#include "ops/cpu/linear_int8_cpu.h"

namespace ltp::ops {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

// The post-ops that fuse `epilogue` into a GEMM (nothing for Epilogue::None).
dnnl::post_ops epilogue_post_ops(Epilogue epilogue) {
  dnnl::post_ops ops;
  if (epilogue == Epilogue::Gelu || epilogue == Epilogue::Tanh) append_eltwise(ops, activation_algorithm(epilogue));
  if (epilogue == Epilogue::AddToOutput) ops.append_sum(1.0f);
  return ops;
}

// (in, out, bf16 inputs, rows, epilogue): see kMaxCachedGemms.
using GemmKey = std::tuple<int64_t, int64_t, bool, int64_t, Epilogue>;

const PrimitiveCache<GemmKey, CachedPrimitive>& gemm_primitives() {
  static const PrimitiveCache<GemmKey, CachedPrimitive> cache(kMaxCachedGemms);
  return cache;
}

LTP_CPU_KERNEL void round_to_bf16(const float* x, int64_t n, uint16_t* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = to_bf16(x[i]);
}

LTP_CPU_KERNEL void round_to_bf16_floats(const float* x, int64_t n, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::bit_cast<float>(static_cast<uint32_t>(to_bf16(x[i])) << 16);
}

}  // namespace

dnnl::algorithm activation_algorithm(Epilogue epilogue) {
  return epilogue == Epilogue::Gelu ? dnnl::algorithm::eltwise_gelu_erf : dnnl::algorithm::eltwise_tanh;
}

uint16_t to_bf16(float x) {
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  if (std::isnan(x)) return static_cast<uint16_t>((bits >> 16) | 0x40);  // stay NaN
  return static_cast<uint16_t>((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
}

template <>
std::unique_ptr<LinearBackend> make_linear_backend<Device::CPU>(const Tensor& weight, const Tensor& bias,
                                                                Precision precision, const Tensor& input_smoothing) {
  if (precision == Precision::INT8) return std::make_unique<CpuInt8Linear>(weight, bias, input_smoothing);
  return std::make_unique<CpuLinear>(weight, bias, precision);
}

CpuLinear::CpuLinear(const Tensor& weight, const Tensor& bias, Precision precision)
    : in_(weight.dim(1)), out_(weight.dim(0)), bf16_inputs_(false), round_inputs_(false) {
  require_device(Device::CPU, precision);  // refuses fp16
  // Hugging Face stores W as [N×K]; oneDNN wants B = Wᵀ [K×N]: the same bytes read as "ba".
  Tensor rounded;
  const float* weights = weight.data();
  if (precision == Precision::BF16) {
    try {
      packed_desc_ = packed_weights_desc(in_, out_, dt::bf16, dt::bf16, dt::f32);
      bf16_inputs_ = true;
    } catch (const dnnl::error&) {
      round_inputs_ = true;
      rounded = Tensor(weight.shape());
      round_to_bf16_floats(weight.data(), weight.size(), rounded.data());
      weights = rounded.data();
    }
  }
  if (!bf16_inputs_) packed_desc_ = packed_weights_desc(in_, out_, dt::f32, dt::f32, dt::f32);
  packed_weights_ = pack(memory({{in_, out_}, dt::f32, tag::ba}, cpu_engine(), const_cast<float*>(weights)),
                         packed_desc_);  // converts to bf16 too
  bias_ = memory({{1, out_}, dt::f32, tag::ab}, cpu_engine());
  std::copy(bias.data(), bias.data() + out_, static_cast<float*>(bias_.get_data_handle()));
}

CachedPrimitive CpuLinear::primitive(int64_t m, Epilogue epilogue) const {
  return gemm_primitives().get({in_, out_, bf16_inputs_, m, epilogue}, [&] {
    const memory::desc src_desc({m, in_}, bf16_inputs_ ? dt::bf16 : dt::f32, tag::ab);
    const memory::desc bias_desc({1, out_}, dt::f32, tag::ab);
    const memory::desc dst_desc({m, out_}, dt::f32, tag::ab);
    dnnl::primitive_attr attr;
    attr.set_post_ops(epilogue_post_ops(epilogue));
    return CachedPrimitive::from<dnnl::matmul>(
        matmul_primitive_desc(cpu_engine(), src_desc, packed_desc_, bias_desc, dst_desc, user_scratchpad(attr)));
  });
}

void CpuLinear::forward(const float* x, int64_t m, float* y, Epilogue epilogue) const {
  thread_local std::vector<uint16_t> bf16_src;
  thread_local std::vector<float> rounded_src;
  for_each_row_chunk(m, [&](int64_t first, int64_t rows) {
    const float* chunk = x + first * in_;
    void* src_data = const_cast<float*>(chunk);
    if (bf16_inputs_) {
      bf16_src.resize(static_cast<size_t>(rows * in_));
      round_to_bf16(chunk, rows * in_, bf16_src.data());
      src_data = bf16_src.data();
    } else if (round_inputs_) {
      rounded_src.resize(static_cast<size_t>(rows * in_));
      round_to_bf16_floats(chunk, rows * in_, rounded_src.data());
      src_data = rounded_src.data();
    }
    const memory src({{rows, in_}, bf16_inputs_ ? dt::bf16 : dt::f32, tag::ab}, cpu_engine(), src_data);
    const memory dst({{rows, out_}, dt::f32, tag::ab}, cpu_engine(), y + first * out_);
    primitive(rows, epilogue).run({{DNNL_ARG_SRC, src},
                                   {DNNL_ARG_WEIGHTS, packed_weights_},
                                   {DNNL_ARG_BIAS, bias_},
                                   {DNNL_ARG_DST, dst}});
  });
}

}  // namespace ltp::ops
