//===- FullyConnected.cpp - lowbit.fully_connected to linalg ----*- C++ -*-===//

#include "PatternsInternal.h"

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {
/// acc[m, n] = bias[n] + sum_k (x[m, k] - Zx) * (w[n, k] - Zw[n]) as a
/// linalg.generic contraction over (m, n, k).
class FullyConnectedLowering
    : public OpConversionPattern<FullyConnectedOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(FullyConnectedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    auto inputQuant = cast<quant::UniformQuantizedType>(
        op.getInput().getType().getElementType());
    auto weightQuant =
        cast<quant::QuantizedType>(op.getWeight().getType().getElementType());
    SmallVector<int64_t> weightZeroPoints;
    if (auto perAxis =
            dyn_cast<quant::UniformQuantizedPerAxisType>(weightQuant))
      weightZeroPoints = llvm::to_vector(perAxis.getZeroPoints());
    else
      weightZeroPoints = {
          cast<quant::UniformQuantizedType>(weightQuant).getZeroPoint()};
    bool perChannelZeroPoint = llvm::any_of(
        weightZeroPoints, [&](int64_t z) { return z != weightZeroPoints[0]; });

    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto resultType = op.getResult().getType();
    SmallVector<Value> dynamicSizes;
    if (resultType.isDynamicDim(0))
      dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, input, 0));
    if (resultType.isDynamicDim(1))
      dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, weight, 0));
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          rewriter.getI32Type(), dynamicSizes);

    // The accumulator starts at the bias (broadcast over rows) or zero.
    AffineExpr m, n, k;
    bindDims(context, m, n, k);
    Value init;
    if (Value bias = adaptor.getBias()) {
      AffineMap rowMap = AffineMap::get(2, 0, {n}, context);
      AffineMap outMap = AffineMap::getMultiDimIdentityMap(2, context);
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{resultType}, ValueRange{bias},
                 ValueRange{empty}, ArrayRef<AffineMap>{rowMap, outMap},
                 {utils::IteratorType::parallel,
                  utils::IteratorType::parallel},
                 [](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, args[0]);
                 })
                 .getResult(0);
    } else {
      Value zero = constantI32(rewriter, loc, 0);
      init = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
    }

    // Coded weights: read code bytes [N, ceil(K / P)] and decode in the body.
    std::optional<CodedWeightOperands> coded;
    AffineExpr weightColumn = k;
    if (auto codedConstant =
            op.getWeight().getDefiningOp<CodedConstantOp>()) {
      coded = createCodedWeightOperands(rewriter, loc, codedConstant);
      weight = coded->codes;
      weightColumn = k.floorDiv(getCodesPerByte(coded->bits));
    }
    SmallVector<Value> inputs{input, weight};
    SmallVector<AffineMap> maps{
        AffineMap::get(3, 0, {m, k}, context),
        AffineMap::get(3, 0, {n, weightColumn}, context)};
    if (perChannelZeroPoint) {
      SmallVector<int32_t> zeroPoints(weightZeroPoints.begin(),
                                      weightZeroPoints.end());
      inputs.push_back(createI32Vector(rewriter, loc, zeroPoints));
      maps.push_back(AffineMap::get(3, 0, {n}, context));
    }
    maps.push_back(AffineMap::get(3, 0, {m, n}, context));

    auto contraction = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value weightZeroPoint = perChannelZeroPoint
                                      ? args[2]
                                      : constantI32(b, l, weightZeroPoints[0]);
          Value w = coded ? decodeWeight(b, l, *coded, args[1],
                                         linalg::IndexOp::create(b, l, 2))
                          : args[1];
          linalg::YieldOp::create(
              b, l,
              accumulateCenteredProduct(b, l, args.back(), args[0],
                                        inputQuant, w, weightQuant,
                                        weightZeroPoint));
        });
    rewriter.replaceOp(op, contraction.getResult(0));
    return success();
  }
};
} // namespace

void mlir::lowbit::populateFullyConnectedLoweringPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<FullyConnectedLowering>(converter, patterns.getContext());
}
