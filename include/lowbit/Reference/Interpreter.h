//===- Interpreter.h - Reference interpreter of the lowbit dialect -*- C++ -*-//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Executes a model in the lowbit dialect op by op, in the exact integer
// semantics of docs/IntegerSemantics.md (through lowbit/Support/FixedPoint.h),
// with no code generation. It is the oracle that compiled code is compared
// with, bit for bit (`lowbit-run`, integration_test/differential*.test), and
// the float engine of calibration and of the layer report.
//
// Supported, in a single-block function of any number of tensor arguments
// and results: lowbit.constant (dense and dense_resource values, integer or
// float32), lowbit.fully_connected, lowbit.requantize, quant.scast and
// func.return; the binary ops lowbit.binarize, binary_fully_connected and
// binary_conv2d (BinaryOps.cpp; packed signs are signless i64 values); the graph-level ops (lib/Reference/GraphOps.cpp,
// Conv2D.cpp): float32 ones in float32 arithmetic in a fixed order
// (docs/Architecture.md, "The reference interpreter"), conv2d and matmul on
// quantized operands exactly (int32 accumulators, per-axis weight zero
// points), quant.qcast/quant.dcast with the float boundary of
// docs/IntegerSemantics.md section 6. Integer values are held as int64
// stored integers, interpreted with the signedness of their type; float
// values as float32.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_REFERENCE_INTERPRETER_H
#define LOWBIT_REFERENCE_INTERPRETER_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <vector>

namespace mlir::lowbit {

/// The elements of a tensor in row-major order: the stored values of a
/// quantized or integer tensor in `values`, or the float32 values of a float
/// tensor in `reals` (then `values` is empty).
struct StoredTensor {
  SmallVector<int64_t> shape;
  std::vector<int64_t> values;
  std::vector<float> reals;
};

/// How the elements of a tensor are stored: a `width`-bit integer, signed or
/// not, whose valid values are [min, max] (narrower than the integer's range
/// for quantized types such as i8<-127:127>).
struct StorageType {
  unsigned width;
  bool isSigned;
  int64_t min;
  int64_t max;
};

/// The storage of a quantized or integer element type of at most 32 bits;
/// std::nullopt for any other type.
std::optional<StorageType> getStorageType(Type elementType);

/// Called with every value the interpreter computes, in program order: first
/// the function's arguments, then each op's result.
using ValueObserver =
    function_ref<void(Value value, const StoredTensor &tensor)>;

/// Runs `model` on `inputs`, one per argument (stored values of a quantized
/// or integer argument, float32 values of a float32 one), and returns one
/// tensor per result. `rounding`, if set, overrides the rounding mode of
/// every requantize. Checks that every operand holds values in the storage
/// range of its type and that accumulators do not overflow int32. On an
/// unsupported op or type, or an out-of-range value, emits an error at the
/// offending op and fails.
FailureOr<std::vector<StoredTensor>>
interpret(func::FuncOp model, ArrayRef<StoredTensor> inputs,
          std::optional<RoundingMode> rounding,
          ValueObserver observe = nullptr);

/// Runs `model`, a function of one argument and one result, on `input`
/// (stored values of its argument's type); otherwise as above.
FailureOr<StoredTensor> interpret(func::FuncOp model, const StoredTensor &input,
                                  std::optional<RoundingMode> rounding,
                                  ValueObserver observe = nullptr);

/// Evaluates a graph-level op (GraphOps.cpp) on the tensors of its
/// operands; std::nullopt if `op` is not one of them. Errors are emitted at
/// `op`.
std::optional<FailureOr<StoredTensor>>
evaluateGraphOp(Operation *op, ArrayRef<const StoredTensor *> operands);

} // namespace mlir::lowbit

#endif // LOWBIT_REFERENCE_INTERPRETER_H
