//===- FoldRequantizeChain.cpp - One requantize instead of two --*- C++ -*-===//
//
// Part of the Lowbit project.
//
// requantize(requantize(x)) appears where a layer's output is rescaled to
// the type an Add or Concat works in. Folded, the value is rounded once
// instead of twice, and one pass over memory disappears.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "lowbit/Support/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITFOLDREQUANTIZECHAIN
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

namespace {
struct FoldRequantizeChain : public OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RequantizeOp outer,
                                PatternRewriter &rewriter) const override {
    auto inner = outer.getInput().getDefiningOp<RequantizeOp>();
    if (!inner || !inner->hasOneUse())
      return rewriter.notifyMatchFailure(outer, "not after a single-use "
                                                "requantize");
    if (inner.getRounding() != outer.getRounding())
      return rewriter.notifyMatchFailure(outer, "rounding modes differ");
    if (outer.isPerChannel())
      return rewriter.notifyMatchFailure(outer, "per-channel rescale");
    quant::UniformQuantizedType middle = inner.getOutputQuantizedType();
    quant::UniformQuantizedType out = outer.getOutputQuantizedType();
    double rescale =
        std::ldexp(double(outer.getMultiplier()[0]), -outer.getShift()[0]);

    SmallVector<int32_t> multipliers;
    SmallVector<int8_t> shifts;
    for (auto [m, s] : llvm::zip(inner.getMultiplier(), inner.getShift())) {
      std::optional<::lowbit::FixedPointMultiplier> combined =
          ::lowbit::computeFixedPointMultiplier(std::ldexp(double(m), -s) *
                                                rescale);
      if (!combined)
        return rewriter.notifyMatchFailure(outer, "product not "
                                                  "representable");
      multipliers.push_back(combined->multiplier);
      shifts.push_back(static_cast<int8_t>(combined->shift));
    }
    // The inner clamp bounds, carried into the result type by the outer
    // rescale (a monotone map), intersected with the outer clamp.
    auto carry = [&](int64_t q) {
      return out.getZeroPoint() +
             static_cast<int64_t>(std::round(
                 rescale * double(q - middle.getZeroPoint())));
    };
    // The clamp attributes are I32Attr, whose getters return uint32_t.
    auto clampMin = [](RequantizeOp op) {
      return static_cast<int32_t>(op.getClampMin());
    };
    auto clampMax = [](RequantizeOp op) {
      return static_cast<int32_t>(op.getClampMax());
    };
    int64_t lo = std::max<int64_t>(clampMin(outer), carry(clampMin(inner)));
    int64_t hi = std::min<int64_t>(clampMax(outer), carry(clampMax(inner)));
    if (lo > hi)
      return rewriter.notifyMatchFailure(outer, "empty clamp range");
    rewriter.replaceOpWithNewOp<RequantizeOp>(
        outer, outer.getType(), inner.getInput(),
        rewriter.getDenseI32ArrayAttr(multipliers),
        rewriter.getDenseI8ArrayAttr(shifts),
        rewriter.getI32IntegerAttr(static_cast<int32_t>(lo)),
        rewriter.getI32IntegerAttr(static_cast<int32_t>(hi)),
        inner.getRoundingAttr(), inner.getChannelAxisAttr());
    return success();
  }
};

struct FoldRequantizeChainPass
    : public mlir::lowbit::impl::LowbitFoldRequantizeChainBase<
          FoldRequantizeChainPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldRequantizeChain>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
