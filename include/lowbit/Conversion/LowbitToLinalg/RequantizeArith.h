//===- RequantizeArith.h - Requantization as integer arith ------*- C++ -*-===//
//
// Builds the fixed-point requantization of docs/IntegerSemantics.md from
// arith ops on scalars or vectors of i32, so that every lowering (linalg
// bodies now, SIMD kernels later) emits the same contract.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_CONVERSION_LOWBITTOLINALG_REQUANTIZEARITH_H
#define LOWBIT_CONVERSION_LOWBITTOLINALG_REQUANTIZEARITH_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::lowbit {

/// The arithmetic used to multiply by the fixed-point multiplier.
enum class RequantizePath {
  /// i64 products: valid for every shift in [1, 62].
  I64,
  /// arith.mulsi_extended on i32: single rounding with every shift >= 32.
  I32,
};

/// Operands of one requantization; `multiplier` and `shift` are i32 values
/// (scalars, or vectors shaped like `accumulator`).
struct RequantizeOperands {
  Value accumulator;
  Value multiplier;
  Value shift;
  int32_t outputZeroPoint;
  int32_t clampMin;
  int32_t clampMax;
  RoundingMode rounding;
};

/// Returns clamp(round(acc * multiplier * 2^-shift) + Z, clampMin, clampMax)
/// as i32 (or a vector of i32), rounded per `operands.rounding`.
Value buildRequantize(OpBuilder &builder, Location loc,
                      const RequantizeOperands &operands,
                      RequantizePath path);

/// Whether `path` computes `op` exactly.
bool isRequantizePathExact(RequantizeOp op, RequantizePath path);

} // namespace mlir::lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOLINALG_REQUANTIZEARITH_H
