//===- CodedWeights.cpp - Reading bit-packed weight codes -------*- C++ -*-===//
//
// fully_connected and conv2d whose weights are a lowbit.coded_constant read
// the codes themselves: the contraction's weight operand is the code bytes
// [rows, ceil(R / P)], indexed by (row, r floordiv P) for the element's
// position r in its row, and the body decodes table[(byte >> b (r % P)) &
// mask] (PackedLayout.h). Other users get the decoded values.
//
//===----------------------------------------------------------------------===//

#include "PatternsInternal.h"

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

using namespace mlir;
using namespace mlir::lowbit;

CodedWeightOperands mlir::lowbit::createCodedWeightOperands(
    OpBuilder &b, Location loc, CodedConstantOp coded) {
  ArrayRef<int8_t> table = coded.getTable();
  auto tableType = RankedTensorType::get(
      {static_cast<int64_t>(table.size())}, b.getI8Type());
  return {arith::ConstantOp::create(b, loc, cast<TypedAttr>(coded.getCodes())),
          arith::ConstantOp::create(b, loc,
                                    DenseIntElementsAttr::get(tableType, table)),
          coded.getBits()};
}

Value mlir::lowbit::decodeWeight(OpBuilder &b, Location loc,
                                 const CodedWeightOperands &w, Value byte,
                                 Value position) {
  auto index = [&](int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Value slot = arith::RemUIOp::create(b, loc, position,
                                      index(getCodesPerByte(w.bits)));
  Value shift = arith::IndexCastUIOp::create(
      b, loc, b.getI8Type(),
      arith::MulIOp::create(b, loc, slot, index(w.bits)));
  Value code = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, byte, shift),
      arith::ConstantOp::create(b, loc,
                                b.getI8IntegerAttr((1 << w.bits) - 1)));
  Value entry = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), code);
  return tensor::ExtractOp::create(b, loc, w.table, ValueRange{entry});
}

namespace {
/// lowbit.coded_constant -> arith.constant of the decoded stored values.
class CodedConstantLowering : public OpConversionPattern<CodedConstantOp> {
public:
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CodedConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    SmallVector<APInt> values = llvm::map_to_vector(
        op.getDecodedValues(),
        [](int64_t v) { return APInt(8, static_cast<uint8_t>(v)); });
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, DenseIntElementsAttr::get(type, values));
    return success();
  }
};
} // namespace

void mlir::lowbit::populateCodedConstantLoweringPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<CodedConstantLowering>(converter, patterns.getContext());
}
