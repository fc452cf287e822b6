//===- LowbitDialect.h - Lowbit dialect -------------------------*- C++ -*-===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Dialect.h"

#include "lowbit/Dialect/Lowbit/IR/LowbitOpsDialect.h.inc"

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_H
