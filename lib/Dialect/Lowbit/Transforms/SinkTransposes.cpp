//===- SinkTransposes.cpp - Keep activations in the kernels' layout -*- C++ -*-===//
//
// Part of the Lowbit project.
//
// The packed kernels read and write NHWC; the graph is NCHW. Packing wraps
// every packed kernel in a transpose to NHWC and one back, so two packed
// layers in a row meet as transpose(transpose(x)) with inverse
// permutations, and a residual Add between them sees both of its inputs
// transposed the same way. This pass moves transposes down through the ops
// for which the layout does not matter and cancels inverse pairs: the
// activations stay NHWC from one kernel to the next, and a transpose is
// left only where an op really needs the other layout (the model's input
// and output, pooling).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <type_traits>

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITSINKTRANSPOSES
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

namespace {

/// The type of `value` before `transpose` permuted it: same element type,
/// shape of the transpose's input.
RankedTensorType getUntransposedType(TransposeOp transpose, Type permuted) {
  return RankedTensorType::get(
      transpose.getInput().getType().getShape(),
      cast<RankedTensorType>(permuted).getElementType());
}

/// Replaces `op` (whose result is in the permuted layout) by `untransposed`
/// (the same values in the input layout of `transpose`) transposed back.
void replaceWithTransposed(PatternRewriter &rewriter, Operation *op,
                           TransposeOp transpose, Value untransposed) {
  rewriter.replaceOpWithNewOp<TransposeOp>(op, op->getResult(0).getType(),
                                           untransposed,
                                           transpose.getPermutationAttr());
}

/// transpose(transpose(x, p), q) is x permuted by p[q[i]]: x itself when
/// that is the identity (a layout change and its inverse), else one
/// transpose.
struct ComposeTransposes : public OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp outer,
                                PatternRewriter &rewriter) const override {
    auto inner = outer.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(outer, "not after a transpose");
    SmallVector<int64_t> composed;
    bool identity = true;
    for (auto [i, q] : llvm::enumerate(outer.getPermutation())) {
      composed.push_back(inner.getPermutation()[q]);
      identity &= composed.back() == static_cast<int64_t>(i);
    }
    if (identity) {
      rewriter.replaceOp(outer, inner.getInput());
      return success();
    }
    rewriter.replaceOpWithNewOp<TransposeOp>(
        outer, outer.getType(), inner.getInput(),
        rewriter.getDenseI64ArrayAttr(composed));
    return success();
  }
};

/// op(transpose(x, p)) = transpose(op(x), p) for the elementwise unary ops
/// `requantize` and `lookup`; the channel axis a of a per-channel
/// requantize becomes p[a].
template <typename ElementwiseOp>
struct SinkThroughElementwise : public OpRewritePattern<ElementwiseOp> {
  using OpRewritePattern<ElementwiseOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ElementwiseOp op,
                                PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().template getDefiningOp<TransposeOp>();
    if (!transpose)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    auto moved = cast<ElementwiseOp>(rewriter.clone(*op));
    moved->setOperand(0, transpose.getInput());
    moved->getResult(0).setType(getUntransposedType(transpose, op.getType()));
    if constexpr (std::is_same_v<ElementwiseOp, RequantizeOp>)
      if (op.isPerChannel())
        moved.setChannelAxis(transpose.getPermutation()[op.getChannelDim()]);
    replaceWithTransposed(rewriter, op, transpose, moved);
    return success();
  }
};

/// The transposes of `operands` when every one is a transpose by the same
/// permutation; empty otherwise.
SmallVector<TransposeOp> getCommonTransposes(ValueRange operands) {
  SmallVector<TransposeOp> transposes;
  for (Value operand : operands) {
    auto transpose = operand.getDefiningOp<TransposeOp>();
    if (!transpose || (!transposes.empty() &&
                       transpose.getPermutation() !=
                           transposes.front().getPermutation()))
      return {};
    transposes.push_back(transpose);
  }
  return transposes;
}

/// add(transpose(a, p), transpose(b, p)) = transpose(add(a, b), p) when
/// nothing is broadcast.
struct SinkThroughAdd : public OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<TransposeOp> transposes =
        getCommonTransposes({op.getLhs(), op.getRhs()});
    if (transposes.empty())
      return rewriter.notifyMatchFailure(
          op, "operands are not transposed the same way");
    auto shape = op.getType().getShape();
    if (op.getLhs().getType().getShape() != shape ||
        op.getRhs().getType().getShape() != shape)
      return rewriter.notifyMatchFailure(op, "broadcasting add");
    auto moved = AddOp::create(
        rewriter, op.getLoc(), getUntransposedType(transposes[0], op.getType()),
        transposes[0].getInput(), transposes[1].getInput());
    replaceWithTransposed(rewriter, op, transposes[0], moved);
    return success();
  }
};

/// concat(transpose(x_i, p), axis a) = transpose(concat(x_i, axis p[a]), p).
struct SinkThroughConcat : public OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<TransposeOp> transposes = getCommonTransposes(op.getInputs());
    if (transposes.empty())
      return rewriter.notifyMatchFailure(
          op, "inputs are not transposed the same way");
    ArrayRef<int64_t> permutation = transposes[0].getPermutation();
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> shape(resultType.getRank());
    for (auto [i, p] : llvm::enumerate(permutation))
      shape[p] = resultType.getDimSize(i);
    SmallVector<Value> inputs = llvm::map_to_vector(
        transposes, [](TransposeOp t) -> Value { return t.getInput(); });
    auto moved = ConcatOp::create(
        rewriter, op.getLoc(),
        RankedTensorType::get(shape, resultType.getElementType()), inputs,
        rewriter.getI64IntegerAttr(permutation[op.getAxis()]));
    replaceWithTransposed(rewriter, op, transposes[0], moved);
    return success();
  }
};

struct SinkTransposesPass
    : public mlir::lowbit::impl::LowbitSinkTransposesBase<SinkTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSinkTransposesPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

void mlir::lowbit::populateSinkTransposesPatterns(RewritePatternSet &patterns) {
  patterns.add<ComposeTransposes, SinkThroughElementwise<RequantizeOp>,
               SinkThroughElementwise<LookupOp>, SinkThroughAdd,
               SinkThroughConcat>(patterns.getContext());
}
