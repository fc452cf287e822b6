//===- BinaryOps.cpp - Binary (XNOR) ops to linalg --------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The portable lowering of the binary ops, on any target: linalg.generic
// with math.ctpop on i64 words (LLVM's popcount: popcnt, vpopcntq, cnt or
// bit tricks, whatever the target has). convert-lowbit-binary-to-vector
// replaces the layers with constant weights by register-tiled kernels
// first; this lowering takes the rest, and lowbit.binarize.
//
//===----------------------------------------------------------------------===//

#include "PatternsInternal.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::lowbit;

using utils::IteratorType;

namespace {

/// 2 * popcount(a XOR b) of two i64 words, as i32.
Value twiceDifferentSigns(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  Value count = math::CtPopOp::create(
      b, loc, arith::XOrIOp::create(b, loc, lhs, rhs));
  Value narrow = arith::TruncIOp::create(b, loc, b.getI32Type(), count);
  return arith::ShLIOp::create(b, loc, narrow, constantI32(b, loc, 1));
}

/// out[n, c...] = value(c) + bias[c] along dimension `channelDim` of the
/// i32 `type`, from the constant i32 `base` indexed by `baseMap` (or 0).
Value initAccumulators(OpBuilder &b, Location loc, RankedTensorType type,
                       Value bias, int64_t channelDim, Value base,
                       AffineMap baseMap) {
  MLIRContext *context = b.getContext();
  int64_t rank = type.getRank();
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        b.getI32Type());
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(
        AffineMap::get(rank, 0, getAffineDimExpr(channelDim, context)));
  }
  inputs.push_back(base);
  maps.push_back(baseMap);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, context));
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{empty}, maps,
             SmallVector<IteratorType>(rank, IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value sum = args[inputs.size() - 1];
               if (bias)
                 sum = arith::AddIOp::create(nb, l, args[0], sum);
               linalg::YieldOp::create(nb, l, sum);
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// binarize
//===----------------------------------------------------------------------===//

/// word[..., w] = OR over b of isNegative(x[..., 64 w + b, ...], t[w, b]) << b
/// for the result of `resultType`, over `input` padded along `axis` with
/// `padValue` and that axis split into [words, 64]; `perSign`, if set, is a
/// [words, 64] tensor read alongside (t), else t is null. Padded positions
/// must give bit 0.
Value packSigns(OpBuilder &b, Location loc, Value input, int64_t axis,
                Value padValue, Value perSign, RankedTensorType resultType,
                function_ref<Value(OpBuilder &, Location, Value, Value)>
                    isNegative) {
  MLIRContext *context = b.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  int64_t signs = inputType.getDimSize(axis);
  int64_t words = getPackedSignWords(signs);
  if (words * kSignsPerWord != signs) {
    SmallVector<int64_t> shape(inputType.getShape());
    shape[axis] = words * kSignsPerWord;
    SmallVector<OpFoldResult> low(rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> high(rank, b.getIndexAttr(0));
    high[axis] = b.getIndexAttr(words * kSignsPerWord - signs);
    input = tensor::PadOp::create(b, loc, inputType.clone(shape), input, low,
                                  high, padValue);
  }

  // The axis split into [words, 64], so that every map is a permutation.
  SmallVector<int64_t> splitShape(inputType.getShape());
  splitShape[axis] = kSignsPerWord;
  splitShape.insert(splitShape.begin() + axis, words);
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis)
      reassociation.push_back({d});
    else if (d == axis)
      reassociation.push_back({d, d + 1});
    else
      reassociation.push_back({d + 1});
  }
  input = tensor::ExpandShapeOp::create(b, loc, inputType.clone(splitShape),
                                        input, reassociation);

  // Loops: the result's dimensions, then the bit b.
  SmallVector<AffineExpr> inputExprs;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis)
      inputExprs.push_back(getAffineDimExpr(d, context));
    else if (d == axis)
      inputExprs.append({getAffineDimExpr(rank - 1, context),
                         getAffineDimExpr(rank, context)});
    else
      inputExprs.push_back(getAffineDimExpr(d - 1, context));
  }
  SmallVector<Value> inputs{input};
  SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, inputExprs, context)};
  if (perSign) {
    inputs.push_back(perSign);
    maps.push_back(AffineMap::get(rank + 1, 0,
                                  {getAffineDimExpr(rank - 1, context),
                                   getAffineDimExpr(rank, context)},
                                  context));
  }
  maps.push_back(
      AffineMap::getMultiDimIdentityMap(rank + 1, context).getMajorSubMap(rank));
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  iterators.push_back(IteratorType::reduction);

  Value empty = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                        b.getI64Type());
  Value zeroWord = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value init = linalg::FillOp::create(b, loc, zeroWord, empty).getResult(0);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value negative = isNegative(nb, l, args[0],
                                           perSign ? args[1] : Value());
               Value bit =
                   arith::ExtUIOp::create(nb, l, nb.getI64Type(), negative);
               Value position = arith::IndexCastOp::create(
                   nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, rank));
               Value shifted = arith::ShLIOp::create(nb, l, bit, position);
               linalg::YieldOp::create(
                   nb, l,
                   arith::OrIOp::create(nb, l, args.back(), shifted).getResult());
             })
      .getResult(0);
}

/// bit = q < Z (float32: x < 0); the input is padded with Z (0.0), whose
/// bit is 0.
class BinarizeLowering : public OpConversionPattern<BinarizeOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BinarizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element =
        cast<RankedTensorType>(adaptor.getInput().getType()).getElementType();
    auto quantized = dyn_cast<quant::UniformQuantizedType>(
        op.getInput().getType().getElementType());
    TypedAttr threshold =
        quantized ? TypedAttr(rewriter.getIntegerAttr(
                        element, quantized.getZeroPoint()))
                  : TypedAttr(rewriter.getFloatAttr(element, 0.0));
    Value zero = arith::ConstantOp::create(rewriter, loc, threshold);
    bool isSigned = quantized && quantized.isSigned();
    rewriter.replaceOp(
        op, packSigns(rewriter, loc, adaptor.getInput(), op.getAxis(), zero,
                      Value(), op.getResult().getType(),
                      [&](OpBuilder &b, Location l, Value x, Value) -> Value {
                        if (quantized)
                          return arith::CmpIOp::create(
                              b, l,
                              isSigned ? arith::CmpIPredicate::slt
                                       : arith::CmpIPredicate::ult,
                              x, zero);
                        return arith::CmpFOp::create(
                            b, l, arith::CmpFPredicate::OLT, x, zero);
                      }));
    return success();
  }
};

/// bit = sext(acc) < t[c] with a constant [words, 64] table of thresholds,
/// -2^63 for the padded positions (bit 0 whatever the padding value).
class BinarizeThresholdLowering
    : public OpConversionPattern<BinarizeThresholdOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BinarizeThresholdOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t signs = op.getInput().getType().getDimSize(op.getAxis());
    int64_t words = getPackedSignWords(signs);
    ArrayRef<int64_t> thresholds = op.getThresholds();
    SmallVector<int64_t> table(words * kSignsPerWord, INT64_MIN);
    for (int64_t c = 0; c < signs; ++c)
      table[c] = thresholds[thresholds.size() == 1 ? 0 : c];
    Value tableConstant = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({words, kSignsPerWord},
                                  rewriter.getI64Type()),
            ArrayRef<int64_t>(table)));
    Value zero = constantI32(rewriter, loc, 0);
    rewriter.replaceOp(
        op, packSigns(rewriter, loc, adaptor.getInput(), op.getAxis(), zero,
                      tableConstant, op.getResult().getType(),
                      [](OpBuilder &b, Location l, Value acc,
                         Value threshold) -> Value {
                        Value wide = arith::ExtSIOp::create(
                            b, l, b.getI64Type(), acc);
                        return arith::CmpIOp::create(
                            b, l, arith::CmpIPredicate::slt, wide, threshold);
                      }));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// binary_fully_connected
//===----------------------------------------------------------------------===//

/// acc[m, n] = bias[n] + K - sum_w 2 * popcount(x[m, w] XOR w[n, w]).
class BinaryFullyConnectedLowering
    : public OpConversionPattern<BinaryFullyConnectedOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BinaryFullyConnectedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    auto resultType = op.getResult().getType();
    Value depth = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, rewriter.getI32Type()),
                               rewriter.getI32IntegerAttr(op.getDepth())
                                   .getValue()));
    Value init = initAccumulators(rewriter, loc, resultType, adaptor.getBias(),
                                  1, depth, AffineMap::get(2, 0, context));
    AffineExpr m, n, w;
    bindDims(context, m, n, w);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType},
        ValueRange{adaptor.getInput(), adaptor.getWeight()}, ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {m, w}, context),
                            AffineMap::get(3, 0, {n, w}, context),
                            AffineMap::get(3, 0, {m, n}, context)},
        {IteratorType::parallel, IteratorType::parallel,
         IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              arith::SubIOp::create(b, l, args[2],
                                    twiceDifferentSigns(b, l, args[0],
                                                        args[1]))
                  .getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// binary_conv2d
//===----------------------------------------------------------------------===//

/// acc[n, o, y, x] = bias[o] + C * taps(y, x) - sum over taps inside the
/// input of 2 * popcount(x[n, iy, ix] XOR w[o, i, j]): the input is padded
/// with zero words, and a constant mask of the padded positions keeps the
/// padding's terms out; taps(y, x), the number of taps inside the input, is
/// a constant table.
class BinaryConv2DLowering : public OpConversionPattern<BinaryConv2DOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BinaryConv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    auto inputType = op.getInput().getType();
    auto weightType = op.getWeight().getType();
    auto resultType = op.getResult().getType();
    int64_t height = inputType.getDimSize(1), width = inputType.getDimSize(2);
    int64_t kernelH = weightType.getDimSize(1),
            kernelW = weightType.getDimSize(2);
    int64_t outH = resultType.getDimSize(2), outW = resultType.getDimSize(3);
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();
    int64_t paddedH = height + pads[0] + pads[2];
    int64_t paddedW = width + pads[1] + pads[3];

    // Which padded positions are inside the input, and C * the number of
    // taps inside the input per output position.
    auto inside = [&](int64_t py, int64_t px) {
      return py >= pads[0] && py < pads[0] + height && px >= pads[1] &&
             px < pads[1] + width;
    };
    SmallVector<bool> mask;
    for (int64_t py = 0; py < paddedH; ++py)
      for (int64_t px = 0; px < paddedW; ++px)
        mask.push_back(inside(py, px));
    SmallVector<int32_t> tapSigns;
    for (int64_t y = 0; y < outH; ++y)
      for (int64_t x = 0; x < outW; ++x) {
        int64_t taps = 0;
        for (int64_t i = 0; i < kernelH; ++i)
          for (int64_t j = 0; j < kernelW; ++j)
            taps += inside(y * strides[0] + i * dilations[0],
                           x * strides[1] + j * dilations[1]);
        tapSigns.push_back(static_cast<int32_t>(taps * op.getChannels()));
      }
    Value maskConstant = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({paddedH, paddedW}, rewriter.getI1Type()),
            ArrayRef<bool>(mask)));
    Value tapConstant = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({outH, outW}, rewriter.getI32Type()),
            ArrayRef<int32_t>(tapSigns)));

    AffineExpr n, o, y, x, i, j, w;
    bindDims(context, n, o, y, x, i, j, w);
    Value init = initAccumulators(rewriter, loc, resultType, adaptor.getBias(),
                                  1, tapConstant,
                                  AffineMap::get(4, 0,
                                                 {getAffineDimExpr(2, context),
                                                  getAffineDimExpr(3, context)},
                                                 context));

    // Zero words in the padding (masked out below).
    Value input = adaptor.getInput();
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
      auto type = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> low{
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(pads[0]),
          rewriter.getIndexAttr(pads[1]), rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> high{
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(pads[2]),
          rewriter.getIndexAttr(pads[3]), rewriter.getIndexAttr(0)};
      Value zeroWord = arith::ConstantOp::create(
          rewriter, loc, rewriter.getI64IntegerAttr(0));
      input = tensor::PadOp::create(
          rewriter, loc,
          type.clone({type.getDimSize(0), paddedH, paddedW,
                      type.getDimSize(3)}),
          input, low, high, zeroWord);
    }
    AffineExpr iy = y * strides[0] + i * dilations[0];
    AffineExpr ix = x * strides[1] + j * dilations[1];
    SmallVector<IteratorType> iterators(4, IteratorType::parallel);
    iterators.append(3, IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType},
        ValueRange{input, adaptor.getWeight(), maskConstant}, ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::get(7, 0, {n, iy, ix, w}, context),
                            AffineMap::get(7, 0, {o, i, j, w}, context),
                            AffineMap::get(7, 0, {iy, ix}, context),
                            AffineMap::get(7, 0, {n, o, y, x}, context)},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value term = arith::SelectOp::create(
              b, l, args[2], twiceDifferentSigns(b, l, args[0], args[1]),
              constantI32(b, l, 0));
          linalg::YieldOp::create(
              b, l, arith::SubIOp::create(b, l, args[3], term).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::lowbit::populateBinaryOpLoweringPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<BinarizeLowering, BinarizeThresholdLowering,
               BinaryFullyConnectedLowering, BinaryConv2DLowering>(
      converter, patterns.getContext());
}
