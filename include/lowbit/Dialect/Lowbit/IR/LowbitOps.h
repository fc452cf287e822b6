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
/// The stored integers of a constant `value` of `width`-bit integers (dense,
/// or a little-endian dense_resource blob), extended per `isSigned`.
FailureOr<SmallVector<int64_t>> readStoredIntegers(ElementsAttr value,
                                                   unsigned width,
                                                   bool isSigned);
} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_H
