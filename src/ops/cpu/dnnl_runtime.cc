#include "ops/cpu/dnnl_runtime.h"

#include <vector>

#include "ops/cpu/dnnl_compat.h"

namespace ltp::ops {

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

dnnl::memory thread_scratchpad(const dnnl::memory::desc& desc) {
  thread_local std::vector<uint8_t> bytes;  // each run waits for its primitive, so one buffer per thread does
  bytes.resize(desc.get_size());
  return dnnl::memory(desc, cpu_engine(), bytes.data());
}

void CachedPrimitive::run(std::unordered_map<int, dnnl::memory> args) const {
  args.emplace(DNNL_ARG_SCRATCHPAD, thread_scratchpad(scratchpad));
  primitive.execute(cpu_stream(), args);
  cpu_stream().wait();
}

dnnl::memory pack(const dnnl::memory& user, const dnnl::memory::desc& packed) {
  dnnl::memory in = user, out(packed, cpu_engine());
  dnnl::reorder(in, out).execute(cpu_stream(), in, out);
  cpu_stream().wait();
  return out;
}

dnnl::memory::desc packed_weights_desc(int64_t in, int64_t out, dnnl::memory::data_type src_type,
                                       dnnl::memory::data_type weights_type, dnnl::memory::data_type dst_type) {
  using tag = dnnl::memory::format_tag;
  const dnnl::memory::desc src({kMaxGemmRows, in}, src_type, tag::ab);
  const dnnl::memory::desc weights({in, out}, weights_type, tag::any);
  const dnnl::memory::desc dst({kMaxGemmRows, out}, dst_type, tag::ab);
  return matmul_primitive_desc(cpu_engine(), src, weights, dnnl::memory::desc(), dst).weights_desc();
}

}  // namespace ltp::ops
