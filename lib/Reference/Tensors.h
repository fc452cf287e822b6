//===- Tensors.h - Shapes and element types for the interpreter -*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Reference: the small helpers that the op evaluators share
// (shapes of values, empty result tensors, zero points, the int32 check of
// accumulators).
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_REFERENCE_TENSORS_H
#define LOWBIT_LIB_REFERENCE_TENSORS_H

#include "lowbit/Reference/Interpreter.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <cstdint>

namespace mlir::lowbit::reference {

using Shape = SmallVector<int64_t>;

inline int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

inline Shape shapeOf(Value value) {
  return Shape(cast<RankedTensorType>(value.getType()).getShape());
}

inline Type elementOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

/// A float32 tensor of `shape`, all zeros.
inline StoredTensor floatTensor(Shape shape) {
  StoredTensor t;
  t.reals.assign(numElements(shape), 0.0f);
  t.shape = std::move(shape);
  return t;
}

/// An integer tensor of `shape`, all zeros.
inline StoredTensor intTensor(Shape shape) {
  StoredTensor t;
  t.values.assign(numElements(shape), 0);
  t.shape = std::move(shape);
  return t;
}

/// Per-channel zero points of a quantized element type (one for per-tensor).
inline SmallVector<int64_t> zeroPointsOf(Type element) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element))
    return SmallVector<int64_t>(perAxis.getZeroPoints());
  return {cast<quant::UniformQuantizedType>(element).getZeroPoint()};
}

/// Fails with an error at `op` if the accumulator `acc` of element `index`
/// does not fit int32.
inline LogicalResult checkAccumulator(Operation *op, int64_t acc,
                                      int64_t index) {
  if (acc < INT32_MIN || acc > INT32_MAX)
    return op->emitError("accumulator ")
           << acc << " at element " << index << " overflows int32";
  return success();
}

/// lowbit.conv2d on float32 or quantized operands (Conv2D.cpp).
FailureOr<StoredTensor> evaluateConv2D(Conv2DOp op, const StoredTensor &x,
                                       const StoredTensor &w,
                                       const StoredTensor *bias);

/// lowbit.binarize, binary_fully_connected and binary_conv2d (BinaryOps.cpp);
/// std::nullopt if `op` is none of them.
std::optional<FailureOr<StoredTensor>>
evaluateBinaryOp(Operation *op, ArrayRef<const StoredTensor *> operands);

} // namespace mlir::lowbit::reference

#endif // LOWBIT_LIB_REFERENCE_TENSORS_H
