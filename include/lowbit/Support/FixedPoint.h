//===- FixedPoint.h - Integer requantization arithmetic ---------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Reference implementation of Lowbit's integer semantics: the fixed-point
// representation of a real requantization multiplier, the two rounding modes
// used to apply it to an int32 accumulator, and the float32 boundary
// functions quantizeReal / dequantize. The exact contract is written down in
// docs/IntegerSemantics.md; this file is its executable form and is what the
// compiler's lowerings and the test oracles are checked against.
//
// A quantized value q of some storage type represents the real number
// S * (q - Z). Requantization maps an int32 accumulator x to
// clamp(round(x * M) + Zout, clampMin, clampMax) where the real multiplier
// M = s_in * s_w / s_out is represented as M ~= M0 * 2^-n.
//
// Pure C++17; no LLVM or MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_SUPPORT_FIXEDPOINT_H
#define LOWBIT_SUPPORT_FIXEDPOINT_H

#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

namespace lowbit {

/// How a fixed-point multiplier is applied to an int32 accumulator.
enum class RoundingMode {
  /// One rounding of the exact product: floor((x * M0 + 2^(n-1)) / 2^n),
  /// i.e. round half toward +infinity. The default.
  Single,
  /// gemmlowp / TFLite reference: saturating left shift, rounding doubling
  /// high multiply (round half toward +infinity), then rounding right shift
  /// (round half away from zero). Two roundings when n > 31.
  Double,
};

/// A positive real multiplier M represented as M ~= multiplier * 2^-shift.
///
/// Valid values have multiplier in [0, 2^31) and shift in [1, 62]. Values
/// produced by computeFixedPointMultiplier have multiplier in [2^30, 2^31)
/// except for tiny multipliers (M < 2^-32 - 2^-64), which get shift = 62 and
/// multiplier = round(M * 2^62) in [0, 2^30], and for M == 0, which gets
/// {0, 31}.
struct FixedPointMultiplier {
  /// M0, the Q0.31 mantissa.
  int32_t multiplier = 0;
  /// n, the total right shift.
  int32_t shift = 0;

  friend bool operator==(FixedPointMultiplier lhs, FixedPointMultiplier rhs) {
    return lhs.multiplier == rhs.multiplier && lhs.shift == rhs.shift;
  }
  friend bool operator!=(FixedPointMultiplier lhs, FixedPointMultiplier rhs) {
    return !(lhs == rhs);
  }
};

/// Smallest and largest total right shift accepted by the arithmetic below.
constexpr int32_t kMinFixedPointShift = 1;
constexpr int32_t kMaxFixedPointShift = 62;

/// Returns true if \p m satisfies multiplier in [0, 2^31) and shift in
/// [1, 62], the precondition of every function applying a multiplier.
bool isValidFixedPointMultiplier(FixedPointMultiplier m);

/// Converts the real multiplier \p realMultiplier to (M0, n).
///
/// For finite M > 0: M = m * 2^e with m in [0.5, 1) (std::frexp),
/// M0 = round_half_away(m * 2^31) (exact in double), and if M0 == 2^31 then
/// M0 = 2^30, e += 1. n = 31 - e.
///  - n > 62 (M < 2^-32 - 2^-64): n = 62, M0 = round_half_away(M * 2^62),
///    which lies in [0, 2^30] and is 0 for M < 2^-63.
///  - n < 1 (M >= 2^30 - 2^-2): not representable, returns std::nullopt.
/// M == 0 (either sign) returns {0, 31}, which maps every accumulator to 0.
/// Negative, NaN and infinite M return std::nullopt.
std::optional<FixedPointMultiplier>
computeFixedPointMultiplier(double realMultiplier);

/// Clamps \p value to the range of the integer type T.
template <typename T> constexpr T saturateCast(int64_t value) {
  static_assert(std::is_integral<T>::value && !std::is_same<T, bool>::value,
                "saturateCast needs an integer storage type");
  static_assert(sizeof(T) < sizeof(int64_t) || std::is_signed<T>::value,
                "saturateCast target range must fit in int64_t");
  constexpr int64_t lowest =
      static_cast<int64_t>(std::numeric_limits<T>::min());
  constexpr int64_t highest =
      static_cast<int64_t>(std::numeric_limits<T>::max());
  if (value < lowest)
    return static_cast<T>(lowest);
  if (value > highest)
    return static_cast<T>(highest);
  return static_cast<T>(value);
}

/// gemmlowp's SaturatingRoundingDoublingHighMul: the high 32 bits of 2*a*b,
/// rounded. Returns INT32_MAX for a == b == INT32_MIN; otherwise, with
/// ab = (int64)a * b and nudge = ab >= 0 ? 2^30 : 1 - 2^30, returns
/// (ab + nudge) / 2^31 with C++ truncating division. This equals
/// floor((ab + 2^30) / 2^31): round half toward +infinity of ab / 2^31.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);

/// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties
/// away from zero. \p exponent must be in [0, 31].
int32_t roundingDivideByPowerOfTwo(int32_t x, int exponent);

/// Single rounding: floor((x * M0 + 2^(n-1)) / 2^n) computed exactly in
/// int64 (|x * M0| < 2^62). The result differs from the exact x * M0 * 2^-n
/// by a value in (-1/2, 1/2]; ties go toward +infinity.
int64_t multiplyByFixedPointSingleRound(int32_t x, FixedPointMultiplier m);

/// Double rounding (gemmlowp / TFLite MultiplyByQuantizedMultiplier):
/// left = max(31 - n, 0), right = max(n - 31, 0);
/// roundingDivideByPowerOfTwo(
///     saturatingRoundingDoublingHighMul(sat32(x * 2^left), M0), right).
int32_t multiplyByFixedPointDoubleRound(int32_t x, FixedPointMultiplier m);

/// Dispatches to the single or double rounding function.
int64_t multiplyByFixedPoint(int32_t x, FixedPointMultiplier m,
                             RoundingMode mode);

/// Full requantization of one accumulator:
/// clamp(multiplyByFixedPoint(x, m, mode) + outputZeroPoint, clampMin,
/// clampMax), computed in int64. [clampMin, clampMax] is the storage range
/// intersected with the activation range (e.g. ReLU: clampMin = Zout) and
/// must be non-empty.
int32_t requantize(int32_t x, FixedPointMultiplier m, int32_t outputZeroPoint,
                   int32_t clampMin, int32_t clampMax,
                   RoundingMode mode = RoundingMode::Single);

/// Per-channel requantization of a row-major tensor whose innermost
/// (fastest varying) dimension is the channel: element i uses
/// multipliers[i % multipliers.size()]. Writes accumulators.size() values to
/// \p output. Returns false, leaving \p output untouched, if multipliers is
/// empty, accumulators.size() is not a multiple of multipliers.size(), a
/// multiplier is invalid, or clampMin > clampMax.
bool requantizePerChannel(const std::vector<int32_t> &accumulators,
                          const std::vector<FixedPointMultiplier> &multipliers,
                          int32_t outputZeroPoint, int32_t clampMin,
                          int32_t clampMax, RoundingMode mode,
                          std::vector<int32_t> &output);

/// Float boundary, real -> quantized:
/// clamp(roundHalfToEven(r / scale) + zeroPoint, qmin, qmax), where r / scale
/// is one IEEE binary32 division. NaN (including a NaN quotient, e.g.
/// 0 / 0) maps to clamp(zeroPoint, qmin, qmax); +-infinity saturate. Does
/// not depend on the floating-point rounding mode. Requires qmin <= qmax.
int32_t quantizeReal(float real, float scale, int32_t zeroPoint, int32_t qmin,
                     int32_t qmax);

/// Float boundary, quantized -> real: scale * (float)(q - zeroPoint) in
/// binary32. The difference is formed in int64 so it cannot overflow, then
/// rounded to float.
float dequantize(int32_t q, float scale, int32_t zeroPoint);

} // namespace lowbit

#endif // LOWBIT_SUPPORT_FIXEDPOINT_H
