//===- Interpreter.h - Reference interpreter of the lowbit dialect -*- C++ -*-//
//
// Executes a model in the lowbit dialect op by op, in the exact integer
// semantics of docs/IntegerSemantics.md (through lowbit/Support/FixedPoint.h),
// with no code generation. It is the oracle the compiled code is compared
// with, bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_REFERENCE_INTERPRETER_H
#define LOWBIT_REFERENCE_INTERPRETER_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <vector>

namespace mlir::lowbit {

/// A tensor of stored integer values, row-major.
struct StoredTensor {
  SmallVector<int64_t> shape;
  std::vector<int64_t> values;
};

/// Called with every value the interpreter computes, in program order.
using ValueObserver = function_ref<void(Operation *, const StoredTensor &)>;

/// Runs `model` on `input` (stored values of its input type). `rounding`
/// overrides the rounding mode of every requantize. Emits an error at the
/// offending op and fails on an unsupported op or an out-of-range value.
FailureOr<StoredTensor> interpret(func::FuncOp model,
                                  const StoredTensor &input,
                                  std::optional<RoundingMode> rounding,
                                  ValueObserver observe = nullptr);

} // namespace mlir::lowbit

#endif // LOWBIT_REFERENCE_INTERPRETER_H
