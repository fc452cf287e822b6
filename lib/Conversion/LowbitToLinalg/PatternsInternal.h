//===- PatternsInternal.h - Shared by the lowbit-to-linalg files -*- C++ -*-=//

#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOLINALG_PATTERNSINTERNAL_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOLINALG_PATTERNSINTERNAL_H

#include "lowbit/Conversion/LowbitToLinalg/LowbitToLinalg.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::lowbit {

void populateFullyConnectedLoweringPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns);
/// conv2d, pools, lookup, reshape and transpose on quantized tensors
/// (GraphOps.cpp).
void populateGraphOpLoweringPatterns(const TypeConverter &converter,
                                     RewritePatternSet &patterns);
/// binarize, binary_fully_connected and binary_conv2d (BinaryOps.cpp).
void populateBinaryOpLoweringPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns);
/// lowbit.quantized_softmax (Softmax.cpp).
void populateSoftmaxLoweringPatterns(const TypeConverter &converter,
                                     RewritePatternSet &patterns);
void populateRequantizeLoweringPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns,
                                        bool allowI32Requantize,
                                        bool testPlantRoundingError);

/// lowbit.coded_constant as an arith.constant of its decoded values, for
/// users that do not read codes (CodedWeights.cpp).
void populateCodedConstantLoweringPatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns);

/// The weight operand of a linalg.generic that reads the codes of a
/// lowbit.coded_constant: `codes` [rows, bytes] (arith.constant), `table`
/// tensor<2^b x i8>.
struct CodedWeightOperands {
  Value codes;
  Value table;
  int64_t bits;
};
CodedWeightOperands createCodedWeightOperands(OpBuilder &b, Location loc,
                                              CodedConstantOp coded);
/// The stored weight of element `position` (index) of its row, inside a
/// linalg.generic body: table[(byte >> b * (position % P)) & (2^b - 1)],
/// where `byte` is codes[row, position floordiv P].
Value decodeWeight(OpBuilder &b, Location loc, const CodedWeightOperands &w,
                   Value byte, Value position);

/// Widens a stored value to i32 according to the signedness of `type`.
inline Value extendStored(OpBuilder &b, Location loc, Value stored,
                          quant::QuantizedType type) {
  if (stored.getType().isInteger(32))
    return stored;
  if (type.isSigned())
    return arith::ExtSIOp::create(b, loc, b.getI32Type(), stored);
  return arith::ExtUIOp::create(b, loc, b.getI32Type(), stored);
}

inline Value constantI32(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(value));
}

/// acc + (x - Zx) * (w - zw) in i32, for the stored x and w of a product
/// with zero points (fully_connected, conv2d).
inline Value accumulateCenteredProduct(OpBuilder &b, Location loc, Value acc,
                                       Value x,
                                       quant::UniformQuantizedType xType,
                                       Value w, quant::QuantizedType wType,
                                       Value zw) {
  Value xc = arith::SubIOp::create(b, loc, extendStored(b, loc, x, xType),
                                   constantI32(b, loc, xType.getZeroPoint()));
  Value wc = arith::SubIOp::create(b, loc, extendStored(b, loc, w, wType), zw);
  return arith::AddIOp::create(b, loc, acc,
                               arith::MulIOp::create(b, loc, xc, wc));
}

/// A constant tensor<N x i32> holding `values`.
inline Value createI32Vector(OpBuilder &b, Location loc,
                             ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseIntElementsAttr::get(type, values));
}

/// A static-shaped tensor of `type` filled with the scalar `value`.
inline Value fillTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        Value value) {
  Value empty =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

/// tensor.empty of `type`, taking dynamic sizes from `like` (same shape).
inline Value createEmptyLike(OpBuilder &b, Location loc,
                             RankedTensorType type, Value like) {
  SmallVector<Value> dynamicSizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, like, i));
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType(), dynamicSizes);
}

} // namespace mlir::lowbit

#endif // LOWBIT_LIB_CONVERSION_LOWBITTOLINALG_PATTERNSINTERNAL_H
