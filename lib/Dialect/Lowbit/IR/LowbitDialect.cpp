//===- LowbitDialect.cpp - Lowbit dialect registration ----------*- C++ -*-===//

#include "lowbit/Dialect/Lowbit/IR/LowbitDialect.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::lowbit;

#include "lowbit/Dialect/Lowbit/IR/LowbitOpsDialect.cpp.inc"
#include "lowbit/Dialect/Lowbit/IR/LowbitEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/Lowbit/IR/LowbitAttrs.cpp.inc"

void LowbitDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lowbit/Dialect/Lowbit/IR/LowbitAttrs.cpp.inc"
      >();
}
