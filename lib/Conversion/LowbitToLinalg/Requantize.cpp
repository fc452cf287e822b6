//===- Requantize.cpp - lowbit.requantize to linalg -------------*- C++ -*-===//

#include "PatternsInternal.h"

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {
/// Lowers requantize to an elementwise linalg.generic whose body is the
/// fixed-point arithmetic on the chosen path. Per-channel multipliers and
/// shifts enter as constant [C] tensors indexed by the innermost dimension.
class RequantizeLowering : public OpConversionPattern<RequantizeOp> {
public:
  RequantizeLowering(const TypeConverter &converter, MLIRContext *context,
                     RequantizePath path, PatternBenefit benefit,
                     bool testPlantRoundingError)
      : OpConversionPattern(converter, context, benefit), path(path),
        testPlantRoundingError(testPlantRoundingError) {}

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isRequantizePathExact(op, path))
      return rewriter.notifyMatchFailure(op, "path is not exact for op");
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t rank = inputType.getRank();
    quant::UniformQuantizedType outputQuant = op.getOutputQuantizedType();

    // Per-channel parameters enter as constant [C] tensors indexed by the
    // innermost dimension; per-tensor ones are constants in the body.
    SmallVector<RequantizeParam> params =
        getRequantizeParams(op.getRounding(), path);
    auto valuesOf = [&](RequantizeParam param) {
      return computeRequantizeParams(param, op.getMultiplier(), op.getShift(),
                                     testPlantRoundingError);
    };
    auto typeOf = [&](OpBuilder &b, RequantizeParam param) -> Type {
      return isWideRequantizeParam(param) ? b.getI64Type() : b.getI32Type();
    };
    SmallVector<Value> inputs{adaptor.getInput()};
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<AffineMap> maps{identity};
    bool perChannel = op.isPerChannel();
    if (perChannel) {
      AffineMap channelMap = AffineMap::get(
          rank, 0, rewriter.getAffineDimExpr(op.getChannelDim()),
          op.getContext());
      for (RequantizeParam param : params) {
        Type elementType = typeOf(rewriter, param);
        auto type = RankedTensorType::get(
            {static_cast<int64_t>(op.getMultiplier().size())}, elementType);
        SmallVector<APInt> values = llvm::map_to_vector(
            valuesOf(param), [&](int64_t v) {
              return APInt(elementType.getIntOrFloatBitWidth(), v,
                           /*isSigned=*/true);
            });
        inputs.push_back(arith::ConstantOp::create(
            rewriter, loc, DenseIntElementsAttr::get(type, values)));
        maps.push_back(channelMap);
      }
    }
    maps.push_back(identity);

    Value init = createEmptyLike(rewriter, loc, resultType,
                                 adaptor.getInput());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          // A quantized input stands for q - Z_in.
          Value accumulator = args[0];
          if (auto inQuant = dyn_cast<quant::UniformQuantizedType>(
                  cast<RankedTensorType>(op.getInput().getType())
                      .getElementType()))
            accumulator = arith::SubIOp::create(
                b, l, extendStored(b, l, accumulator, inQuant),
                constantI32(b, l, inQuant.getZeroPoint()));
          RequantizeOperands operands{
              accumulator,
              {},
              static_cast<int32_t>(outputQuant.getZeroPoint()),
              static_cast<int32_t>(op.getClampMin()),
              static_cast<int32_t>(op.getClampMax()),
              op.getRounding()};
          for (auto [index, param] : llvm::enumerate(params))
            operands.params[static_cast<unsigned>(param)] =
                perChannel ? args[1 + index]
                           : arith::ConstantOp::create(
                                 b, l,
                                 b.getIntegerAttr(typeOf(b, param),
                                                  valuesOf(param).front()))
                                 .getResult();
          Value y = buildRequantize(b, l, operands, path);
          if (resultType.getElementType() != y.getType())
            y = arith::TruncIOp::create(b, l, resultType.getElementType(), y);
          linalg::YieldOp::create(b, l, y);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }

private:
  RequantizePath path;
  bool testPlantRoundingError;
};
} // namespace

void mlir::lowbit::populateRequantizeLoweringPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    bool allowI32Requantize, bool testPlantRoundingError) {
  MLIRContext *context = patterns.getContext();
  patterns.add<RequantizeLowering>(converter, context, RequantizePath::I64,
                                   /*benefit=*/1, testPlantRoundingError);
  if (allowI32Requantize)
    patterns.add<RequantizeLowering>(converter, context, RequantizePath::I32,
                                     /*benefit=*/2, testPlantRoundingError);
}
