//===- SoftmaxTest.cpp - Tests for the integer softmax ----------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Pins the quantized softmax of docs/IntegerSemantics.md ("Softmax") with
// hand-worked examples, and checks its rounding against an exact int64
// model on random rows.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/Softmax.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace lowbit;

namespace {

TEST(SoftmaxTest, TableShiftIsTheLargestWithinTheBound) {
  // (10 + 256) * 2^22 = 1115684864 <= 2^31 - 1 < (10 + 256) * 2^23.
  EXPECT_EQ(softmaxTableShift(10), 22);
  EXPECT_EQ(softmaxTableShift(1), 22);
  // (1000 + 256) * 2^20 = 1317011456; 2^21 would be 2634022912.
  EXPECT_EQ(softmaxTableShift(1000), 20);
  // k = 16 holds up to N + 256 <= (2^31 - 1) / 2^16 = 32767.99.
  EXPECT_EQ(softmaxTableShift(32511), 16);
  EXPECT_EQ(softmaxTableShift(32512), std::nullopt);
  EXPECT_EQ(softmaxTableShift(0), std::nullopt);
  EXPECT_TRUE(isSoftmaxSumBounded(32511, 1 << 16));
  EXPECT_FALSE(isSoftmaxSumBounded(32512, 1 << 16));
}

TEST(SoftmaxTest, TableOfPowersOfTwo) {
  // S = ln 2: exp(-S j) = 2^-j, so table[j] = 2^(k - j) while that is >= 1;
  // 2^-2 and below round to 0.
  std::vector<int32_t> table = computeSoftmaxExpTable(std::log(2.0), 256, 22);
  ASSERT_EQ(table.size(), 256u);
  for (int j = 0; j <= 22; ++j)
    EXPECT_EQ(table[j], 1 << (22 - j)) << j;
  for (int j = 24; j < 256; ++j)
    EXPECT_EQ(table[j], 0) << j;
  // S = 0: every difference gives exp(0) = 1.
  for (int32_t e : computeSoftmaxExpTable(0.0, 256, 16))
    EXPECT_EQ(e, 1 << 16);
}

TEST(SoftmaxTest, WorkedRow) {
  // q = [10, 9, 8] with S = ln 2: e = 2^k * [1, 1/2, 1/4], sum = 7/4 * 2^k.
  // 256 * 4/7 = 146.29 -> 146, 256 * 2/7 = 73.14 -> 73, 256/7 = 36.57 -> 37.
  std::vector<int32_t> table = computeSoftmaxExpTable(std::log(2.0), 256, 22);
  int64_t q[] = {10, 9, 8};
  int64_t out[3];
  softmaxRow(table, q, 3, 1, 0, 0, 255, out);
  EXPECT_EQ(out[0], 146);
  EXPECT_EQ(out[1], 73);
  EXPECT_EQ(out[2], 37);
  // The same in i8 (zero point -128), read with a stride of 2.
  int64_t strided[] = {8, 0, 10, 0, 9, 0};
  int64_t outStrided[6] = {};
  softmaxRow(table, strided, 3, 2, -128, -128, 127, outStrided);
  EXPECT_EQ(outStrided[0], 37 - 128);
  EXPECT_EQ(outStrided[2], 146 - 128);
  EXPECT_EQ(outStrided[4], 73 - 128);
  EXPECT_EQ(outStrided[1], 0);
}

TEST(SoftmaxTest, TiesRoundAwayAndOneClampsTo255) {
  // 512 equal values: 256 / 512 = 0.5 exactly, which rounds up to 1.
  std::vector<int32_t> table = computeSoftmaxExpTable(0.1, 256, 16);
  std::vector<int64_t> q(512, 7), out(512);
  softmaxRow(table, q.data(), 512, 1, 0, 0, 255, out.data());
  for (int64_t o : out)
    EXPECT_EQ(o, 1);
  // A single value has probability 1 = 256/256, clamped to 255.
  int64_t single = 3, singleOut = 0;
  softmaxRow(table, &single, 1, 1, 0, 0, 255, &singleOut);
  EXPECT_EQ(singleOut, 255);
  // Two equal values: exactly 128 each.
  int64_t pair[] = {-5, -5}, pairOut[2];
  softmaxRow(table, pair, 2, 1, -128, -128, 127, pairOut);
  EXPECT_EQ(pairOut[0], 0);
  EXPECT_EQ(pairOut[1], 0);
}

TEST(SoftmaxTest, OutputIsTheRoundedQuotient) {
  // Against round-half-away of 256 e / sum written as the floor of
  // (512 e + sum) / (2 sum) in int64.
  std::mt19937 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    int64_t size = 1 + rng() % 300;
    double scale =
        std::ldexp(1.0 + (rng() % 1000) / 1000.0, -static_cast<int>(rng() % 8));
    int32_t shift = *softmaxTableShift(size);
    std::vector<int32_t> table = computeSoftmaxExpTable(scale, 256, shift);
    std::vector<int64_t> q(size), out(size);
    for (int64_t &v : q)
      v = static_cast<int64_t>(rng() % 256);
    softmaxRow(table, q.data(), size, 1, 0, 0, 255, out.data());
    int64_t maximum = *std::max_element(q.begin(), q.end());
    int64_t sum = 0;
    for (int64_t v : q)
      sum += table[maximum - v];
    ASSERT_LE(sum, INT32_MAX);
    for (int64_t i = 0; i < size; ++i) {
      int64_t e = table[maximum - q[i]];
      int64_t expected = std::min<int64_t>((512 * e + sum) / (2 * sum), 255);
      ASSERT_EQ(out[i], expected) << "trial " << trial << " element " << i;
    }
  }
}

} // namespace
