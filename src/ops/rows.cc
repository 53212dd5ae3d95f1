#include "ops/rows.h"

#include "ops/dispatch.h"

namespace ltp::ops {

void embedding_sum(Device device, const EmbeddingArgs& args) {
  if (args.count == 0) return;
  LTP_DISPATCH(device, embedding_sum_impl, args);
}

void gather_rows(Device device, const GatherArgs& args) {
  if (args.count == 0) return;
  LTP_DISPATCH(device, gather_rows_impl, args);
}

void add_row_sums(Device device, const RowSumArgs& args) {
  if (args.targets == 0) return;
  LTP_DISPATCH(device, add_row_sums_impl, args);
}

}  // namespace ltp::ops
