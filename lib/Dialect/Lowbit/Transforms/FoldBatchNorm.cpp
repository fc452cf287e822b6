//===- FoldBatchNorm.cpp - Batch normalization into conv/gemm ---*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITFOLDBATCHNORM
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

/// The float values of a lowbit.constant, if `value` is one.
static std::optional<std::vector<double>> getConstantValues(Value value) {
  auto constant = value ? value.getDefiningOp<ConstantOp>() : ConstantOp();
  std::optional<std::vector<float>> values =
      constant ? constant.getFloatValues() : std::nullopt;
  if (!values)
    return std::nullopt;
  return std::vector<double>(values->begin(), values->end());
}

static Value buildFloatConstant(PatternRewriter &rewriter, Location loc,
                                RankedTensorType type,
                                ArrayRef<double> values) {
  SmallVector<float> narrow(values.begin(), values.end());
  auto attr = DenseElementsAttr::get(type, ArrayRef<float>(narrow));
  return ConstantOp::create(rewriter, loc, type, attr);
}

namespace {
struct FoldBatchNormIntoProducer : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp norm,
                                PatternRewriter &rewriter) const override {
    Operation *producer = norm.getInput().getDefiningOp();
    if (!producer || !producer->hasOneUse())
      return rewriter.notifyMatchFailure(norm, "no single-use producer");
    auto conv = dyn_cast<Conv2DOp>(producer);
    auto gemm = dyn_cast<GemmOp>(producer);
    if (!conv && !(gemm && gemm.getTransB()))
      return rewriter.notifyMatchFailure(norm, "not after conv2d or gemm");
    Value weight = conv ? conv.getWeight() : gemm.getB();
    Value bias = conv ? conv.getBias() : gemm.getC();
    auto weights = getConstantValues(weight);
    auto scale = getConstantValues(norm.getScale());
    auto shift = getConstantValues(norm.getBias());
    auto mean = getConstantValues(norm.getMean());
    auto variance = getConstantValues(norm.getVariance());
    if (!weights || !scale || !shift || !mean || !variance)
      return rewriter.notifyMatchFailure(norm, "parameters not constant");
    size_t channels = scale->size();
    std::vector<double> biases(channels, 0.0);
    if (bias) {
      auto values = getConstantValues(bias);
      if (!values || values->size() != channels)
        return rewriter.notifyMatchFailure(norm, "bias not a [C] constant");
      biases = *values;
    }
    if (gemm && (gemm.getAlpha().convertToFloat() != 1.0f ||
                 gemm.getBeta().convertToFloat() != 1.0f))
      return rewriter.notifyMatchFailure(norm, "gemm with alpha/beta");

    double epsilon = norm.getEpsilon().convertToFloat();
    size_t perChannel = weights->size() / channels;
    for (size_t c = 0; c < channels; ++c) {
      double g = (*scale)[c] / std::sqrt((*variance)[c] + epsilon);
      for (size_t i = 0; i < perChannel; ++i)
        (*weights)[c * perChannel + i] *= g;
      biases[c] = (biases[c] - (*mean)[c]) * g + (*shift)[c];
    }
    Location loc = norm.getLoc();
    auto weightType = cast<RankedTensorType>(weight.getType());
    Value newWeight = buildFloatConstant(rewriter, loc, weightType, *weights);
    auto biasType = RankedTensorType::get(
        {static_cast<int64_t>(channels)}, rewriter.getF32Type());
    Value newBias = buildFloatConstant(rewriter, loc, biasType, biases);
    // The folded op keeps the producer's name and takes the result of the
    // normalization (its type, its calibrated range if any).
    Operation *folded;
    if (conv)
      folded = Conv2DOp::create(
          rewriter, conv.getLoc(), norm.getType(), conv.getInput(), newWeight,
          newBias, conv.getStridesAttr(), conv.getPadsAttr(),
          conv.getDilationsAttr(), conv.getGroupAttr());
    else
      folded = GemmOp::create(rewriter, gemm.getLoc(), norm.getType(),
                              gemm.getA(), newWeight, newBias,
                              gemm.getAlphaAttr(), gemm.getBetaAttr(),
                              gemm.getTransAAttr(), gemm.getTransBAttr());
    for (NamedAttribute attr : norm->getDiscardableAttrs())
      folded->setAttr(attr.getName(), attr.getValue());
    rewriter.replaceOp(norm, folded->getResult(0));
    rewriter.eraseOp(producer);
    return success();
  }
};

struct FoldBatchNormPass
    : public mlir::lowbit::impl::LowbitFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormIntoProducer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
