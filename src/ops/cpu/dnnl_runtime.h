// What every oneDNN op of the CPU backend shares: the engine, the calling
// thread's stream and scratchpad, and a cache of primitives made on first use.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>

#include <oneapi/dnnl/dnnl.hpp>

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

// A primitive and the scratchpad it needs.
struct CachedPrimitive {
  dnnl::primitive primitive;
  dnnl::memory::desc scratchpad;

  template <class Primitive>
  static CachedPrimitive from(const typename Primitive::primitive_desc& pd) {
    return {Primitive(pd), pd.scratchpad_desc()};
  }
  // Runs on the calling thread's stream with its scratchpad and waits.
  void run(std::unordered_map<int, dnnl::memory> args) const;
};

// Values made by `make` on first use of a key, shared by threads; emptied
// when `capacity` keys are held (each value is cheap to make again).
template <class Key, class Value>
class PrimitiveCache {
 public:
  explicit PrimitiveCache(size_t capacity) : capacity_(capacity) {}

  template <class Make>
  Value get(const Key& key, Make make) const {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (cache_.size() >= capacity_) cache_.clear();
    return cache_.emplace(key, make()).first->second;
  }

 private:
  size_t capacity_;
  mutable std::mutex mutex_;
  mutable std::map<Key, Value> cache_;
};

// GEMMs run on at most this many rows at a time. It bounds the primitives a
// GEMM shape ever needs (one per row count up to it; ragged pruned batches
// would otherwise make a new one almost every call, at 0.1–0.5 ms each) while
// oneDNN's packed-weight GEMMs run as fast as on whole batches (flat from 128
// rows up). docs/benchmarks.md ("GEMM primitives") has the measurement.
inline constexpr int64_t kMaxGemmRows = 256;

// GEMM primitives depend on shapes, types and epilogue, not on the weights
// (passed at run time), so every layer of every model shares one cache of them.
// Room for the row counts of a few dozen distinct shapes.
inline constexpr size_t kMaxCachedGemms = 16384;

// fn(first row, row count) over [0, rows) in chunks of kMaxGemmRows.
template <class Fn>
void for_each_row_chunk(int64_t rows, Fn fn) {
  for (int64_t r = 0; r < rows; r += kMaxGemmRows) fn(r, std::min(kMaxGemmRows, rows - r));
}

// `user` reordered into a new memory of `packed` (oneDNN's preferred layout, and type).
dnnl::memory pack(const dnnl::memory& user, const dnnl::memory::desc& packed);

// The weights' layout for a [kMaxGemmRows × in] src of `src_type` times [in × out]
// of `weights_type` into `dst_type`; throws dnnl::error when unimplemented.
dnnl::memory::desc packed_weights_desc(int64_t in, int64_t out, dnnl::memory::data_type src_type,
                                       dnnl::memory::data_type weights_type, dnnl::memory::data_type dst_type);

}  // namespace ltp::ops
