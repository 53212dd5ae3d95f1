#include "ops/cpu/linear_cpu.h"

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
  if (epilogue == Epilogue::Gelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  if (epilogue == Epilogue::Tanh) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_tanh, 0.0f, 0.0f);
  if (epilogue == Epilogue::AddToOutput) ops.append_sum(1.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  return attr;
}

}  // namespace

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpu_stream() {
  static dnnl::stream stream(cpu_engine());
  return stream;
}

CpuLinear::CpuLinear(const Tensor& weight, const Tensor& bias) : in_(weight.dim(1)), out_(weight.dim(0)) {
  auto& engine = cpu_engine();
  // Hugging Face stores W as [N×K]; oneDNN wants B = Wᵀ [K×N]: the same bytes read as "ba".
  const memory::desc user_desc({in_, out_}, dt::f32, tag::ba);
  const memory::desc src_desc({kLayoutM, in_}, dt::f32, tag::ab);
  const memory::desc any_weights({in_, out_}, dt::f32, tag::any);
  const memory::desc bias_desc({1, out_}, dt::f32, tag::ab);
  const memory::desc dst_desc({kLayoutM, out_}, dt::f32, tag::ab);
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src_desc, any_weights, bias_desc, dst_desc), engine);
  packed_desc_ = pd.weights_desc();

  memory user(user_desc, engine, const_cast<float*>(weight.data()));
  packed_weights_ = memory(packed_desc_, engine);
  dnnl::reorder(user, packed_weights_).execute(cpu_stream(), user, packed_weights_);
  bias_ = memory(bias_desc, engine);
  std::copy(bias.data(), bias.data() + out_, static_cast<float*>(bias_.get_data_handle()));
  cpu_stream().wait();
}

dnnl::matmul CpuLinear::primitive(int64_t m, Epilogue epilogue) const {
  std::lock_guard lock(mutex_);
  const auto key = std::make_pair(m, epilogue);
  auto it = primitives_.find(key);
  if (it != primitives_.end()) return it->second;
  if (primitives_.size() >= kMaxCachedPrimitives) primitives_.clear();
  const memory::desc src_desc({m, in_}, dt::f32, tag::ab);
  const memory::desc bias_desc({1, out_}, dt::f32, tag::ab);
  const memory::desc dst_desc({m, out_}, dt::f32, tag::ab);
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src_desc, packed_desc_, bias_desc, dst_desc),
                                        epilogue_attr(epilogue), cpu_engine());
  return primitives_.emplace(key, dnnl::matmul(pd)).first->second;
}

void CpuLinear::forward(const float* x, int64_t m, float* y, Epilogue epilogue) const {
  const dnnl::matmul mm = primitive(m, epilogue);
  auto& engine = cpu_engine();
  memory src({{m, in_}, dt::f32, tag::ab}, engine, const_cast<float*>(x));
  memory dst({{m, out_}, dt::f32, tag::ab}, engine, y);
  mm.execute(cpu_stream(), {{DNNL_ARG_SRC, src},
                            {DNNL_ARG_WEIGHTS, packed_weights_},
                            {DNNL_ARG_BIAS, bias_},
                            {DNNL_ARG_DST, dst}});
  cpu_stream().wait();
}

}  // namespace ltp::ops
