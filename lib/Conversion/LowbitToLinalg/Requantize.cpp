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
                     RequantizePath path, PatternBenefit benefit)
      : OpConversionPattern(converter, context, benefit), path(path) {}

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

    SmallVector<Value> inputs{adaptor.getInput()};
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<AffineMap> maps{identity};
    bool perChannel = op.isPerChannel();
    if (perChannel) {
      SmallVector<int32_t> shifts(op.getShift().begin(), op.getShift().end());
      inputs.push_back(createI32Vector(rewriter, loc, op.getMultiplier()));
      inputs.push_back(createI32Vector(rewriter, loc, shifts));
      AffineMap innermost = AffineMap::get(
          rank, 0, rewriter.getAffineDimExpr(rank - 1), op.getContext());
      maps.append({innermost, innermost});
    }
    maps.push_back(identity);

    Value init = createEmptyLike(rewriter, loc, resultType,
                                 adaptor.getInput());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          RequantizeOperands operands{
              args[0],
              perChannel ? args[1]
                         : constantI32(b, l, op.getMultiplier().front()),
              perChannel ? args[2] : constantI32(b, l, op.getShift().front()),
              static_cast<int32_t>(outputQuant.getZeroPoint()),
              op.getClampMin(),
              op.getClampMax(),
              op.getRounding()};
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
};
} // namespace

void mlir::lowbit::populateRequantizeLoweringPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    bool allowI32Requantize) {
  MLIRContext *context = patterns.getContext();
  patterns.add<RequantizeLowering>(converter, context, RequantizePath::I64,
                                   /*benefit=*/1);
  if (allowI32Requantize)
    patterns.add<RequantizeLowering>(converter, context, RequantizePath::I32,
                                     /*benefit=*/2);
}
