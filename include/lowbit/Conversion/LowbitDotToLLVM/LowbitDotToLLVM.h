//===- LowbitDotToLLVM.h - Dot-product steps to instructions ----*- C++ -*-===//

#ifndef LOWBIT_CONVERSION_LOWBITDOTTOLLVM_LOWBITDOTTOLLVM_H
#define LOWBIT_CONVERSION_LOWBITDOTTOLLVM_LOWBITDOTTOLLVM_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::lowbit {

/// Lowers lowbit.dot_accumulate to llvm.call_intrinsic of its ISA's
/// dot-product instruction (or to plain vector arithmetic for `neon`).
void populateLowbitDotToLLVMPatterns(RewritePatternSet &patterns);

} // namespace mlir::lowbit

#endif // LOWBIT_CONVERSION_LOWBITDOTTOLLVM_LOWBITDOTTOLLVM_H
