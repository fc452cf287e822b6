//===- GraphOps.cpp - Quantized graph ops to linalg -------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The quantized forms of conv2d, max/average/global pools, lookup, reshape,
// transpose, concat and add, as integer-only linalg on storage types. Windows read a
// tensor.pad of the input: with the zero point for conv2d and average pools
// (padded positions contribute q - Z = 0) and with the storage minimum for
// max pools (they never win). Average-pool divisors are compile-time
// constants per output position (ONNX's count rules), and the division rounds
// half away from zero exactly (docs/IntegerSemantics.md).
//
//===----------------------------------------------------------------------===//

#include "PatternsInternal.h"

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {

quant::UniformQuantizedType getPerTensorType(Value value) {
  return dyn_cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(value.getType()).getElementType());
}

/// `stored` widened to i32 with the signedness of its quantized type.
Value widen(OpBuilder &b, Location loc, Value stored,
            quant::QuantizedType type) {
  return extendStored(b, loc, stored, type);
}

/// tensor.pad of the NCHW `input` by [top, left, bottom, right] with the
/// scalar `padValue`.
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> pads, Value padValue) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += pads[0] + pads[2];
  shape[3] += pads[1] + pads[3];
  SmallVector<OpFoldResult> low{b.getIndexAttr(0), b.getIndexAttr(0),
                                b.getIndexAttr(pads[0]),
                                b.getIndexAttr(pads[1])};
  SmallVector<OpFoldResult> high{b.getIndexAttr(0), b.getIndexAttr(0),
                                 b.getIndexAttr(pads[2]),
                                 b.getIndexAttr(pads[3])};
  return tensor::PadOp::create(b, loc, type.clone(shape), input, low, high,
                               padValue);
}

/// The padding of the bottom/right edges a window needs beyond `pads` so
/// that every output position's window lies inside the padded input (the
/// last windows of ceil_mode).
SmallVector<int64_t> extendPads(ArrayRef<int64_t> pads, int64_t h, int64_t w,
                                int64_t oh, int64_t ow,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dilations) {
  SmallVector<int64_t> result(pads);
  int64_t needH = (oh - 1) * strides[0] + (kernel[0] - 1) * dilations[0] + 1;
  int64_t needW = (ow - 1) * strides[1] + (kernel[1] - 1) * dilations[1] + 1;
  result[2] = std::max(result[2], needH - h - pads[0]);
  result[3] = std::max(result[3], needW - w - pads[1]);
  return result;
}

/// out[n, c, oh, ow] = combine over (kh, kw) of padded[n, c, oh * s0 +
/// kh * d0, ow * s1 + kw * d1], starting from `init`.
Value buildWindowReduction(
    OpBuilder &b, Location loc, Value padded, Value init,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> dilations,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *context = b.getContext();
  AffineExpr n, c, oh, ow, kh, kw;
  bindDims(context, n, c, oh, ow, kh, kw);
  SmallVector<AffineMap> maps{
      AffineMap::get(6, 0,
                     {n, c, oh * strides[0] + kh * dilations[0],
                      ow * strides[1] + kw * dilations[1]},
                     context),
      AffineMap::get(6, 0, {kh, kw}, context),
      AffineMap::get(6, 0, {n, c, oh, ow}, context)};
  // The window operand only gives the reduction its extent.
  Value window = tensor::EmptyOp::create(b, loc, kernel, b.getI8Type());
  using utils::IteratorType;
  SmallVector<IteratorType> iterators{
      IteratorType::parallel,  IteratorType::parallel,
      IteratorType::parallel,  IteratorType::parallel,
      IteratorType::reduction, IteratorType::reduction};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{padded, window},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, combine(nb, l, args[0], args[2]));
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

/// acc[n, f, oh, ow] = bias[f] + sum over (c', kh, kw) of
/// (x[n, g * CG + c', ...] - Zx) * (w[f, c', kh, kw] - Zw[f]), g = f / FG.
class Conv2DLowering : public OpConversionPattern<Conv2DOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputQuant = getPerTensorType(op.getInput());
    auto weightQuant = dyn_cast<quant::QuantizedType>(
        op.getWeight().getType().getElementType());
    if (!inputQuant || !weightQuant)
      return rewriter.notifyMatchFailure(op, "only quantized conv2d lowers");
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    SmallVector<int64_t> weightZeroPoints;
    if (auto perAxis =
            dyn_cast<quant::UniformQuantizedPerAxisType>(weightQuant))
      weightZeroPoints = llvm::to_vector(perAxis.getZeroPoints());
    else
      weightZeroPoints = {
          cast<quant::UniformQuantizedType>(weightQuant).getZeroPoint()};
    bool perChannelZeroPoint = !llvm::all_equal(weightZeroPoints);

    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    Value zx = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getIntegerAttr(inputType.getElementType(),
                                inputQuant.getZeroPoint()));
    Value padded =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(), zx);

    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    Value init;
    if (Value bias = adaptor.getBias()) {
      Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                            rewriter.getI32Type());
      AffineMap biasMap = AffineMap::get(
          4, 0, {rewriter.getAffineDimExpr(1)}, context);
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{resultType}, ValueRange{bias},
                 ValueRange{empty},
                 ArrayRef<AffineMap>{biasMap,
                                     rewriter.getMultiDimIdentityMap(4)},
                 SmallVector<utils::IteratorType>(
                     4, utils::IteratorType::parallel),
                 [](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, args[0]);
                 })
                 .getResult(0);
    } else {
      init =
          fillTensor(rewriter, loc, resultType, constantI32(rewriter, loc, 0));
    }

    auto weightType = op.getWeight().getType();
    int64_t filters = weightType.getDimSize(0);
    int64_t channelsPerGroup = weightType.getDimSize(1);
    int64_t filtersPerGroup = filters / op.getGroup();
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilations();
    AffineExpr n, f, oh, ow, c, kh, kw;
    bindDims(context, n, f, oh, ow, c, kh, kw);
    // Coded weights: read code bytes [F, ceil(C/G * KH * KW / P)] at the
    // position r = (c * KH + kh) * KW + kw of the element in its filter's row
    // and decode in the body.
    int64_t kernelH = weightType.getDimSize(2);
    int64_t kernelW = weightType.getDimSize(3);
    AffineExpr rowPosition = (c * kernelH + kh) * kernelW + kw;
    std::optional<CodedWeightOperands> coded;
    Value weight = adaptor.getWeight();
    AffineMap weightMap = AffineMap::get(7, 0, {f, c, kh, kw}, context);
    if (auto codedConstant =
            op.getWeight().getDefiningOp<CodedConstantOp>()) {
      coded = createCodedWeightOperands(rewriter, loc, codedConstant);
      weight = coded->codes;
      weightMap = AffineMap::get(
          7, 0, {f, rowPosition.floorDiv(getCodesPerByte(coded->bits))},
          context);
    }
    SmallVector<Value> inputs{padded, weight};
    SmallVector<AffineMap> maps{
        AffineMap::get(7, 0,
                       {n, f.floorDiv(filtersPerGroup) * channelsPerGroup + c,
                        oh * s[0] + kh * d[0], ow * s[1] + kw * d[1]},
                       context),
        weightMap};
    if (perChannelZeroPoint) {
      SmallVector<int32_t> zeroPoints(weightZeroPoints.begin(),
                                      weightZeroPoints.end());
      inputs.push_back(createI32Vector(rewriter, loc, zeroPoints));
      maps.push_back(AffineMap::get(7, 0, {f}, context));
    }
    if (coded) {
      // The code operand does not show the extents of (c, kh, kw): an
      // unread operand gives them.
      inputs.push_back(tensor::EmptyOp::create(
          rewriter, loc,
          ArrayRef<int64_t>{channelsPerGroup, kernelH, kernelW},
          rewriter.getI8Type()));
      maps.push_back(AffineMap::get(7, 0, {c, kh, kw}, context));
    }
    maps.push_back(AffineMap::get(7, 0, {n, f, oh, ow}, context));
    using utils::IteratorType;
    SmallVector<IteratorType> iterators(4, IteratorType::parallel);
    iterators.append(3, IteratorType::reduction);
    auto conv = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value zw = perChannelZeroPoint
                         ? args[2]
                         : constantI32(b, l, weightZeroPoints[0]);
          Value w = args[1];
          if (coded) {
            auto dim = [&](unsigned i) {
              return linalg::IndexOp::create(b, l, i).getResult();
            };
            auto mulAdd = [&](Value x, int64_t scale, Value y) -> Value {
              Value scaled = arith::MulIOp::create(
                  b, l, x, arith::ConstantIndexOp::create(b, l, scale));
              return arith::AddIOp::create(b, l, scaled, y);
            };
            Value position =
                mulAdd(mulAdd(dim(4), kernelH, dim(5)), kernelW, dim(6));
            w = decodeWeight(b, l, *coded, args[1], position);
          }
          linalg::YieldOp::create(
              b, l,
              accumulateCenteredProduct(b, l, args.back(), args[0],
                                        inputQuant, w, weightQuant, zw));
        });
    rewriter.replaceOp(op, conv.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

class MaxPoolLowering : public OpConversionPattern<MaxPoolOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto quant = getPerTensorType(op.getInput());
    if (!quant)
      return rewriter.notifyMatchFailure(op, "only quantized max_pool lowers");
    Location loc = op.getLoc();
    auto storedType = cast<RankedTensorType>(adaptor.getInput().getType());
    Type element = storedType.getElementType();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    // Padded positions hold the storage minimum: they never win.
    Value lowest = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getIntegerAttr(element, quant.getStorageTypeMin()));
    SmallVector<int64_t> pads = extendPads(
        op.getPads(), storedType.getDimSize(2), storedType.getDimSize(3),
        resultType.getDimSize(2), resultType.getDimSize(3), op.getKernel(),
        op.getStrides(), op.getDilations());
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(), pads, lowest);
    Value init = fillTensor(rewriter, loc, resultType, lowest);
    bool isSigned = quant.isSigned();
    Value result = buildWindowReduction(
        rewriter, loc, padded, init, op.getKernel(), op.getStrides(),
        op.getDilations(), [&](OpBuilder &b, Location l, Value in, Value acc) {
          return isSigned ? arith::MaxSIOp::create(b, l, in, acc).getResult()
                          : arith::MaxUIOp::create(b, l, in, acc).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Z + roundHalfAwayFromZero(sum / count) for the i32 window sums `sums`
/// [N, C, OH, OW] and the per-position constant counts [OH, OW], truncated
/// to the storage type.
Value buildRoundedMean(OpBuilder &b, Location loc, Value sums,
                       ArrayRef<int32_t> counts, RankedTensorType resultType,
                       int64_t zeroPoint) {
  MLIRContext *context = b.getContext();
  auto sumType = cast<RankedTensorType>(sums.getType());
  auto countType = RankedTensorType::get(
      {sumType.getDimSize(2), sumType.getDimSize(3)}, b.getI32Type());
  Value countTensor = arith::ConstantOp::create(
      b, loc, DenseIntElementsAttr::get(countType, counts));
  Value empty = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                        resultType.getElementType());
  AffineMap identity = b.getMultiDimIdentityMap(4);
  AffineMap countMap = AffineMap::get(
      4, 0, {b.getAffineDimExpr(2), b.getAffineDimExpr(3)}, context);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{sums, countTensor},
             ValueRange{empty},
             ArrayRef<AffineMap>{identity, countMap, identity},
             SmallVector<utils::IteratorType>(4,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               // (2 * sum + sign(sum) * count) / (2 * count), truncating.
               Value sum = args[0], count = args[1];
               Value two = constantI32(nb, l, 2);
               Value zero = constantI32(nb, l, 0);
               Value negative = arith::CmpIOp::create(
                   nb, l, arith::CmpIPredicate::slt, sum, zero);
               Value signedCount = arith::SelectOp::create(
                   nb, l, negative,
                   arith::SubIOp::create(nb, l, zero, count), count);
               Value numerator = arith::AddIOp::create(
                   nb, l, arith::MulIOp::create(nb, l, two, sum), signedCount);
               Value denominator = arith::MulIOp::create(nb, l, two, count);
               Value mean =
                   arith::DivSIOp::create(nb, l, numerator, denominator);
               Value stored = arith::AddIOp::create(
                   nb, l, mean, constantI32(nb, l, zeroPoint));
               Type element = resultType.getElementType();
               if (!element.isInteger(32))
                 stored = arith::TruncIOp::create(nb, l, element, stored);
               linalg::YieldOp::create(nb, l, stored);
             })
      .getResult(0);
}

/// The window sums of q - Z in i32, over `input` padded with Z.
Value buildCenteredSums(OpBuilder &b, Location loc, Value input,
                        quant::UniformQuantizedType quant,
                        RankedTensorType resultType, ArrayRef<int64_t> kernel,
                        ArrayRef<int64_t> strides, ArrayRef<int64_t> pads) {
  auto storedType = cast<RankedTensorType>(input.getType());
  Value zero = arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(storedType.getElementType(), quant.getZeroPoint()));
  SmallVector<int64_t> dilations{1, 1};
  SmallVector<int64_t> padsAll =
      extendPads(pads, storedType.getDimSize(2), storedType.getDimSize(3),
                 resultType.getDimSize(2), resultType.getDimSize(3), kernel,
                 strides, dilations);
  Value padded = padSpatial(b, loc, input, padsAll, zero);
  Value init = fillTensor(b, loc, resultType.clone(b.getI32Type()),
                          constantI32(b, loc, 0));
  return buildWindowReduction(
      b, loc, padded, init, kernel, strides, dilations,
      [&](OpBuilder &nb, Location l, Value in, Value acc) {
        Value centered = arith::SubIOp::create(
            nb, l, widen(nb, l, in, quant),
            constantI32(nb, l, quant.getZeroPoint()));
        return arith::AddIOp::create(nb, l, acc, centered).getResult();
      });
}

/// ONNX's divisor of each output position: the window positions inside the
/// input, or (count_include_pad) inside input + padding.
SmallVector<int32_t> getPoolCounts(int64_t h, int64_t w, int64_t oh,
                                   int64_t ow, ArrayRef<int64_t> kernel,
                                   ArrayRef<int64_t> strides,
                                   ArrayRef<int64_t> pads,
                                   bool countIncludePad) {
  SmallVector<int32_t> counts;
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x) {
      int32_t count = 0;
      for (int64_t i = 0; i < kernel[0]; ++i)
        for (int64_t j = 0; j < kernel[1]; ++j) {
          int64_t iy = y * strides[0] + i - pads[0];
          int64_t ix = x * strides[1] + j - pads[1];
          bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
          bool inPadding = iy < h + pads[2] && ix < w + pads[3];
          count += countIncludePad ? inPadding : inside;
        }
      counts.push_back(count);
    }
  return counts;
}

class AveragePoolLowering : public OpConversionPattern<AveragePoolOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto quant = getPerTensorType(op.getInput());
    if (!quant)
      return rewriter.notifyMatchFailure(op, "only quantized pools lower");
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto inType = op.getInput().getType();
    Value sums = buildCenteredSums(rewriter, loc, adaptor.getInput(), quant,
                                   resultType, op.getKernel(), op.getStrides(),
                                   op.getPads());
    SmallVector<int32_t> counts = getPoolCounts(
        inType.getDimSize(2), inType.getDimSize(3), resultType.getDimSize(2),
        resultType.getDimSize(3), op.getKernel(), op.getStrides(),
        op.getPads(), op.getCountIncludePad());
    rewriter.replaceOp(op, buildRoundedMean(rewriter, loc, sums, counts,
                                            resultType, quant.getZeroPoint()));
    return success();
  }
};

class GlobalAveragePoolLowering
    : public OpConversionPattern<GlobalAveragePoolOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GlobalAveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto quant = getPerTensorType(op.getInput());
    auto inType = op.getInput().getType();
    if (!quant || inType.getRank() != 4)
      return rewriter.notifyMatchFailure(op, "only quantized NCHW pools lower");
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    SmallVector<int64_t> kernel{inType.getDimSize(2), inType.getDimSize(3)};
    SmallVector<int64_t> ones{1, 1}, zeros{0, 0, 0, 0};
    Value sums = buildCenteredSums(rewriter, loc, adaptor.getInput(), quant,
                                   resultType, kernel, ones, zeros);
    SmallVector<int32_t> counts{static_cast<int32_t>(kernel[0] * kernel[1])};
    rewriter.replaceOp(op, buildRoundedMean(rewriter, loc, sums, counts,
                                            resultType, quant.getZeroPoint()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Lookup, reshape, transpose
//===----------------------------------------------------------------------===//

class LookupLowering : public OpConversionPattern<LookupOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LookupOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inQuant = getPerTensorType(op.getInput());
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type outElement = resultType.getElementType();
    ArrayRef<int32_t> table = op.getTable();
    auto tableType = RankedTensorType::get(
        {static_cast<int64_t>(table.size())}, outElement);
    SmallVector<APInt> entries;
    for (int32_t value : table)
      entries.push_back(APInt(outElement.getIntOrFloatBitWidth(), value,
                              /*isSigned=*/true));
    Value tableValue = arith::ConstantOp::create(
        rewriter, loc, DenseIntElementsAttr::get(tableType, entries));
    Value empty = createEmptyLike(rewriter, loc, resultType,
                                  adaptor.getInput());
    int64_t rank = resultType.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{adaptor.getInput()},
        ValueRange{empty}, ArrayRef<AffineMap>{identity, identity},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          // table[q - qmin]
          Value q = widen(b, l, args[0], inQuant);
          Value offset = arith::SubIOp::create(
              b, l, q, constantI32(b, l, inQuant.getStorageTypeMin()));
          Value index =
              arith::IndexCastOp::create(b, l, b.getIndexType(), offset);
          Value entry =
              tensor::ExtractOp::create(b, l, tableValue, ValueRange{index});
          linalg::YieldOp::create(b, l, entry);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

class ReshapeLowering : public OpConversionPattern<ReshapeOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    if (inputType.getRank() == 0 || resultType.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "rank-0 reshape");
    // Through the flat vector: collapse everything, expand to the result.
    SmallVector<ReassociationIndices> collapseAll{
        llvm::to_vector(llvm::seq<int64_t>(0, inputType.getRank()))};
    Value flat = tensor::CollapseShapeOp::create(
        rewriter, loc, adaptor.getInput(), collapseAll);
    SmallVector<ReassociationIndices> expandAll{
        llvm::to_vector(llvm::seq<int64_t>(0, resultType.getRank()))};
    Value result = resultType.getRank() == 1
                       ? flat
                       : tensor::ExpandShapeOp::create(rewriter, loc,
                                                       resultType, flat,
                                                       expandAll)
                             .getResult();
    rewriter.replaceOp(op, result);
    return success();
  }
};

class TransposeLowering : public OpConversionPattern<TransposeOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value empty = tensor::EmptyOp::create(rewriter, op.getLoc(),
                                          resultType.getShape(),
                                          resultType.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(
                               rewriter, op.getLoc(), adaptor.getInput(),
                               empty, op.getPermutation())
                               .getResult());
    return success();
  }
};

/// The indexing map of an operand of shape `shape` broadcast (numpy style,
/// right-aligned) to `rank` loops over `out`.
AffineMap getBroadcastMap(ArrayRef<int64_t> shape, ArrayRef<int64_t> out,
                          MLIRContext *context) {
  SmallVector<AffineExpr> exprs;
  int64_t offset = static_cast<int64_t>(out.size() - shape.size());
  for (auto [i, size] : llvm::enumerate(shape)) {
    int64_t j = offset + static_cast<int64_t>(i);
    exprs.push_back(size == 1 && out[j] != 1
                        ? getAffineConstantExpr(0, context)
                        : getAffineDimExpr(j, context));
  }
  return AffineMap::get(out.size(), 0, exprs, context);
}

/// clamp(qa + qb - Z) on operands of the result's quantized type.
class QuantizedAddLowering : public OpConversionPattern<AddOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto quant = getPerTensorType(op.getResult());
    if (!quant)
      return rewriter.notifyMatchFailure(op, "only quantized add lowers");
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    ArrayRef<int64_t> out = resultType.getShape();
    Value empty = tensor::EmptyOp::create(rewriter, loc, out,
                                          resultType.getElementType());
    SmallVector<AffineMap> maps{
        getBroadcastMap(op.getLhs().getType().getShape(), out, context),
        getBroadcastMap(op.getRhs().getType().getShape(), out, context),
        rewriter.getMultiDimIdentityMap(out.size())};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType},
        ValueRange{adaptor.getLhs(), adaptor.getRhs()}, ValueRange{empty},
        maps,
        SmallVector<utils::IteratorType>(out.size(),
                                         utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value sum = arith::AddIOp::create(b, l, widen(b, l, args[0], quant),
                                            widen(b, l, args[1], quant));
          sum = arith::SubIOp::create(b, l, sum,
                                      constantI32(b, l, quant.getZeroPoint()));
          sum = arith::MaxSIOp::create(
              b, l, sum, constantI32(b, l, quant.getStorageTypeMin()));
          sum = arith::MinSIOp::create(
              b, l, sum, constantI32(b, l, quant.getStorageTypeMax()));
          Type element = resultType.getElementType();
          if (!element.isInteger(32))
            sum = arith::TruncIOp::create(b, l, element, sum);
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Concatenation keeps the element type (the quantizer gives every input
/// the result's scale): tensor.concat of the stored values.
class ConcatLowering : public OpConversionPattern<ConcatOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOp(op, tensor::ConcatOp::create(rewriter, op.getLoc(),
                                                    resultType, op.getAxis(),
                                                    adaptor.getInputs())
                               .getResult());
    return success();
  }
};

} // namespace

void mlir::lowbit::populateGraphOpLoweringPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, MaxPoolLowering, AveragePoolLowering,
               GlobalAveragePoolLowering, LookupLowering, ReshapeLowering,
               TransposeLowering, ConcatLowering, QuantizedAddLowering>(converter, patterns.getContext());
}
