#include "ops/attention_scores.h"

#include "ops/dispatch.h"

namespace ltp::ops {

void attention(Device device, const AttentionArgs& args) {
  if (args.num_seqs == 0) return;
  LTP_DISPATCH(device, attention_impl, args);
}

}  // namespace ltp::ops
