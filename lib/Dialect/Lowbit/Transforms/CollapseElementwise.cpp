//===- CollapseElementwise.cpp - Elementwise ops as one flat loop -*- C++ -*-===//
//
// Part of the Lowbit project.
//
// An elementwise linalg.generic over an NHWC activation (a residual Add, a
// rescale, a lookup table) has loops over N, H, W and C; with C = 24 the
// innermost loop is too short for LLVM's vectorizer, which unrolls it into
// scalar code instead. All those loops visit the same contiguous elements
// in order, so one loop over all of them is the same computation: upstream's
// collapseOpIterationDims makes it one, with tensor.collapse_shape before
// and tensor.expand_shape after (no copies once bufferized).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITCOLLAPSEELEMENTWISE
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;

namespace {
/// All loops of `op` as one group when it is elementwise: every loop
/// parallel, every operand read and written with the identity map.
SmallVector<ReassociationIndices> getElementwiseLoops(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op) || !op.hasPureTensorSemantics() ||
      op.getNumLoops() < 2 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return {};
  ReassociationIndices all;
  for (int64_t loop = 0, e = op.getNumLoops(); loop < e; ++loop)
    all.push_back(loop);
  return {all};
}

struct CollapseElementwisePass
    : public mlir::lowbit::impl::LowbitCollapseElementwiseBase<
          CollapseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateCollapseDimensions(patterns, getElementwiseLoops);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
