//===- FoldActivation.cpp - Clamp tables into requantize --------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITFOLDACTIVATION
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

/// If `table` (indexed from `qmin`) is the identity clamped to some [lo, hi],
/// returns that range.
static std::optional<std::pair<int32_t, int32_t>>
getClampRange(ArrayRef<int32_t> table, int64_t qmin) {
  int32_t lo = table.front(), hi = table.back();
  if (lo > hi)
    return std::nullopt;
  for (auto [i, value] : llvm::enumerate(table)) {
    int64_t q = qmin + static_cast<int64_t>(i);
    if (value != std::clamp<int64_t>(q, lo, hi))
      return std::nullopt;
  }
  return std::make_pair(lo, hi);
}

namespace {
struct FoldClampTableIntoRequantize : public OpRewritePattern<LookupOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LookupOp lookup,
                                PatternRewriter &rewriter) const override {
    auto requantize = lookup.getInput().getDefiningOp<RequantizeOp>();
    if (!requantize || !requantize->hasOneUse())
      return rewriter.notifyMatchFailure(lookup, "not after a requantize");
    if (lookup.getInput().getType() != lookup.getOutput().getType())
      return rewriter.notifyMatchFailure(lookup, "changes the type");
    auto range = getClampRange(
        lookup.getTable(),
        requantize.getOutputQuantizedType().getStorageTypeMin());
    if (!range)
      return rewriter.notifyMatchFailure(lookup, "table is not a clamp");
    int32_t lo = std::max(static_cast<int32_t>(requantize.getClampMin()),
                          range->first);
    int32_t hi = std::min(static_cast<int32_t>(requantize.getClampMax()),
                          range->second);
    if (lo > hi)
      return rewriter.notifyMatchFailure(lookup, "empty clamp range");
    rewriter.modifyOpInPlace(requantize, [&] {
      requantize.setClampMin(lo);
      requantize.setClampMax(hi);
    });
    rewriter.replaceOp(lookup, requantize.getOutput());
    return success();
  }
};

struct FoldActivationPass
    : public mlir::lowbit::impl::LowbitFoldActivationBase<FoldActivationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldClampTableIntoRequantize>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
