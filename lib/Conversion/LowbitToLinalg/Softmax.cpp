//===- Softmax.cpp - Quantized softmax to linalg ----------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// lowbit.quantized_softmax as three linalg.generic ops on storage types, all
// in i32 (docs/IntegerSemantics.md, "Softmax"): the maximum m of each row
// along the axis, the sum of exp_table[m - q] over the row, and per element
// clamp((256 * e + (sum >> 1)) / sum + Z_out) with an unsigned division
// (every operand is non-negative). The table lookup is repeated in the last
// op rather than stored, so no i32 tensor of the input's size is kept.
//
//===----------------------------------------------------------------------===//

#include "PatternsInternal.h"

#include "lowbit/Support/Softmax.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {

class QuantizedSoftmaxLowering
    : public OpConversionPattern<QuantizedSoftmaxOp> {
public:
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizedSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inQuant = cast<quant::UniformQuantizedType>(
        op.getInput().getType().getElementType());
    auto outQuant = cast<quant::UniformQuantizedType>(
        op.getOutput().getType().getElementType());
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value input = adaptor.getInput();
    int64_t rank = resultType.getRank();
    int64_t axis = op.getAxis();

    // Per-row values (max, sum): the input's shape without the axis.
    SmallVector<int64_t> rowShape(resultType.getShape());
    rowShape.erase(rowShape.begin() + axis);
    auto rowType = RankedTensorType::get(rowShape, rewriter.getI32Type());
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap rowMap = identity.dropResult(axis);
    SmallVector<utils::IteratorType> reduceAlongAxis(
        rank, utils::IteratorType::parallel);
    reduceAlongAxis[axis] = utils::IteratorType::reduction;

    Value table = createI32Vector(rewriter, loc, op.getExpTable());
    // exp_table[m - q] for the stored q and the row maximum m (both i32).
    auto lookupExp = [&](OpBuilder &b, Location l, Value stored, Value max) {
      Value q = extendStored(b, l, stored, inQuant);
      Value index = arith::IndexCastOp::create(
          b, l, b.getIndexType(), arith::SubIOp::create(b, l, max, q));
      return tensor::ExtractOp::create(b, l, table, ValueRange{index})
          .getResult();
    };

    Value maxInit =
        fillTensor(rewriter, loc, rowType,
                   constantI32(rewriter, loc, inQuant.getStorageTypeMin()));
    Value max =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rowType}, ValueRange{input},
            ValueRange{maxInit}, ArrayRef<AffineMap>{identity, rowMap},
            reduceAlongAxis,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value q = extendStored(b, l, args[0], inQuant);
              linalg::YieldOp::create(
                  b, l, arith::MaxSIOp::create(b, l, q, args[1]).getResult());
            })
            .getResult(0);

    Value sumInit =
        fillTensor(rewriter, loc, rowType, constantI32(rewriter, loc, 0));
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rowType}, ValueRange{input, max},
            ValueRange{sumInit}, ArrayRef<AffineMap>{identity, rowMap, rowMap},
            reduceAlongAxis,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value e = lookupExp(b, l, args[0], args[1]);
              linalg::YieldOp::create(
                  b, l, arith::AddIOp::create(b, l, args[2], e).getResult());
            })
            .getResult(0);

    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          resultType.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{input, max, sum},
        ValueRange{empty},
        ArrayRef<AffineMap>{identity, rowMap, rowMap, identity},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          // (256 * e + floor(sum / 2)) / sum: 256 e / sum rounded half away
          // from zero; no step exceeds int32 (the verifier's bound).
          Value e = lookupExp(b, l, args[0], args[1]);
          Value rowSum = args[2];
          Value scaled = arith::MulIOp::create(
              b, l, e, constantI32(b, l, ::lowbit::kSoftmaxOutputUnits));
          Value half =
              arith::ShRUIOp::create(b, l, rowSum, constantI32(b, l, 1));
          Value dividend = arith::AddIOp::create(b, l, scaled, half);
          Value quotient = arith::DivUIOp::create(b, l, dividend, rowSum);
          Value out = arith::AddIOp::create(
              b, l, quotient, constantI32(b, l, outQuant.getZeroPoint()));
          out = arith::MaxSIOp::create(
              b, l, out, constantI32(b, l, outQuant.getStorageTypeMin()));
          out = arith::MinSIOp::create(
              b, l, out, constantI32(b, l, outQuant.getStorageTypeMax()));
          linalg::YieldOp::create(
              b, l,
              arith::TruncIOp::create(b, l, resultType.getElementType(), out)
                  .getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::lowbit::populateSoftmaxLoweringPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<QuantizedSoftmaxLowering>(converter, patterns.getContext());
}
