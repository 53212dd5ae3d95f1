#include "ops/cpu/linear_cpu.h"

#include <bit>
#include <cmath>
#include <vector>

#include "ops/cpu/cpu_kernel.h"
#include "ops/cpu/dnnl_compat.h"

namespace ltp::ops {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

// M the packed layout is chosen for; other M reuse that layout.
constexpr int64_t kLayoutM = 128;
// Distinct M values kept per layer before the cache is emptied (ragged batches
// produce many; each primitive is cheap to rebuild).
constexpr size_t kMaxCachedPrimitives = 256;

dnnl::primitive_attr epilogue_attr(Epilogue epilogue) {
  dnnl::post_ops ops;
  if (epilogue == Epilogue::Gelu) append_eltwise(ops, dnnl::algorithm::eltwise_gelu_erf);
  if (epilogue == Epilogue::Tanh) append_eltwise(ops, dnnl::algorithm::eltwise_tanh);
  if (epilogue == Epilogue::AddToOutput) ops.append_sum(1.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  return user_scratchpad(attr);
}

LTP_CPU_KERNEL void round_to_bf16(const float* x, int64_t n, uint16_t* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = to_bf16(x[i]);
}

LTP_CPU_KERNEL void round_to_bf16_floats(const float* x, int64_t n, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::bit_cast<float>(static_cast<uint32_t>(to_bf16(x[i])) << 16);
}

// The weights' layout for a [kLayoutM × in] src of `src_type`; throws dnnl::error when unimplemented.
dnnl::matmul::primitive_desc layout_query(int64_t in, int64_t out, dt src_type) {
  const memory::desc src({kLayoutM, in}, src_type, tag::ab);
  const memory::desc weights({in, out}, src_type, tag::any);
  const memory::desc bias({1, out}, dt::f32, tag::ab);
  const memory::desc dst({kLayoutM, out}, dt::f32, tag::ab);
  return matmul_primitive_desc(cpu_engine(), src, weights, bias, dst);
}

}  // namespace

uint16_t to_bf16(float x) {
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  if (std::isnan(x)) return static_cast<uint16_t>((bits >> 16) | 0x40);  // stay NaN
  return static_cast<uint16_t>((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
}

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpu_stream() {
  thread_local dnnl::stream stream(cpu_engine());  // one per thread: Encoders run concurrently
  return stream;
}

dnnl::primitive_attr user_scratchpad(dnnl::primitive_attr attr) {
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

dnnl::memory thread_scratchpad(const memory::desc& desc) {
  thread_local std::vector<uint8_t> bytes;  // each run waits for its primitive, so one buffer per thread does
  bytes.resize(desc.get_size());
  return memory(desc, cpu_engine(), bytes.data());
}

template <>
std::unique_ptr<LinearBackend> make_linear_backend<Device::CPU>(const Tensor& weight, const Tensor& bias,
                                                                Precision precision) {
  return std::make_unique<CpuLinear>(weight, bias, precision);
}

CpuLinear::CpuLinear(const Tensor& weight, const Tensor& bias, Precision precision)
    : in_(weight.dim(1)), out_(weight.dim(0)), bf16_inputs_(false), round_inputs_(false) {
  require_device(Device::CPU, precision);  // refuses fp16
  auto& engine = cpu_engine();
  // Hugging Face stores W as [N×K]; oneDNN wants B = Wᵀ [K×N]: the same bytes read as "ba".
  Tensor rounded;
  const float* weights = weight.data();
  if (precision == Precision::BF16) {
    try {
      packed_desc_ = layout_query(in_, out_, dt::bf16).weights_desc();
      bf16_inputs_ = true;
    } catch (const dnnl::error&) {
      round_inputs_ = true;
      rounded = Tensor(weight.shape());
      round_to_bf16_floats(weight.data(), weight.size(), rounded.data());
      weights = rounded.data();
    }
  }
  if (!bf16_inputs_) packed_desc_ = layout_query(in_, out_, dt::f32).weights_desc();
  memory user({{in_, out_}, dt::f32, tag::ba}, engine, const_cast<float*>(weights));
  packed_weights_ = memory(packed_desc_, engine);
  dnnl::reorder(user, packed_weights_).execute(cpu_stream(), user, packed_weights_);  // converts to bf16 too
  bias_ = memory({{1, out_}, dt::f32, tag::ab}, engine);
  std::copy(bias.data(), bias.data() + out_, static_cast<float*>(bias_.get_data_handle()));
  cpu_stream().wait();
}

CpuLinear::Primitive CpuLinear::primitive(int64_t m, Epilogue epilogue) const {
  std::lock_guard lock(mutex_);
  const auto key = std::make_pair(m, epilogue);
  auto it = primitives_.find(key);
  if (it != primitives_.end()) return it->second;
  if (primitives_.size() >= kMaxCachedPrimitives) primitives_.clear();
  const memory::desc src_desc({m, in_}, bf16_inputs_ ? dt::bf16 : dt::f32, tag::ab);
  const memory::desc bias_desc({1, out_}, dt::f32, tag::ab);
  const memory::desc dst_desc({m, out_}, dt::f32, tag::ab);
  const auto pd = matmul_primitive_desc(cpu_engine(), src_desc, packed_desc_, bias_desc, dst_desc,
                                        epilogue_attr(epilogue));
  return primitives_.emplace(key, Primitive{dnnl::matmul(pd), pd.scratchpad_desc()}).first->second;
}

void CpuLinear::forward(const float* x, int64_t m, float* y, Epilogue epilogue) const {
  const Primitive mm = primitive(m, epilogue);
  auto& engine = cpu_engine();
  thread_local std::vector<uint16_t> bf16_src;
  thread_local std::vector<float> rounded_src;
  void* src_data = const_cast<float*>(x);
  if (bf16_inputs_) {
    bf16_src.resize(static_cast<size_t>(m * in_));
    round_to_bf16(x, m * in_, bf16_src.data());
    src_data = bf16_src.data();
  } else if (round_inputs_) {
    rounded_src.resize(static_cast<size_t>(m * in_));
    round_to_bf16_floats(x, m * in_, rounded_src.data());
    src_data = rounded_src.data();
  }
  memory src({{m, in_}, bf16_inputs_ ? dt::bf16 : dt::f32, tag::ab}, engine, src_data);
  memory dst({{m, out_}, dt::f32, tag::ab}, engine, y);
  mm.matmul.execute(cpu_stream(), {{DNNL_ARG_SRC, src},
                                   {DNNL_ARG_WEIGHTS, packed_weights_},
                                   {DNNL_ARG_BIAS, bias_},
                                   {DNNL_ARG_DST, dst},
                                   {DNNL_ARG_SCRATCHPAD, thread_scratchpad(mm.scratchpad)}});
  cpu_stream().wait();
}

}  // namespace ltp::ops
