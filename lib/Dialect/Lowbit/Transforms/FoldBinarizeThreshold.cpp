//===- FoldBinarizeThreshold.cpp - Signs of requantized values --*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// binarize(requantize(acc)) becomes binarize_threshold(acc): the sign bit
// of a requantized value, q < Z, is a per-channel threshold on the int32
// accumulator. requantize is non-decreasing in acc (multipliers are
// non-negative; both rounding modes and the clamp are monotone), so
// {acc : q(acc) < Z} is [-2^31, t) for the smallest t with q(t) >= Z (t =
// 2^31 when there is none), which a binary search over the requantize
// function of lib/Support/FixedPoint.cpp finds exactly: the bits are the
// same by construction.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "lowbit/Support/FixedPoint.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITFOLDBINARIZETHRESHOLD
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

int64_t mlir::lowbit::computeSignThreshold(int32_t multiplier, int8_t shift,
                                           int32_t zeroPoint, int32_t clampMin,
                                           int32_t clampMax,
                                           RoundingMode rounding) {
  ::lowbit::RoundingMode mode = rounding == RoundingMode::Double
                                    ? ::lowbit::RoundingMode::Double
                                    : ::lowbit::RoundingMode::Single;
  auto positive = [&](int64_t acc) {
    return ::lowbit::requantize(static_cast<int32_t>(acc),
                                ::lowbit::FixedPointMultiplier{multiplier,
                                                               shift},
                                zeroPoint, clampMin, clampMax, mode) >=
           zeroPoint;
  };
  // Invariant: every acc < lo is negative, hi is positive (or 2^31).
  int64_t lo = INT32_MIN, hi = int64_t(INT32_MAX) + 1;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (positive(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

namespace {
struct FoldBinarizeOfRequantize : public OpRewritePattern<BinarizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BinarizeOp binarize,
                                PatternRewriter &rewriter) const override {
    auto requantize = binarize.getInput().getDefiningOp<RequantizeOp>();
    if (!requantize || !requantize->hasOneUse())
      return rewriter.notifyMatchFailure(binarize, "not of a requantize");
    // One threshold, or one per channel along the binarized axis.
    if (requantize.isPerChannel() &&
        requantize.getChannelDim() != static_cast<int64_t>(binarize.getAxis()))
      return rewriter.notifyMatchFailure(
          binarize, "requantize channels along another axis");
    int32_t zeroPoint = static_cast<int32_t>(
        requantize.getOutputQuantizedType().getZeroPoint());
    SmallVector<int64_t> thresholds;
    for (auto [multiplier, shift] :
         llvm::zip(requantize.getMultiplier(), requantize.getShift()))
      thresholds.push_back(computeSignThreshold(
          multiplier, shift, zeroPoint, requantize.getClampMin(),
          requantize.getClampMax(), requantize.getRounding()));
    rewriter.replaceOpWithNewOp<BinarizeThresholdOp>(
        binarize, binarize.getType(), requantize.getInput(),
        binarize.getAxisAttr(), rewriter.getDenseI64ArrayAttr(thresholds));
    rewriter.eraseOp(requantize);
    return success();
  }
};

struct FoldBinarizeThresholdPass
    : public mlir::lowbit::impl::LowbitFoldBinarizeThresholdBase<
          FoldBinarizeThresholdPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBinarizeOfRequantize>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
