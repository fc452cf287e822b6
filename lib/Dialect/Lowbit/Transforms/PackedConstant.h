//===- PackedConstant.h - Constants of packed kernel operands ---*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The packing patterns of the pack phase (PackWeights.cpp,
// PackDepthwiseConv.cpp) emit their repacked weights, folded biases and
// correction terms as integer arith.constant tensors.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_DIALECT_LOWBIT_TRANSFORMS_PACKEDCONSTANT_H
#define LOWBIT_LIB_DIALECT_LOWBIT_TRANSFORMS_PACKEDCONSTANT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::lowbit {

/// An arith.constant tensor of `shape` holding `values` as i8/i16/i32/i64
/// (the width of T).
template <typename T>
Value createPackedConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                           ArrayRef<T> values) {
  auto type = RankedTensorType::get(shape, b.getIntegerType(sizeof(T) * 8));
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

} // namespace mlir::lowbit

#endif // LOWBIT_LIB_DIALECT_LOWBIT_TRANSFORMS_PACKEDCONSTANT_H
