//===- WeightCodesTest.cpp - Tests for sub-8-bit weight forms ---*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/WeightCodes.h"

#include "gtest/gtest.h"

#include <random>
#include <set>

using namespace lowbit;

namespace {

TEST(WeightCodes, DetectsBinaryPerChannel) {
  std::vector<float> rows{0.5f, -0.5f, 0.5f, -2.0f, -2.0f, 2.0f};
  std::optional<CodedWeights> code = detectWeightCode(rows, 2);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->code, WeightCode::Binary);
  EXPECT_EQ(code->scales, (std::vector<double>{0.5, 2.0}));
  EXPECT_EQ(code->stored, (std::vector<int8_t>{1, -1, 1, -1, -1, 1}));
  EXPECT_EQ(code->qmin, -1);
  EXPECT_EQ(code->qmax, 1);
}

TEST(WeightCodes, DetectsTernaryWithZeroChannel) {
  // Channel 1 is all zeros: scale 1, stored 0.
  std::vector<float> rows{0.25f, 0.0f, -0.25f, 0.0f, 0.0f, 0.0f};
  std::optional<CodedWeights> code = detectWeightCode(rows, 2);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->code, WeightCode::Ternary);
  EXPECT_EQ(code->scales, (std::vector<double>{0.25, 1.0}));
  EXPECT_EQ(code->stored, (std::vector<int8_t>{1, 0, -1, 0, 0, 0}));
}

TEST(WeightCodes, DetectsPowersOfTwo) {
  // alpha = 3: 3 -> 64, -0.75 = -3/4 -> -16, 3/64 -> 1.
  std::vector<float> rows{3.0f, -0.75f, 3.0f / 64, 0.0f};
  std::optional<CodedWeights> code = detectWeightCode(rows, 1);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->code, WeightCode::PowerOfTwo);
  EXPECT_EQ(code->scales, (std::vector<double>{3.0 / 64}));
  EXPECT_EQ(code->stored, (std::vector<int8_t>{64, -16, 1, 0}));
  // 3/128 is one power too far.
  EXPECT_FALSE(
      detectWeightCode({3.0f, 3.0f / 128, 0.1f, 0.2f, 0.3f}, 1).has_value());
}

TEST(WeightCodes, DetectsCodebookPerTensor) {
  // 20 weights drawn from 5 values: one scale, at most 5 stored values.
  std::vector<float> values{-0.9f, -0.3f, 0.1f, 0.35f, 0.7f};
  std::vector<float> rows;
  for (int i = 0; i < 20; ++i)
    rows.push_back(values[(i * 7) % 5]);
  std::optional<CodedWeights> code = detectWeightCode(rows, 4);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->code, WeightCode::Codebook);
  EXPECT_EQ(std::set<double>(code->scales.begin(), code->scales.end()).size(),
            1u);
  EXPECT_EQ(std::set<int8_t>(code->stored.begin(), code->stored.end()).size(),
            5u);
}

TEST(WeightCodes, RejectsGeneralWeights) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  std::vector<float> rows(256);
  for (float &w : rows)
    w = normal(rng);
  EXPECT_FALSE(detectWeightCode(rows, 4).has_value());
  // Too few weights to call a codebook.
  EXPECT_FALSE(detectWeightCode({0.1f, 0.2f, 0.3f}, 1).has_value());
}

TEST(WeightCodes, QuantizesToFourBits) {
  CodedWeights code =
      quantizeWeightsToBits({0.875f, -0.4375f, 0.0625f, 0.0f}, 1, 4, false);
  EXPECT_EQ(code.code, WeightCode::Int4);
  EXPECT_EQ(code.qmin, -7);
  EXPECT_EQ(code.qmax, 7);
  EXPECT_EQ(code.scales[0], 0.125);
  // Steps of 0.125: -3.5 rounds to even (-4), 0.5 to 0.
  EXPECT_EQ(code.stored, (std::vector<int8_t>{7, -4, 0, 0}));
}

TEST(WeightCodes, QuantizesTernaryAndBinary) {
  // mean |w| = 0.5, threshold 0.35: keeps 1.0 and -0.6, alpha 0.8.
  std::vector<float> rows{1.0f, -0.6f, 0.3f, -0.1f};
  CodedWeights ternary = quantizeWeightsToBits(rows, 1, 2, false);
  EXPECT_EQ(ternary.code, WeightCode::Ternary);
  EXPECT_FLOAT_EQ(ternary.scales[0], 0.8f);
  EXPECT_EQ(ternary.stored, (std::vector<int8_t>{1, -1, 0, 0}));
  CodedWeights binary = quantizeWeightsToBits(rows, 1, 1, false);
  EXPECT_EQ(binary.code, WeightCode::Binary);
  EXPECT_FLOAT_EQ(binary.scales[0], 0.5f);
  EXPECT_EQ(binary.stored, (std::vector<int8_t>{1, -1, 1, -1}));
  // Per tensor: one alpha for both rows, mean |w| = (0.5 + 1.5) / 2.
  CodedWeights shared =
      quantizeWeightsToBits({0.5f, -0.5f, 1.5f, 1.5f}, 2, 1, true);
  EXPECT_EQ(shared.scales, (std::vector<double>{1.0, 1.0}));
}

} // namespace
