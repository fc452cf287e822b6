//===- PatternsInternal.h - Shared by the lowbit-to-linalg files -*- C++ -*-=//

#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOLINALG_PATTERNSINTERNAL_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOLINALG_PATTERNSINTERNAL_H

#include "lowbit/Conversion/LowbitToLinalg/LowbitToLinalg.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::lowbit {

void populateFullyConnectedLoweringPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns);
void populateRequantizeLoweringPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns,
                                        bool allowI32Requantize,
                                        bool testPlantRoundingError);

inline Value constantI32(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(value));
}

/// A constant tensor<N x i32> holding `values`.
inline Value createI32Vector(OpBuilder &b, Location loc,
                             ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseIntElementsAttr::get(type, values));
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
