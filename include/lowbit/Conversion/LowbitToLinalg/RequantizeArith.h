//===- RequantizeArith.h - Requantization as integer arith ------*- C++ -*-===//
//
// Builds the fixed-point requantization of docs/IntegerSemantics.md from
// arith ops on scalars or vectors of integers, so that every lowering
// (linalg bodies now, SIMD kernels later) emits the same contract.
//
// Every power of two the formulas need (rounding addends, masks, the
// left-shift factor) is derived from (M0, n) at compile time and enters as a
// parameter: the arithmetic never shifts by a per-channel amount to the left.
// (x86's baseline lowering of a variable vector `shl` goes through float
// conversions, which would break the integer-only promise.)
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

/// A per-channel constant of the requantization, derived from (M0, n).
enum class RequantizeParam {
  Multiplier,     // M0
  Shift,          // n
  RoundingAddend, // 2^(n-1)                      (single, i64 path)
  HighShift,      // n - 32                       (single, i32 path)
  HighAddend,     // 2^(n-33), or 0 when n = 32   (single, i32 path)
  LeftFactor,     // 2^max(31-n, 0)               (double)
  RightShift,     // max(n-31, 0)                 (double)
  RightMask,      // 2^max(n-31, 0) - 1           (double)
};
constexpr unsigned kNumRequantizeParams = 8;

/// The parameters `buildRequantize` reads for `rounding` on `path`.
SmallVector<RequantizeParam> getRequantizeParams(RoundingMode rounding,
                                                 RequantizePath path);
/// The value of `param` for one channel.
int64_t computeRequantizeParam(RequantizeParam param, int32_t multiplier,
                               int32_t shift);
/// The value of `param` for each channel of (multipliers, shifts).
/// `testPlantRoundingError` (tests only) makes the rounding addends one
/// smaller, so that ties round down.
SmallVector<int64_t> computeRequantizeParams(RequantizeParam param,
                                             ArrayRef<int32_t> multipliers,
                                             ArrayRef<int8_t> shifts,
                                             bool testPlantRoundingError);
/// Whether `param` is an i64 (else i32) value.
bool isWideRequantizeParam(RequantizeParam param);

/// The parameters `buildRequantize` reads for `rounding` on `path`, as
/// arith.constant ops for the vector kernels: with more than one channel
/// (per-channel multipliers) a [channels] tensor, padded with the last
/// channel's value, else a splat vector<lanes>.
SmallVector<std::pair<RequantizeParam, Value>> createRequantizeParamConstants(
    OpBuilder &builder, Location loc, RoundingMode rounding,
    RequantizePath path, ArrayRef<int32_t> multipliers,
    ArrayRef<int8_t> shifts, bool testPlantRoundingError, int64_t channels,
    int64_t lanes);

/// Operands of one requantization. `params[p]` holds RequantizeParam p (a
/// scalar, or a vector shaped like `accumulator`), for every p that
/// getRequantizeParams lists; the others may be null.
struct RequantizeOperands {
  Value accumulator;
  std::array<Value, kNumRequantizeParams> params;
  int32_t outputZeroPoint;
  int32_t clampMin;
  int32_t clampMax;
  RoundingMode rounding;
  /// The i32 path on a vector of an even number of lanes: form the 64-bit
  /// products M0 * x as two i64 multiplies, of the even lanes and of the
  /// odd lanes sign-extended in place, instead of arith.mulsi_extended.
  /// For x86 kernels: that is vpmuldq twice and two lane shuffles, where
  /// LLVM 22 widens mulsi_extended of vector<16xi32> through zero
  /// extensions, vpmuldq and narrowing (about twice the instructions). Not
  /// for AArch64, whose smull/smull2 take mulsi_extended as it is.
  bool evenOddProducts = false;
  /// The i32 path when every shift n is above 32 (known at compile time):
  /// no lane rounds on the carry out of the low half of the product
  /// (n - 32 = 0), so neither that carry nor the per-lane select between it
  /// and 2^(n-33) is formed. Per-channel parameters of the vector kernels
  /// are loaded at run time, where LLVM cannot see that.
  bool everyShiftAbove32 = false;
};

/// Returns clamp(round(acc * M0 * 2^-n) + Z, clampMin, clampMax) as i32 (or
/// a vector of i32), rounded per `operands.rounding`.
Value buildRequantize(OpBuilder &builder, Location loc,
                      const RequantizeOperands &operands,
                      RequantizePath path);

/// Whether `path` computes `op` exactly.
bool isRequantizePathExact(RequantizeOp op, RequantizePath path);
/// Whether `path` computes a requantization with these attributes exactly.
bool isRequantizePathExact(RoundingMode rounding, int64_t outputZeroPoint,
                           ArrayRef<int8_t> shifts, RequantizePath path);
/// The path of the vector kernels' fused requantization: I32 when
/// `allowI32` and exact for these attributes, else I64.
RequantizePath selectRequantizePath(bool allowI32, RoundingMode rounding,
                                    int64_t outputZeroPoint,
                                    ArrayRef<int8_t> shifts);

} // namespace mlir::lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOLINALG_REQUANTIZEARITH_H
