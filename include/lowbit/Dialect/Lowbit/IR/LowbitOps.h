//===- LowbitOps.h - Lowbit operations --------------------------*- C++ -*-===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_H

#include "lowbit/Dialect/Lowbit/IR/LowbitDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "lowbit/Dialect/Lowbit/IR/LowbitEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/Lowbit/IR/LowbitAttrs.h.inc"

#define GET_OP_CLASSES
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h.inc"

namespace mlir::lowbit {

/// Signs per word of the packed operands of the binary ops (bit b of a word
/// holds element 64 w + b; 1 means -1).
constexpr int64_t kSignsPerWord = 64;

/// The words that hold `signs` packed signs: ceil(signs / 64).
inline int64_t getPackedSignWords(int64_t signs) {
  return (signs + kSignsPerWord - 1) / kSignsPerWord;
}

/// The stored integers of a constant tensor defined by lowbit.constant or
/// arith.constant (dense, or a little-endian dense_resource blob of
/// `width`-bit elements), extended per `isSigned`, or the decoded values of
/// a lowbit.coded_constant (extended per its element type); failure for
/// anything else.
FailureOr<SmallVector<int64_t>> readConstantIntegers(Value value,
                                                     unsigned width,
                                                     bool isSigned);

/// The size of one spatial output dimension of a convolution or pooling
/// window: floor (or ceil) of (in + pads - extent) / stride, plus one; 0 when
/// the window does not fit.
int64_t getWindowOutputSize(int64_t in, int64_t padBegin, int64_t padEnd,
                            int64_t kernel, int64_t stride, int64_t dilation,
                            bool ceilMode);

/// Checks the window attributes of a 2-D conv or pool (2 strides and
/// dilations, 4 pads [top, left, bottom, right], positive sizes) and that
/// the 2 static spatial sizes of the result follow from those of the input.
LogicalResult verifyWindowShape(Operation *op, ArrayRef<int64_t> inputSpatial,
                                ArrayRef<int64_t> resultSpatial,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> pads,
                                ArrayRef<int64_t> dilations, bool ceilMode);

/// The stored integers of a constant `value` of `width`-bit integers (dense,
/// or a little-endian dense_resource blob), extended per `isSigned`.
FailureOr<SmallVector<int64_t>> readStoredIntegers(ElementsAttr value,
                                                   unsigned width,
                                                   bool isSigned);

/// The checks shared by requantize and the packed kernels: `channels` is
/// the size of the dimension the per-channel parameters apply along,
/// described by `channelsWhere` in messages.
LogicalResult verifyRequantizeAttributes(
    Operation *op, ArrayRef<int32_t> multipliers, ArrayRef<int8_t> shifts,
    int64_t channels, const Twine &channelsWhere,
    quant::UniformQuantizedType outputType, int32_t lo, int32_t hi);
} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_H
