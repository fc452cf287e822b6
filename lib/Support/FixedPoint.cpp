//===- FixedPoint.cpp - Integer requantization arithmetic -------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// See docs/IntegerSemantics.md for the contract implemented here.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/FixedPoint.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>

using namespace lowbit;

// The definitions below rely on >> of a negative signed integer being an
// arithmetic (flooring) shift. C++20 guarantees it; every supported C++17
// compiler implements it.
static_assert((-5 >> 1) == -3 && (int64_t(-5) >> 1) == -3,
              "arithmetic right shift required");

// quantizeReal's contract is one IEEE binary32 division; excess precision
// (e.g. x87 without SSE) would change results near ties.
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "lowbit::quantizeReal requires FLT_EVAL_METHOD == 0"
#endif

bool lowbit::isValidFixedPointMultiplier(FixedPointMultiplier m) {
  return m.multiplier >= 0 && m.shift >= kMinFixedPointShift &&
         m.shift <= kMaxFixedPointShift;
}

std::optional<FixedPointMultiplier>
lowbit::computeFixedPointMultiplier(double realMultiplier) {
  if (std::isnan(realMultiplier) || std::isinf(realMultiplier) ||
      realMultiplier < 0.0)
    return std::nullopt;
  if (realMultiplier == 0.0)
    return FixedPointMultiplier{0, 31};

  int exponent = 0;
  double mantissa = std::frexp(realMultiplier, &exponent); // in [0.5, 1)
  // mantissa * 2^31 is exact (a scaling by a power of two of a value with a
  // 53-bit significand), so llround performs the only rounding.
  long long m0 = std::llround(std::ldexp(mantissa, 31));
  if (m0 == (1LL << 31)) {
    m0 = 1LL << 30;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift < kMinFixedPointShift)
    return std::nullopt;
  if (shift > kMaxFixedPointShift) {
    // Tiny multiplier: keep the largest shift and give up mantissa bits.
    // realMultiplier * 2^62 < 2^30 is exact, so again one rounding.
    shift = kMaxFixedPointShift;
    m0 = std::llround(std::ldexp(realMultiplier, kMaxFixedPointShift));
  }
  assert(m0 >= 0 && m0 < (1LL << 31) && "mantissa out of range");
  return FixedPointMultiplier{static_cast<int32_t>(m0),
                              static_cast<int32_t>(shift)};
}

int32_t lowbit::saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min())
    return std::numeric_limits<int32_t>::max();
  int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : (1 - (int64_t(1) << 30));
  // C++ integer division truncates toward zero, exactly as in gemmlowp.
  return static_cast<int32_t>((ab + nudge) / (int64_t(1) << 31));
}

int32_t lowbit::roundingDivideByPowerOfTwo(int32_t x, int exponent) {
  assert(exponent >= 0 && exponent <= 31 && "exponent out of range");
  const int32_t mask = static_cast<int32_t>((int64_t(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int64_t lowbit::multiplyByFixedPointSingleRound(int32_t x,
                                                FixedPointMultiplier m) {
  assert(isValidFixedPointMultiplier(m) && "invalid fixed-point multiplier");
  // |x * M0| <= 2^31 * (2^31 - 1) < 2^62 and 2^(n-1) <= 2^61: no overflow.
  int64_t product = static_cast<int64_t>(x) * m.multiplier;
  int64_t round = int64_t(1) << (m.shift - 1);
  return (product + round) >> m.shift;
}

int32_t lowbit::multiplyByFixedPointDoubleRound(int32_t x,
                                                FixedPointMultiplier m) {
  assert(isValidFixedPointMultiplier(m) && "invalid fixed-point multiplier");
  const int leftShift = std::max(31 - m.shift, 0);  // in [0, 30]
  const int rightShift = std::max(m.shift - 31, 0); // in [0, 31]
  // |x| * 2^30 <= 2^61: the unsaturated shift fits in int64.
  int32_t shifted = saturateCast<int32_t>(static_cast<int64_t>(x) *
                                          (int64_t(1) << leftShift));
  int32_t high = saturatingRoundingDoublingHighMul(shifted, m.multiplier);
  return roundingDivideByPowerOfTwo(high, rightShift);
}

int64_t lowbit::multiplyByFixedPoint(int32_t x, FixedPointMultiplier m,
                                     RoundingMode mode) {
  if (mode == RoundingMode::Double)
    return multiplyByFixedPointDoubleRound(x, m);
  return multiplyByFixedPointSingleRound(x, m);
}

int32_t lowbit::requantize(int32_t x, FixedPointMultiplier m,
                           int32_t outputZeroPoint, int32_t clampMin,
                           int32_t clampMax, RoundingMode mode) {
  assert(clampMin <= clampMax && "empty clamp range");
  // |scaled| < 2^61 + 1, so adding an int32 zero point cannot overflow.
  int64_t scaled = multiplyByFixedPoint(x, m, mode);
  int64_t shifted = scaled + outputZeroPoint;
  return static_cast<int32_t>(
      std::min<int64_t>(std::max<int64_t>(shifted, clampMin), clampMax));
}

bool lowbit::requantizePerChannel(
    const std::vector<int32_t> &accumulators,
    const std::vector<FixedPointMultiplier> &multipliers,
    int32_t outputZeroPoint, int32_t clampMin, int32_t clampMax,
    RoundingMode mode, std::vector<int32_t> &output) {
  const size_t numChannels = multipliers.size();
  if (numChannels == 0 || accumulators.size() % numChannels != 0 ||
      clampMin > clampMax)
    return false;
  for (FixedPointMultiplier m : multipliers)
    if (!isValidFixedPointMultiplier(m))
      return false;

  std::vector<int32_t> result(accumulators.size());
  for (size_t i = 0, e = accumulators.size(); i != e; ++i)
    result[i] = requantize(accumulators[i], multipliers[i % numChannels],
                           outputZeroPoint, clampMin, clampMax, mode);
  output = std::move(result);
  return true;
}

/// Rounds a finite double to the nearest integer, ties to even, independent
/// of the current floating-point rounding mode. All operations are exact for
/// values that came from a float.
static double roundHalfToEven(double value) {
  double lower = std::floor(value);
  double fraction = value - lower;
  if (fraction < 0.5)
    return lower;
  if (fraction > 0.5)
    return lower + 1.0;
  return std::fmod(lower, 2.0) == 0.0 ? lower : lower + 1.0;
}

int32_t lowbit::quantizeReal(float real, float scale, int32_t zeroPoint,
                             int32_t qmin, int32_t qmax) {
  assert(qmin <= qmax && "empty quantization range");
  const float quotient = real / scale; // One IEEE binary32 division.
  double shifted;
  if (std::isnan(quotient))
    shifted = zeroPoint;
  else if (std::isinf(quotient))
    shifted = quotient; // Saturates below.
  else
    // Exact while |quotient| < 2^53; larger values saturate anyway.
    shifted = roundHalfToEven(quotient) + static_cast<double>(zeroPoint);
  if (shifted <= qmin)
    return qmin;
  if (shifted >= qmax)
    return qmax;
  return static_cast<int32_t>(shifted);
}

float lowbit::dequantize(int32_t q, float scale, int32_t zeroPoint) {
  int64_t centered = static_cast<int64_t>(q) - zeroPoint;
  return scale * static_cast<float>(centered);
}
