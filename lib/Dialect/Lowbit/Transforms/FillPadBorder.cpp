//===- FillPadBorder.cpp - Fill only the border of padded buffers -*- C++
//-*-===//
//
// Part of the Lowbit project.
//
// A bufferized tensor.pad fills its whole buffer with the padding value and
// then copies the source over the interior. This pass fills the border only.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITFILLPADBORDER
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;

/// The value every element of the buffer gets from a `linalg.map` with no
/// inputs whose body yields a value defined outside it, or null.
static Value getFilledValue(linalg::MapOp map) {
  if (!map.getInputs().empty())
    return nullptr;
  auto yield = cast<linalg::YieldOp>(map.getMapper().front().getTerminator());
  if (yield->getNumOperands() != 1)
    return nullptr;
  Value value = yield->getOperand(0);
  if (map->isAncestor(value.getParentRegion()->getParentOp()))
    return nullptr;
  return value;
}

/// The copy that writes the interior of `buffer` right after `map` fills it:
/// the first op after `map` that uses `buffer` is a unit-stride static
/// subview of it whose only user is a `linalg.copy` from another buffer, and
/// no op between the two touches `buffer`.
static linalg::CopyOp findInteriorCopy(linalg::MapOp map, Value buffer) {
  memref::SubViewOp interior;
  for (Operation *op = map->getNextNode(); op; op = op->getNextNode()) {
    if (interior) {
      if (auto copy = dyn_cast<linalg::CopyOp>(op))
        if (copy.getOutputs().front() == interior.getResult())
          return copy;
    }
    bool usesBuffer = false;
    op->walk([&](Operation *nested) {
      usesBuffer |= llvm::is_contained(nested->getOperands(), buffer);
    });
    if (!usesBuffer)
      continue;
    auto subview = dyn_cast<memref::SubViewOp>(op);
    if (interior || !subview || !subview.getResult().hasOneUse() ||
        !subview.hasUnitStride() || !subview.getOffsets().empty() ||
        !subview.getSizes().empty())
      return nullptr;
    interior = subview;
  }
  return nullptr;
}

namespace {
struct FillPadBorder : public OpRewritePattern<linalg::MapOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::MapOp map,
                                PatternRewriter &rewriter) const override {
    Value padding = getFilledValue(map);
    Value buffer = map.getInit();
    auto type = dyn_cast<MemRefType>(buffer.getType());
    if (!padding || !type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(map, "not a fill of a static buffer");
    linalg::CopyOp copy = findInteriorCopy(map, buffer);
    if (!copy)
      return rewriter.notifyMatchFailure(map, "no copy into the interior");
    // The copy reads its own buffer, not this one.
    Value source = copy.getInputs().front();
    if (source == buffer || source.getDefiningOp<ViewLikeOpInterface>())
      return rewriter.notifyMatchFailure(map, "copy may read the buffer");
    auto interior =
        copy.getOutputs().front().getDefiningOp<memref::SubViewOp>();
    ArrayRef<int64_t> offsets = interior.getStaticOffsets();
    ArrayRef<int64_t> sizes = interior.getStaticSizes();
    ArrayRef<int64_t> shape = type.getShape();

    rewriter.setInsertionPoint(map);
    Location loc = map.getLoc();
    int64_t rank = type.getRank();
    SmallVector<int64_t> ones(rank, 1);
    auto fillSlab = [&](ArrayRef<int64_t> slabOffsets,
                        ArrayRef<int64_t> slabSizes) {
      if (llvm::is_contained(slabSizes, 0))
        return;
      Value slab = memref::SubViewOp::create(rewriter, loc, buffer, slabOffsets,
                                             slabSizes, ones);
      linalg::FillOp::create(rewriter, loc, padding, slab);
    };
    // Slab d covers the interior along dimensions before d, the part before
    // (after) the interior along d, and everything along the dimensions
    // after d; together the slabs are exactly the border.
    for (int64_t d = 0; d < rank; ++d) {
      SmallVector<int64_t> slabOffsets(rank, 0), slabSizes(shape);
      for (int64_t outer = 0; outer < d; ++outer) {
        slabOffsets[outer] = offsets[outer];
        slabSizes[outer] = sizes[outer];
      }
      slabSizes[d] = offsets[d];
      fillSlab(slabOffsets, slabSizes);
      slabOffsets[d] = offsets[d] + sizes[d];
      slabSizes[d] = shape[d] - slabOffsets[d];
      fillSlab(slabOffsets, slabSizes);
    }
    rewriter.eraseOp(map);
    return success();
  }
};

struct FillPadBorderPass
    : public mlir::lowbit::impl::LowbitFillPadBorderBase<FillPadBorderPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FillPadBorder>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
