//===- FoldBiasAdd.cpp - MatMul + Add(bias) into gemm -----------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITFOLDBIASADD
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

/// Whether `value` is a float constant of shape [n] or [1, n].
static bool isBiasVector(Value value, int64_t n) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return false;
  ArrayRef<int64_t> shape = constant.getType().getShape();
  return (shape.size() == 1 && shape[0] == n) ||
         (shape.size() == 2 && shape[0] == 1 && shape[1] == n);
}

namespace {
struct FoldBiasAddIntoLinear : public OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    for (auto [product, bias] : {std::pair(add.getLhs(), add.getRhs()),
                                 std::pair(add.getRhs(), add.getLhs())}) {
      Operation *producer = product.getDefiningOp();
      if (!producer || !producer->hasOneUse())
        continue;
      auto type = cast<RankedTensorType>(product.getType());
      if (type != add.getType() || type.getRank() != 2 ||
          !isBiasVector(bias, type.getDimSize(1)))
        continue;
      if (auto matmul = dyn_cast<MatMulOp>(producer)) {
        if (matmul.getLhs().getType().getRank() != 2 ||
            !matmul.getRhs().getDefiningOp<ConstantOp>())
          continue;
        rewriter.replaceOpWithNewOp<GemmOp>(
            add, add.getType(), matmul.getLhs(), matmul.getRhs(), bias,
            rewriter.getF32FloatAttr(1.0f), rewriter.getF32FloatAttr(1.0f),
            UnitAttr(), UnitAttr());
        rewriter.eraseOp(matmul);
        return success();
      }
      if (auto gemm = dyn_cast<GemmOp>(producer);
          gemm && !gemm.getC()) {
        rewriter.replaceOpWithNewOp<GemmOp>(
            add, add.getType(), gemm.getA(), gemm.getB(), bias,
            gemm.getAlphaAttr(), rewriter.getF32FloatAttr(1.0f),
            gemm.getTransAAttr(), gemm.getTransBAttr());
        rewriter.eraseOp(gemm);
        return success();
      }
    }
    return rewriter.notifyMatchFailure(add, "not a bias after a product");
  }
};

struct FoldBiasAddPass
    : public mlir::lowbit::impl::LowbitFoldBiasAddBase<FoldBiasAddPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBiasAddIntoLinear>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
