//===- FixedPointTest.cpp - Tests for integer requantization ----*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Checks lowbit/Support/FixedPoint.h against independent exact models built
// on 128-bit integers, and pins the contract of docs/IntegerSemantics.md with
// hand-worked examples.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/FixedPoint.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <random>

using namespace lowbit;

namespace {

__extension__ typedef __int128 Int128;

constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kTwoPow30 = int32_t(1) << 30;

Int128 pow2(int exponent) { return Int128(1) << exponent; }

/// floor(numerator / denominator) for denominator > 0, from C++'s truncating
/// division and remainder (no shifts, so independent of the code under test).
Int128 floorDiv(Int128 numerator, Int128 denominator) {
  Int128 quotient = numerator / denominator;
  if (numerator % denominator != 0 && numerator < 0)
    --quotient;
  return quotient;
}

//===----------------------------------------------------------------------===//
// Exact models
//===----------------------------------------------------------------------===//

/// Single rounding: floor((x * M0 + 2^(n-1)) / 2^n).
Int128 modelSingle(int32_t x, int32_t m0, int n) {
  return floorDiv(Int128(x) * m0 + pow2(n - 1), pow2(n));
}

/// Double rounding, written from the two-step definition: saturate x * 2^left
/// to int32, round x' * M0 / 2^31 half toward +infinity (saturating only for
/// INT32_MIN * INT32_MIN), then divide by 2^right rounding half away from zero
/// (on the magnitude).
Int128 modelDouble(int32_t x, int32_t m0, int n) {
  int left = n < 31 ? 31 - n : 0;
  int right = n > 31 ? n - 31 : 0;
  Int128 shifted = Int128(x) * pow2(left);
  if (shifted > kInt32Max)
    shifted = kInt32Max;
  if (shifted < kInt32Min)
    shifted = kInt32Min;
  Int128 high = floorDiv(shifted * m0 + pow2(30), pow2(31));
  if (high > kInt32Max)
    high = kInt32Max;
  if (right == 0)
    return high;
  Int128 magnitude = high < 0 ? -high : high;
  Int128 rounded = floorDiv(magnitude + pow2(right - 1), pow2(right));
  return high < 0 ? -rounded : rounded;
}

/// Closed one-step form of double rounding (TOSA apply_scale_32 with
/// double_round): floor((p + 2^(n-1) + c) / 2^n) with p = x * M0 and
/// c = 0 for n <= 31, +2^30 for n > 31 and p >= 0, -2^30 for n > 31 and
/// p < 0. Equal to modelDouble except when the n <= 31 left shift saturates.
Int128 modelDoubleOneStep(int32_t x, int32_t m0, int n) {
  Int128 product = Int128(x) * m0;
  Int128 round = pow2(n - 1);
  if (n > 31)
    round += product >= 0 ? pow2(30) : -pow2(30);
  return floorDiv(product + round, pow2(n));
}

/// True if the double-rounding left shift x * 2^(31-n) leaves int32.
bool leftShiftSaturates(int32_t x, int n) {
  if (n >= 31)
    return false;
  Int128 shifted = Int128(x) * pow2(31 - n);
  return shifted > kInt32Max || shifted < kInt32Min;
}

/// The 32-bit lowering of single rounding for n >= 32, from the two words of
/// the signed 32x32->64 product (arith.mulsi_extended): n == 32 adds the top
/// bit of the low word to the high word; n = 32 + s, s >= 1, rounds the high
/// word alone: (hi + 2^(s-1)) >> s.
int32_t singleRoundFrom32BitWords(int32_t x, int32_t m0, int n) {
  int64_t product = int64_t(x) * m0;
  int32_t hi = static_cast<int32_t>(product >> 32);
  uint32_t lo = static_cast<uint32_t>(product);
  if (n == 32)
    return hi + static_cast<int32_t>(lo >> 31);
  int s = n - 32;
  return (hi + (int32_t(1) << (s - 1))) >> s;
}

//===----------------------------------------------------------------------===//
// Case generation
//===----------------------------------------------------------------------===//

struct Case {
  int32_t x;
  int32_t m0;
  int n;
};

/// Deterministic mix of uniform and adversarial inputs. Uses only
/// std::mt19937_64's raw output (fully specified by the standard), so the
/// sequence is the same with every standard library.
class CaseGenerator {
public:
  explicit CaseGenerator(uint64_t seed) : rng(seed) {}

  Case next() {
    uint64_t kind = uniform(0, 99);
    if (kind < 10)
      return nextTie();
    if (kind < 13)
      return nextDoubleRoundingWorstCase();
    Case c{nextX(), nextMultiplier(), nextShift()};
    // For n < 31 a uniform x mostly saturates the double-rounding left shift
    // x * 2^(31-n); bring half of those cases back into range.
    if (c.n < 31 && uniform(0, 1))
      c.x >>= 31 - c.n;
    return c;
  }

  int64_t uniform(int64_t lo, int64_t hi) {
    uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(rng() % span);
  }

private:
  std::mt19937_64 rng;

  int32_t nextX() {
    static const int32_t edges[] = {
        kInt32Min, kInt32Min + 1, kInt32Max, kInt32Max - 1, 0, 1, -1, 2,
        -2,        kTwoPow30,     -kTwoPow30};
    uint64_t kind = uniform(0, 99);
    if (kind < 70)
      return static_cast<int32_t>(uniform(kInt32Min, kInt32Max));
    if (kind < 85)
      return edges[uniform(0, std::size(edges) - 1)];
    int64_t bound = int64_t(1) << uniform(0, 30);
    return static_cast<int32_t>(uniform(-bound, bound));
  }

  int32_t nextMultiplier() {
    static const int32_t edges[] = {kTwoPow30, kTwoPow30 + 1, kInt32Max,
                                    3 << 29};
    uint64_t kind = uniform(0, 99);
    if (kind < 85)
      return static_cast<int32_t>(uniform(kTwoPow30, kInt32Max));
    if (kind < 95)
      return edges[uniform(0, std::size(edges) - 1)];
    // Non-canonical small mantissas, as produced for tiny multipliers.
    return static_cast<int32_t>(uniform(0, kTwoPow30 - 1));
  }

  int nextShift() {
    static const int edges[] = {1, 2, 30, 31, 32, 33, 61, 62};
    if (uniform(0, 99) < 70)
      return static_cast<int>(uniform(1, 62));
    return edges[uniform(0, std::size(edges) - 1)];
  }

  /// Random odd number in [lo, hi), lo < hi, lo >= 1.
  int64_t oddIn(int64_t lo, int64_t hi) {
    int64_t v = uniform(lo, hi - 1) | 1;
    return v < hi ? v : v - 2;
  }

  /// An int32 x and M0 in [2^30, 2^31) with x * M0 = +-odd * 2^level,
  /// level in [0, 61], as x = +-odd * 2^b and M0 = odd' * 2^c, b + c = level.
  /// Returns false if the level cannot be reached.
  bool productWithTwoAdicLevel(int level, int32_t &x, int32_t &m0) {
    int cLo = std::max(0, level - 31), cHi = std::min(30, level);
    if (cLo > cHi)
      return false;
    int c = static_cast<int>(uniform(cLo, cHi));
    int b = level - c;
    m0 = static_cast<int32_t>(
        oddIn(int64_t(1) << (30 - c), int64_t(1) << (31 - c)) << c);
    if (b == 31) {
      x = kInt32Min;
      return true;
    }
    int64_t magnitude = oddIn(1, int64_t(1) << (31 - b)) << b;
    x = static_cast<int32_t>(uniform(0, 1) ? magnitude : -magnitude);
    return true;
  }

  /// Exact ties: x * M0 is an odd multiple of 2^(n-1) (final tie; also a
  /// step-2 tie of double rounding) or of 2^30 (step-1 tie of double
  /// rounding when n > 31).
  Case nextTie() {
    for (;;) {
      int n = static_cast<int>(uniform(1, 62));
      int level = uniform(0, 1) ? n - 1 : 30;
      Case c{0, 0, n};
      if (productWithTwoAdicLevel(level, c.x, c.m0))
        return c;
    }
  }

  /// Inputs where both roundings of double rounding go up:
  /// M0 = 2^30, x = k * 2^r - 1 (k odd, r = n - 31), so x * M0 / 2^31 is a
  /// tie rounding up to k * 2^(r-1), itself a tie for the second step.
  Case nextDoubleRoundingWorstCase() {
    int r = static_cast<int>(uniform(1, 31));
    int64_t kMax = ((int64_t(1) << 31) >> r); // k * 2^r - 1 <= INT32_MAX.
    int64_t k = oddIn(1, kMax + 1);
    return {static_cast<int32_t>((k << r) - 1), kTwoPow30, 31 + r};
  }
};

/// A random signed odd multiple of 2^s, s in [0, 30], that fits in int32.
int32_t randomOddMultiple(CaseGenerator &gen, int s) {
  int64_t bound = int64_t(1) << (30 - s);
  int64_t odd = 2 * gen.uniform(-bound, bound - 1) + 1;
  return static_cast<int32_t>(odd * (int64_t(1) << s));
}

constexpr int kRandomCases = 10'000'000;

/// Mantissas and shifts swept exhaustively against small accumulators.
const int32_t kSweepMultipliers[] = {
    0, 1, kTwoPow30 - 1, kTwoPow30, kTwoPow30 + 1, 3 << 29, kInt32Max};

//===----------------------------------------------------------------------===//
// Single rounding
//===----------------------------------------------------------------------===//

/// Checks one single-rounding case; returns the number of failed properties.
int checkSingle(const Case &c, Int128 &maxError, Int128 &minError) {
  int failures = 0;
  FixedPointMultiplier m{c.m0, c.n};
  int64_t y = multiplyByFixedPointSingleRound(c.x, m);
  if (Int128(y) != modelSingle(c.x, c.m0, c.n))
    ++failures;
  // Error versus the exact product x * M0 * 2^-n, in units of 2^-n:
  // -2^(n-1) < y * 2^n - x * M0 <= 2^(n-1), i.e. (-1/2, 1/2], ties up.
  Int128 error = Int128(y) * pow2(c.n) - Int128(c.x) * c.m0;
  if (!(error > -pow2(c.n - 1) && error <= pow2(c.n - 1)))
    ++failures;
  // Track the extremes in units of 2^-62 LSB.
  maxError = std::max(maxError, error * pow2(62 - c.n));
  minError = std::min(minError, error * pow2(62 - c.n));
  if (c.n >= 32 &&
      singleRoundFrom32BitWords(c.x, c.m0, c.n) != static_cast<int32_t>(y))
    ++failures;
  return failures;
}

double errorInLsb(Int128 errorTimes2Pow62) {
  return std::ldexp(static_cast<double>(errorTimes2Pow62), -62);
}

TEST(SingleRoundingTest, RandomAgainstExactModel) {
  CaseGenerator gen(0x5eed5157u);
  Int128 maxError = 0, minError = 0;
  long mismatches = 0;
  for (int i = 0; i < kRandomCases; ++i)
    mismatches += checkSingle(gen.next(), maxError, minError) != 0;
  EXPECT_EQ(mismatches, 0);
  // Ties are generated, so the upper end of (-1/2, 1/2] is reached.
  EXPECT_EQ(maxError, pow2(61));
  EXPECT_GT(minError, -pow2(61));
  std::printf("[          ] single rounding: %d random cases, error in "
              "[%.17g, %.17g] LSB\n",
              kRandomCases, errorInLsb(minError), errorInLsb(maxError));
}

TEST(SingleRoundingTest, SweepSmallAccumulators) {
  Int128 maxError = 0, minError = 0;
  long mismatches = 0, cases = 0;
  for (int32_t m0 : kSweepMultipliers)
    for (int n = 1; n <= 62; ++n)
      for (int32_t x = -4096; x <= 4096; ++x, ++cases)
        mismatches += checkSingle({x, m0, n}, maxError, minError) != 0;
  for (int32_t m0 : kSweepMultipliers)
    for (int n = 1; n <= 62; ++n)
      for (int32_t x : {kInt32Min, kInt32Min + 1, kInt32Max, kInt32Max - 1}) {
        ++cases;
        mismatches += checkSingle({x, m0, n}, maxError, minError) != 0;
      }
  EXPECT_EQ(mismatches, 0) << "out of " << cases;
}

TEST(SingleRoundingTest, ExtremesDoNotOverflow) {
  // Largest magnitudes: |x * M0| = 2^31 * (2^31 - 1) with n = 1.
  FixedPointMultiplier m{kInt32Max, 1};
  EXPECT_EQ(multiplyByFixedPointSingleRound(kInt32Min, m),
            -(int64_t(1) << 61) + (int64_t(1) << 30));
  EXPECT_EQ(multiplyByFixedPointSingleRound(kInt32Max, m),
            int64_t((Int128(kInt32Max) * kInt32Max + 1) >> 1));
  // x = INT32_MIN, M0 = 2^30, n = 62: exactly -1/2, a tie, rounds up to 0.
  EXPECT_EQ(multiplyByFixedPointSingleRound(kInt32Min, {kTwoPow30, 62}), 0);
}

//===----------------------------------------------------------------------===//
// Double rounding
//===----------------------------------------------------------------------===//

/// Bounds on y * 2^n - x * M0 for double rounding when the left shift does
/// not saturate, derived from the one-step form:
///   n <= 31:          (-2^(n-1), 2^(n-1)]                   (single rounding)
///   n > 31, p >= 0:   (-2^(n-1) + 2^30, 2^(n-1) + 2^30]
///   n > 31, p < 0:    (-2^(n-1) - 2^30, 2^(n-1) - 2^30]
/// i.e. |error| <= 1/2 + 2^(30-n) <= 3/4 LSB.
void doubleErrorBounds(int32_t x, int32_t m0, int n, Int128 &lower,
                       Int128 &upper) {
  Int128 offset = 0;
  if (n > 31)
    offset = Int128(x) * m0 >= 0 ? pow2(30) : -pow2(30);
  lower = -pow2(n - 1) + offset; // Exclusive.
  upper = pow2(n - 1) + offset;  // Inclusive.
}

int checkDouble(const Case &c, Int128 &maxError, Int128 &minError,
                long &upperBoundHits, long &saturatedCases) {
  int failures = 0;
  FixedPointMultiplier m{c.m0, c.n};
  int32_t y = multiplyByFixedPointDoubleRound(c.x, m);
  if (Int128(y) != modelDouble(c.x, c.m0, c.n))
    ++failures;
  int64_t single = multiplyByFixedPointSingleRound(c.x, m);
  if (leftShiftSaturates(c.x, c.n)) {
    // Saturated x' = INT32_MAX or INT32_MIN gives M0 (M0 - 1 if M0 > 2^30)
    // or -M0; the exact product is at least M0 in magnitude, so the single
    // rounding result is too.
    ++saturatedCases;
    // (INT32_MAX * M0 + 2^30) / 2^31 rounds down to M0 - 1 when M0 > 2^30.
    int64_t expected = c.x > 0 ? c.m0 - (c.m0 > kTwoPow30) : -int64_t(c.m0);
    if (y != expected)
      ++failures;
    if (c.x > 0 ? single < c.m0 : single > -int64_t(c.m0))
      ++failures;
    return failures;
  }
  if (Int128(y) != modelDoubleOneStep(c.x, c.m0, c.n))
    ++failures;
  Int128 lower, upper;
  doubleErrorBounds(c.x, c.m0, c.n, lower, upper);
  Int128 error = Int128(y) * pow2(c.n) - Int128(c.x) * c.m0;
  if (!(error > lower && error <= upper))
    ++failures;
  upperBoundHits += error == upper && c.n > 31;
  maxError = std::max(maxError, error * pow2(62 - c.n));
  minError = std::min(minError, error * pow2(62 - c.n));
  // Without saturation: identical to single rounding for n <= 31, and at
  // most one unit away from it otherwise.
  if (c.n <= 31 ? y != single : (y - single > 1 || single - y > 1))
    ++failures;
  return failures;
}

TEST(DoubleRoundingTest, RandomAgainstExactModel) {
  CaseGenerator gen(0xd0ab1e5eedu);
  Int128 maxError = 0, minError = 0;
  long mismatches = 0, upperBoundHits = 0, saturated = 0;
  for (int i = 0; i < kRandomCases; ++i)
    mismatches += checkDouble(gen.next(), maxError, minError, upperBoundHits,
                              saturated) != 0;
  EXPECT_EQ(mismatches, 0);
  // The worst-case generator reaches the bound 1/2 + 2^(30-n) exactly; the
  // largest such value is 3/4 at n = 32.
  EXPECT_GT(upperBoundHits, 0);
  EXPECT_EQ(maxError, pow2(61) + pow2(60));
  EXPECT_GT(minError, -(pow2(61) + pow2(60)));
  EXPECT_GT(saturated, 0);
  std::printf("[          ] double rounding: %d random cases (%ld with "
              "saturated left shift), error in [%.17g, %.17g] LSB, "
              "%ld cases on the upper bound\n",
              kRandomCases, saturated, errorInLsb(minError),
              errorInLsb(maxError), upperBoundHits);
}

TEST(DoubleRoundingTest, SweepSmallAccumulators) {
  Int128 maxError = 0, minError = 0;
  long mismatches = 0, cases = 0, hits = 0, saturated = 0;
  for (int32_t m0 : kSweepMultipliers)
    for (int n = 1; n <= 62; ++n)
      for (int32_t x = -4096; x <= 4096; ++x, ++cases)
        mismatches +=
            checkDouble({x, m0, n}, maxError, minError, hits, saturated) != 0;
  for (int32_t m0 : kSweepMultipliers)
    for (int n = 1; n <= 62; ++n)
      for (int32_t x : {kInt32Min, kInt32Min + 1, kInt32Max, kInt32Max - 1}) {
        ++cases;
        mismatches +=
            checkDouble({x, m0, n}, maxError, minError, hits, saturated) != 0;
      }
  EXPECT_EQ(mismatches, 0) << "out of " << cases;
}

TEST(DoubleRoundingTest, SaturationOnlyAffectsHugeResults) {
  // n = 1 shifts left by 30: x = 2 already saturates to INT32_MAX, and the
  // result is M0 (the exact value is 2 * M0 / 2 = M0 as well).
  EXPECT_EQ(multiplyByFixedPointDoubleRound(2, {kTwoPow30, 1}), kTwoPow30);
  EXPECT_EQ(multiplyByFixedPointDoubleRound(5, {kTwoPow30, 1}), kTwoPow30);
  EXPECT_EQ(multiplyByFixedPointSingleRound(5, {kTwoPow30, 1}),
            int64_t{5} * kTwoPow30 / 2);
  EXPECT_EQ(multiplyByFixedPointDoubleRound(-5, {kTwoPow30, 1}), -kTwoPow30);
  // After clamping to a storage type of at most 16 bits both modes agree.
  CaseGenerator gen(42);
  long mismatches = 0;
  for (int i = 0; i < 100000; ++i) {
    int n = static_cast<int>(gen.uniform(1, 30));
    int32_t m0 = static_cast<int32_t>(gen.uniform(kTwoPow30, kInt32Max));
    int32_t x = static_cast<int32_t>(gen.uniform(kInt32Min, kInt32Max));
    int32_t zp = static_cast<int32_t>(gen.uniform(-32768, 32767));
    FixedPointMultiplier m{m0, n};
    mismatches += requantize(x, m, zp, -32768, 32767, RoundingMode::Single) !=
                  requantize(x, m, zp, -32768, 32767, RoundingMode::Double);
  }
  EXPECT_EQ(mismatches, 0);
}

//===----------------------------------------------------------------------===//
// gemmlowp primitives
//===----------------------------------------------------------------------===//

TEST(PrimitivesTest, SaturatingRoundingDoublingHighMul) {
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kInt32Min, kInt32Min), kInt32Max);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kInt32Min, kInt32Max),
            kInt32Min + 1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kInt32Max, kInt32Max),
            kInt32Max - 1);
  // 2^30 * 1 / 2^31 = 1/2 rounds up to 1; -1/2 rounds up to 0.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kTwoPow30, 1), 1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-kTwoPow30, 1), 0);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-kTwoPow30 - 1, 1), -1);
  // Any signs: equals floor((a * b + 2^30) / 2^31).
  CaseGenerator gen(7);
  long mismatches = 0;
  for (int i = 0; i < 1000000; ++i) {
    int32_t a = static_cast<int32_t>(gen.uniform(kInt32Min, kInt32Max));
    int32_t b = static_cast<int32_t>(gen.uniform(kInt32Min, kInt32Max));
    if (i % 4 == 1) {
      // a * b = odd * 2^30: an exact tie.
      int s = static_cast<int>(gen.uniform(0, 30));
      a = randomOddMultiple(gen, s);
      b = randomOddMultiple(gen, 30 - s);
    }
    if (a == kInt32Min && b == kInt32Min)
      continue;
    Int128 expected = floorDiv(Int128(a) * b + pow2(30), pow2(31));
    mismatches += Int128(saturatingRoundingDoublingHighMul(a, b)) != expected;
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(PrimitivesTest, RoundingDivideByPowerOfTwo) {
  EXPECT_EQ(roundingDivideByPowerOfTwo(5, 1), 3);   // 2.5 -> 3
  EXPECT_EQ(roundingDivideByPowerOfTwo(-5, 1), -3); // -2.5 -> -3
  EXPECT_EQ(roundingDivideByPowerOfTwo(-3, 2), -1); // -0.75 -> -1
  EXPECT_EQ(roundingDivideByPowerOfTwo(kInt32Min, 31), -1);
  EXPECT_EQ(roundingDivideByPowerOfTwo(-kTwoPow30, 31), -1); // -1/2 -> -1
  EXPECT_EQ(roundingDivideByPowerOfTwo(kTwoPow30, 31), 1);   // 1/2 -> 1
  EXPECT_EQ(roundingDivideByPowerOfTwo(kTwoPow30 - 1, 31), 0);
  EXPECT_EQ(roundingDivideByPowerOfTwo(kInt32Max, 31), 1);
  EXPECT_EQ(roundingDivideByPowerOfTwo(kInt32Max, 0), kInt32Max);
  CaseGenerator gen(11);
  long mismatches = 0;
  for (int i = 0; i < 1000000; ++i) {
    int32_t x = static_cast<int32_t>(gen.uniform(kInt32Min, kInt32Max));
    int e = static_cast<int>(gen.uniform(0, 31));
    if (i % 2) {
      // Ties: an odd multiple of 2^(e-1), when it fits in int32.
      int64_t tie = gen.uniform(-2, 2) * (int64_t(1) << e) +
                    (e ? (int64_t(1) << (e - 1)) : 0);
      if (tie >= kInt32Min && tie <= kInt32Max)
        x = static_cast<int32_t>(tie);
    }
    Int128 magnitude = x < 0 ? -Int128(x) : Int128(x);
    Int128 rounded =
        e == 0 ? magnitude : floorDiv(magnitude + pow2(e - 1), pow2(e));
    Int128 expected = x < 0 ? -rounded : rounded;
    mismatches += Int128(roundingDivideByPowerOfTwo(x, e)) != expected;
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(PrimitivesTest, SaturateCast) {
  EXPECT_EQ(saturateCast<int8_t>(200), 127);
  EXPECT_EQ(saturateCast<int8_t>(-200), -128);
  EXPECT_EQ(saturateCast<int8_t>(-5), -5);
  EXPECT_EQ(saturateCast<uint8_t>(-1), 0);
  EXPECT_EQ(saturateCast<uint8_t>(300), 255);
  EXPECT_EQ(saturateCast<int16_t>(-40000), -32768);
  EXPECT_EQ(saturateCast<uint16_t>(70000), 65535);
  EXPECT_EQ(saturateCast<int32_t>(int64_t(1) << 40), kInt32Max);
  EXPECT_EQ(saturateCast<int32_t>(-(int64_t(1) << 40)), kInt32Min);
  EXPECT_EQ(saturateCast<uint32_t>(int64_t(1) << 40), 0xffffffffu);
  EXPECT_EQ(saturateCast<int64_t>(std::numeric_limits<int64_t>::min()),
            std::numeric_limits<int64_t>::min());
  static_assert(saturateCast<int8_t>(128) == 127, "usable in constexpr");
}

//===----------------------------------------------------------------------===//
// Hand-worked examples (also in docs/IntegerSemantics.md)
//===----------------------------------------------------------------------===//

struct WorkedExample {
  int32_t x;
  FixedPointMultiplier m;
  int64_t single;
  int64_t dbl;
};

// M0 = 2^30 with n = 31 is M = 1/2; with n = 32 it is M = 1/4.
const WorkedExample kWorkedExamples[] = {
    // 5 * 1/2 = 2.5. Single: (5*2^30 + 2^30) >> 31 = 6*2^30 >> 31 = 3.
    // Double: n = 31, so left = right = 0 and only the high multiply
    // rounds: (5*2^30 + 2^30) / 2^31 = 3.
    {5, {kTwoPow30, 31}, 3, 3},
    // -5 * 1/2 = -2.5. Single: (-5*2^30 + 2^30) >> 31 = -4*2^30 >> 31 = -2.
    // Double: (-5*2^30 + 1 - 2^30) / 2^31 = -2.99.. truncates to -2.
    {-5, {kTwoPow30, 31}, -2, -2},
    // 3 * 1/2 = 1.5 -> 2 in both modes; -1.5 -> -1 in both modes.
    {3, {kTwoPow30, 31}, 2, 2},
    {-3, {kTwoPow30, 31}, -1, -1},
    // 10 * 1/4 = 2.5. Single: (10*2^30 + 2^31) >> 32 = 12*2^30 >> 32 = 3.
    // Double: h = (10*2^30 + 2^30) / 2^31 = 5 (5.5 truncated), right = 1,
    // 5 / 2 = 2.5 -> 3 (away from zero).
    {10, {kTwoPow30, 32}, 3, 3},
    // -10 * 1/4 = -2.5. Single: (-10*2^30 + 2^31) >> 32 = -8*2^30 >> 32 =
    // -2. Double: h = (-10*2^30 + 1 - 2^30) / 2^31 = -5 (-5.49.. truncated),
    // -5 / 2 = -2.5 -> -3 (away from zero).
    {-10, {kTwoPow30, 32}, -2, -3},
    // 5 * 1/4 = 1.25. Single: 7*2^30 >> 32 = 1. Double: h = 6*2^30 / 2^31
    // = 3 (2.5 rounded up), 3 / 2 = 1.5 -> 2: error 3/4, the worst case.
    {5, {kTwoPow30, 32}, 1, 2},
    // -5 * 1/4 = -1.25. Single: -3*2^30 >> 32 = -1. Double: h = (-6*2^30 +
    // 1) / 2^31 = -2 (-2.99.. truncated), -2 / 2 = -1.
    {-5, {kTwoPow30, 32}, -1, -1},
    // INT32_MIN * 2^30 * 2^-62 = -1/2. Single: (-2^61 + 2^61) >> 62 = 0.
    // Double: right = 31, h = (-2^61 + 1 - 2^30) / 2^31 = -2^30 (truncated),
    // -2^30 / 2^31 = -1/2 -> -1.
    {kInt32Min, {kTwoPow30, 62}, 0, -1},
    // 7 * 0.75 = 5.25 -> 5 (M0 = 3*2^29, n = 31).
    {7, {3 << 29, 31}, 5, 5},
};

int64_t applyVariant(int variant, int32_t x, FixedPointMultiplier m) {
  Int128 p = Int128(x) * m.multiplier;
  int n = m.shift;
  Int128 half = pow2(n - 1), one = pow2(n);
  switch (variant) {
  case 0: // Round half down.
    return static_cast<int64_t>(floorDiv(p + half - 1, one));
  case 1: // Round half away from zero in one step.
    return static_cast<int64_t>(p < 0 ? -floorDiv(-p + half, one)
                                      : floorDiv(p + half, one));
  case 2: { // Round half to even in one step.
    Int128 q = floorDiv(p, one), r = p - q * one;
    return static_cast<int64_t>(r > half || (r == half && (q & 1)) ? q + 1 : q);
  }
  case 3: // Truncate toward zero.
    return static_cast<int64_t>(p / one);
  case 4: { // Double rounding with half-up in the second step.
    int32_t h = saturatingRoundingDoublingHighMul(x, m.multiplier);
    int right = std::max(n - 31, 0);
    return right == 0 ? h
                      : static_cast<int64_t>(
                            floorDiv(Int128(h) + pow2(right - 1), pow2(right)));
  }
  default: // Double rounding with a plain (floor) high multiply.
  {
    int right = std::max(n - 31, 0);
    int32_t h = static_cast<int32_t>(floorDiv(p, pow2(31)));
    return roundingDivideByPowerOfTwo(h, right);
  }
  }
}

TEST(WorkedExamplesTest, BothModes) {
  for (const WorkedExample &e : kWorkedExamples) {
    EXPECT_EQ(multiplyByFixedPointSingleRound(e.x, e.m), e.single)
        << "x=" << e.x << " M0=" << e.m.multiplier << " n=" << e.m.shift;
    EXPECT_EQ(multiplyByFixedPointDoubleRound(e.x, e.m), e.dbl)
        << "x=" << e.x << " M0=" << e.m.multiplier << " n=" << e.m.shift;
  }
}

TEST(WorkedExamplesTest, WrongRoundingVariantsAreCaught) {
  // Variants 0-3 are single-rounding impostors, 4-5 double-rounding ones.
  for (int variant = 0; variant <= 5; ++variant) {
    bool isDouble = variant >= 4;
    int disagreements = 0;
    for (const WorkedExample &e : kWorkedExamples)
      disagreements +=
          applyVariant(variant, e.x, e.m) != (isDouble ? e.dbl : e.single);
    EXPECT_GT(disagreements, 0) << "variant " << variant << " not caught";
  }
}

TEST(WorkedExamplesTest, RequantizeWithZeroPointAndClamp) {
  // Dot product from the doc: acc = 31, M = 0.125 / 0.25 = 1/2, Zout = -5.
  FixedPointMultiplier half{kTwoPow30, 31};
  // 15.5 -> 16, 16 - 5 = 11.
  EXPECT_EQ(requantize(31, half, -5, -128, 127), 11);
  EXPECT_EQ(requantize(31, half, -5, -128, 127, RoundingMode::Double), 11);
  // -15.5 -> -15, -15 - 5 = -20; ReLU clamps at Zout = -5.
  EXPECT_EQ(requantize(-31, half, -5, -128, 127), -20);
  EXPECT_EQ(requantize(-31, half, -5, -5, 127), -5);
  // Saturation to the int8 range.
  EXPECT_EQ(requantize(1000, half, -5, -128, 127), 127);
  EXPECT_EQ(requantize(-1000, half, -5, -128, 127), -128);
  // The int64 intermediate cannot overflow even for n = 1.
  EXPECT_EQ(
      requantize(kInt32Max, {kInt32Max, 1}, kInt32Max, kInt32Min, kInt32Max),
      kInt32Max);
  EXPECT_EQ(
      requantize(kInt32Min, {kInt32Max, 1}, kInt32Min, kInt32Min, kInt32Max),
      kInt32Min);
}

TEST(WorkedExamplesTest, MultiplierOfZeroPoint0123) {
  std::optional<FixedPointMultiplier> m = computeFixedPointMultiplier(0.0123);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, (FixedPointMultiplier{1690499128, 37}));
  // 12.3 -> 12, -12.3 -> -12, 151.8435 -> 152, -151.8435 -> -152.
  const int32_t xs[] = {1000, -1000, 12345, -12345};
  const int64_t expected[] = {12, -12, 152, -152};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(multiplyByFixedPointSingleRound(xs[i], *m), expected[i]);
    EXPECT_EQ(multiplyByFixedPointDoubleRound(xs[i], *m), expected[i]);
  }
}

TEST(WorkedExamplesTest, DotProductWithZeroPoints) {
  // s_a = 0.5, Z_a = 3; s_w = 0.25, Z_w = 0; bias 1.0 at scale 0.125.
  const int32_t qa[] = {7, 1, 10}, qw[] = {2, -4, 1};
  const int32_t za = 3, zw = 0, k = 3;
  int32_t bias = quantizeReal(1.0f, 0.5f * 0.25f, 0, kInt32Min, kInt32Max);
  EXPECT_EQ(bias, 8);
  int32_t acc = bias, sumQaQw = 0, sumQa = 0, sumQw = 0;
  for (int i = 0; i < k; ++i) {
    acc += (qa[i] - za) * (qw[i] - zw);
    sumQaQw += qa[i] * qw[i];
    sumQa += qa[i];
    sumQw += qw[i];
  }
  EXPECT_EQ(acc, 31);
  int32_t foldedBias = bias - za * sumQw + k * za * zw;
  EXPECT_EQ(foldedBias, 11);
  EXPECT_EQ(sumQaQw - zw * sumQa + foldedBias, acc);
  // Real value 0.125 * 31 = 3.875 = 2 * 0.5 + (-1) * (-1) + 3.5 * 0.25 + 1.
  EXPECT_EQ(0.125f * acc, 3.875f);
  std::optional<FixedPointMultiplier> m =
      computeFixedPointMultiplier((0.5 * 0.25) / 0.25);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, (FixedPointMultiplier{kTwoPow30, 31}));
  EXPECT_EQ(requantize(acc, *m, -5, -128, 127), 11);
  EXPECT_EQ(dequantize(11, 0.25f, -5), 4.0f);
  // ReLU6 upper bound for this output: 6 / 0.25 = 24, - 5.
  EXPECT_EQ(quantizeReal(6.0f, 0.25f, -5, -128, 127), 19);
}

TEST(WorkedExamplesTest, PerChannel) {
  // s_a = 0.5, s_w = {0.25, 0.02}, s_out = 0.5: M = {0.25, 0.02}.
  std::optional<FixedPointMultiplier> m0 = computeFixedPointMultiplier(0.25);
  std::optional<FixedPointMultiplier> m1 = computeFixedPointMultiplier(0.02);
  ASSERT_TRUE(m0 && m1);
  EXPECT_EQ(*m0, (FixedPointMultiplier{kTwoPow30, 32}));
  EXPECT_EQ(*m1, (FixedPointMultiplier{1374389535, 36}));
  // Two pixels x two channels, channel innermost, Zout = 1, int8.
  std::vector<int32_t> acc = {10, 100, -10, -125};
  std::vector<int32_t> out;
  ASSERT_TRUE(requantizePerChannel(acc, {*m0, *m1}, 1, -128, 127,
                                   RoundingMode::Single, out));
  // 2.5 -> 3; 2.0000000000465 -> 2; -2.5 -> -2; -2.50000000058 -> -3.
  EXPECT_EQ(out, (std::vector<int32_t>{4, 3, -1, -2}));
  ASSERT_TRUE(requantizePerChannel(acc, {*m0, *m1}, 1, -128, 127,
                                   RoundingMode::Double, out));
  // Double: -2.5 -> -3 (second step ties away from zero).
  EXPECT_EQ(out, (std::vector<int32_t>{4, 3, -2, -2}));
  // Invalid shapes and multipliers are rejected without touching output.
  EXPECT_FALSE(requantizePerChannel({1, 2, 3}, {*m0, *m1}, 0, -128, 127,
                                    RoundingMode::Single, out));
  EXPECT_FALSE(
      requantizePerChannel(acc, {}, 0, -128, 127, RoundingMode::Single, out));
  EXPECT_FALSE(requantizePerChannel(acc, {{kTwoPow30, 0}}, 0, -128, 127,
                                    RoundingMode::Single, out));
  EXPECT_FALSE(
      requantizePerChannel(acc, {*m0}, 0, 5, 4, RoundingMode::Single, out));
  EXPECT_EQ(out, (std::vector<int32_t>{4, 3, -2, -2}));
}

//===----------------------------------------------------------------------===//
// computeFixedPointMultiplier
//===----------------------------------------------------------------------===//

void expectMultiplier(double real, int32_t m0, int32_t n) {
  std::optional<FixedPointMultiplier> m = computeFixedPointMultiplier(real);
  ASSERT_TRUE(m.has_value()) << real;
  EXPECT_EQ(m->multiplier, m0) << real;
  EXPECT_EQ(m->shift, n) << real;
}

TEST(ComputeFixedPointMultiplierTest, WorkedValues) {
  expectMultiplier(0.5, kTwoPow30, 31);
  expectMultiplier(0.75, 3 << 29, 31);
  expectMultiplier(1.0, kTwoPow30, 30);
  // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4 -> 1717986918, n = 34.
  expectMultiplier(0.1, 1717986918, 34);
  // 0.0123 = 0.7872 * 2^-6; 0.7872 * 2^31 = 1690499127.7056 -> 1690499128.
  expectMultiplier(0.0123, 1690499128, 37);
  // Ties round away from zero: m * 2^31 = 2^30 + 0.5 -> 2^30 + 1.
  expectMultiplier(std::ldexp(double(kTwoPow30) + 0.5, -40), kTwoPow30 + 1, 40);
  // m * 2^31 = 2^31 - 0.5 rounds to 2^31: renormalized to 2^30, n - 1.
  expectMultiplier(std::ldexp(2147483648.0 - 0.5, -40), kTwoPow30, 39);
}

TEST(ComputeFixedPointMultiplierTest, PowersOfTwo) {
  for (int k = -32; k <= 29; ++k)
    expectMultiplier(std::ldexp(1.0, k), kTwoPow30, 30 - k);
  // Below 2^-32 the shift is capped at 62 and mantissa bits are lost.
  for (int k = -62; k <= -33; ++k)
    expectMultiplier(std::ldexp(1.0, k), int32_t(1) << (62 + k), 62);
  expectMultiplier(std::ldexp(1.0, -63), 1, 62); // 1/2 rounds away to 1.
  expectMultiplier(std::ldexp(1.0, -64), 0, 62); // 1/4 rounds to 0.
}

TEST(ComputeFixedPointMultiplierTest, RangeBoundaries) {
  // Largest representable: n = 1.
  expectMultiplier(std::ldexp(1.0, 30) - 0.5, kInt32Max, 1);
  expectMultiplier(std::nextafter(std::ldexp(1.0, 30) - 0.25, 0.0), kInt32Max,
                   1);
  // M >= 2^30 - 2^-2 would need n = 0.
  EXPECT_FALSE(computeFixedPointMultiplier(std::ldexp(1.0, 30) - 0.25));
  EXPECT_FALSE(computeFixedPointMultiplier(std::ldexp(1.0, 30)));
  EXPECT_FALSE(computeFixedPointMultiplier(1e300));
  // The tiny-multiplier switch at 2^-32 - 2^-64 is continuous.
  double tinyEdge = std::ldexp(1.0, -32) - std::ldexp(1.0, -64);
  expectMultiplier(tinyEdge, kTwoPow30, 62);
  expectMultiplier(std::nextafter(tinyEdge, 0.0), kTwoPow30, 62);
  expectMultiplier(std::ldexp(3.0, -34), 3 << 28, 62);
  expectMultiplier(std::ldexp(1.0, -63), 1, 62);
  expectMultiplier(std::nextafter(std::ldexp(1.0, -63), 0.0), 0, 62);
  expectMultiplier(std::numeric_limits<double>::denorm_min(), 0, 62);
}

TEST(ComputeFixedPointMultiplierTest, ZeroAndInvalid) {
  expectMultiplier(0.0, 0, 31);
  expectMultiplier(-0.0, 0, 31);
  for (int32_t x : {kInt32Min, -1, 0, 1, kInt32Max}) {
    EXPECT_EQ(multiplyByFixedPointSingleRound(x, {0, 31}), 0);
    EXPECT_EQ(multiplyByFixedPointDoubleRound(x, {0, 31}), 0);
  }
  EXPECT_FALSE(computeFixedPointMultiplier(-1.0));
  EXPECT_FALSE(
      computeFixedPointMultiplier(-std::numeric_limits<double>::denorm_min()));
  EXPECT_FALSE(
      computeFixedPointMultiplier(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(
      computeFixedPointMultiplier(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(
      computeFixedPointMultiplier(-std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(isValidFixedPointMultiplier({-1, 31}));
  EXPECT_FALSE(isValidFixedPointMultiplier({kTwoPow30, 0}));
  EXPECT_FALSE(isValidFixedPointMultiplier({kTwoPow30, 63}));
  EXPECT_TRUE(isValidFixedPointMultiplier({kInt32Max, 62}));
}

TEST(ComputeFixedPointMultiplierTest, RandomRelativeError) {
  CaseGenerator gen(0xfeedu);
  long failures = 0, normal = 0, tiny = 0;
  for (int i = 0; i < 1000000; ++i) {
    // Log-uniform over [2^-40, 2^30): random 52-bit fraction, random exponent.
    int64_t fraction = gen.uniform(0, (int64_t(1) << 52) - 1);
    double mantissa = 1.0 + std::ldexp(static_cast<double>(fraction), -52);
    double real = std::ldexp(mantissa, static_cast<int>(gen.uniform(-40, 29)));
    std::optional<FixedPointMultiplier> m = computeFixedPointMultiplier(real);
    if (!m || !isValidFixedPointMultiplier(*m)) {
      ++failures;
      continue;
    }
    // M * 2^n is exact in double and within a factor 2 of M0, so the
    // difference below is exact (Sterbenz) unless M0 is tiny.
    double scaled = std::ldexp(real, m->shift);
    double diff = static_cast<double>(m->multiplier) - scaled;
    // Nearest, ties away from zero (upward, as M > 0).
    if (!(diff <= 0.5 && diff > -0.5))
      ++failures;
    if (real >= std::ldexp(1.0, -32)) {
      ++normal;
      // Canonical mantissa and relative error at most 2^-31.
      if (m->multiplier < kTwoPow30)
        ++failures;
      if (std::fabs(diff) > std::ldexp(scaled, -31))
        ++failures;
    } else {
      ++tiny;
      if (m->shift != 62 || m->multiplier > kTwoPow30)
        ++failures;
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(normal, 0);
  EXPECT_GT(tiny, 0);
}

//===----------------------------------------------------------------------===//
// Float boundary
//===----------------------------------------------------------------------===//

TEST(QuantizeRealTest, TiesToEven) {
  EXPECT_EQ(quantizeReal(2.5f, 1.0f, 0, -128, 127), 2);
  EXPECT_EQ(quantizeReal(3.5f, 1.0f, 0, -128, 127), 4);
  EXPECT_EQ(quantizeReal(-2.5f, 1.0f, 0, -128, 127), -2);
  EXPECT_EQ(quantizeReal(-3.5f, 1.0f, 0, -128, 127), -4);
  EXPECT_EQ(quantizeReal(0.5f, 1.0f, 0, -128, 127), 0);
  EXPECT_EQ(quantizeReal(-0.5f, 1.0f, 0, -128, 127), 0);
  EXPECT_EQ(quantizeReal(1.5f, 1.0f, 0, -128, 127), 2);
  EXPECT_EQ(quantizeReal(2.4999998f, 1.0f, 0, -128, 127), 2);
  EXPECT_EQ(quantizeReal(2.5000002f, 1.0f, 0, -128, 127), 3);
  // Rounding happens before the zero point is added: 2.5 -> 2, + 3.
  EXPECT_EQ(quantizeReal(1.25f, 0.5f, 3, -128, 127), 5);
  EXPECT_EQ(quantizeReal(-0.75f, 0.5f, 10, 0, 255), 8);  // -1.5 -> -2.
  EXPECT_EQ(quantizeReal(-1.3f, 0.5f, 3, -128, 127), 0); // -2.6 -> -3.
}

TEST(QuantizeRealTest, Float32Division) {
  // 0.75f / 0.1f is 7.4999998882.. exactly, but the binary32 quotient is
  // the tie 7.5, which rounds to even 8. Double division would give 7.
  EXPECT_EQ(0.75f / 0.1f, 7.5f);
  EXPECT_EQ(quantizeReal(0.75f, 0.1f, 0, -128, 127), 8);
  EXPECT_LT(0.75 / static_cast<double>(0.1f), 7.5);
}

TEST(QuantizeRealTest, SaturationAndNonFinite) {
  EXPECT_EQ(quantizeReal(1000.0f, 1.0f, 0, -128, 127), 127);
  EXPECT_EQ(quantizeReal(-1000.0f, 1.0f, 0, -128, 127), -128);
  EXPECT_EQ(quantizeReal(100.0f, 1.0f, 100, -128, 127), 127);
  EXPECT_EQ(quantizeReal(3e38f, 1e-3f, 0, kInt32Min, kInt32Max), kInt32Max);
  EXPECT_EQ(quantizeReal(-3e38f, 1e-3f, 0, kInt32Min, kInt32Max), kInt32Min);
  float inf = std::numeric_limits<float>::infinity();
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(quantizeReal(inf, 1.0f, 0, 0, 255), 255);
  EXPECT_EQ(quantizeReal(-inf, 1.0f, 0, 0, 255), 0);
  EXPECT_EQ(quantizeReal(nan, 1.0f, 7, 0, 255), 7);
  EXPECT_EQ(quantizeReal(-nan, 0.5f, -3, -128, 127), -3);
  EXPECT_EQ(quantizeReal(nan, 1.0f, -300, -128, 127), -128); // Clamped.
  EXPECT_EQ(quantizeReal(0.0f, 0.0f, 4, -128, 127), 4);      // 0/0 is NaN.
  EXPECT_EQ(quantizeReal(1.0f, 0.0f, 4, -128, 127), 127);    // 1/0 is inf.
}

TEST(DequantizeTest, Float32) {
  EXPECT_EQ(dequantize(11, 0.25f, -5), 4.0f);
  EXPECT_EQ(dequantize(-128, 0.5f, -128), 0.0f);
  EXPECT_EQ(dequantize(3, 0.1f, 0), 0.1f * 3.0f);
  // q - Z = 2^31 is formed without overflow.
  EXPECT_EQ(dequantize(kInt32Max, 1.0f, -1), 2147483648.0f);
  EXPECT_EQ(dequantize(kInt32Min, 1.0f, kInt32Max), -4294967295.0f);
}

} // namespace
