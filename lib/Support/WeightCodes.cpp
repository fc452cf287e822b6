//===- WeightCodes.cpp - Weights below 8 bits -----------------------------===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/WeightCodes.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace lowbit;

const char *lowbit::getWeightCodeName(WeightCode code) {
  switch (code) {
  case WeightCode::Int8:
    return "int8";
  case WeightCode::Int4:
    return "int4";
  case WeightCode::Codebook:
    return "codebook";
  case WeightCode::PowerOfTwo:
    return "power-of-two";
  case WeightCode::Ternary:
    return "ternary";
  case WeightCode::Binary:
    return "binary";
  }
  return "?";
}

namespace {
/// Largest power-of-two exponent range below alpha: 2^-6 * alpha is 1 when
/// alpha is stored as 64.
constexpr int kMaxPowerOfTwoExponent = 6;

/// The exponent k with |w| = alpha * 2^-k exactly, k in [0, 6]; nullopt if
/// there is none.
std::optional<int> powerOfTwoExponent(float magnitude, float alpha) {
  for (int k = 0; k <= kMaxPowerOfTwoExponent; ++k)
    if (std::ldexp(alpha, -k) == magnitude)
      return k;
  return std::nullopt;
}

/// Per channel: the largest |w|, and whether every nonzero |w| equals it
/// (`oneMagnitude`), whether there is a zero, and whether every nonzero |w|
/// is it times a power of two (`powersOfTwo`).
struct ChannelShape {
  float alpha = 0;
  bool oneMagnitude = true, hasZero = false, powersOfTwo = true;
};

ChannelShape inspectChannel(const float *row, int64_t depth) {
  ChannelShape shape;
  for (int64_t i = 0; i < depth; ++i)
    shape.alpha = std::max(shape.alpha, std::fabs(row[i]));
  for (int64_t i = 0; i < depth; ++i) {
    float magnitude = std::fabs(row[i]);
    if (magnitude == 0) {
      shape.hasZero = true;
      continue;
    }
    shape.oneMagnitude &= magnitude == shape.alpha;
    shape.powersOfTwo &= powerOfTwoExponent(magnitude, shape.alpha).has_value();
  }
  return shape;
}

int8_t signOf(float w) { return w < 0 ? -1 : (w > 0 ? 1 : 0); }
} // namespace

std::optional<CodedWeights>
lowbit::detectWeightCode(const std::vector<float> &rows, int64_t channels) {
  if (channels <= 0 || rows.empty() || rows.size() % channels != 0)
    return std::nullopt;
  int64_t depth = static_cast<int64_t>(rows.size()) / channels;
  std::vector<ChannelShape> shapes;
  bool oneMagnitude = true, anyZero = false, powersOfTwo = true;
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t i = 0; i < depth; ++i)
      if (!std::isfinite(rows[c * depth + i]))
        return std::nullopt;
    shapes.push_back(inspectChannel(&rows[c * depth], depth));
    oneMagnitude &= shapes.back().oneMagnitude;
    anyZero |= shapes.back().hasZero;
    powersOfTwo &= shapes.back().powersOfTwo;
  }
  CodedWeights result;
  result.stored.resize(rows.size());
  // A channel of zeros has no alpha; any positive scale represents it.
  auto scaleOf = [&](int64_t c, double divisor) {
    return shapes[c].alpha > 0 ? shapes[c].alpha / divisor : 1.0;
  };
  if (oneMagnitude) {
    result.code = anyZero ? WeightCode::Ternary : WeightCode::Binary;
    result.qmin = -1;
    result.qmax = 1;
    for (int64_t c = 0; c < channels; ++c) {
      result.scales.push_back(scaleOf(c, 1.0));
      for (int64_t i = 0; i < depth; ++i)
        result.stored[c * depth + i] = signOf(rows[c * depth + i]);
    }
    return result;
  }
  if (powersOfTwo) {
    result.code = WeightCode::PowerOfTwo;
    result.qmin = -64;
    result.qmax = 64;
    for (int64_t c = 0; c < channels; ++c) {
      result.scales.push_back(scaleOf(c, 64.0));
      for (int64_t i = 0; i < depth; ++i) {
        float w = rows[c * depth + i];
        if (w == 0)
          continue;
        int k = *powerOfTwoExponent(std::fabs(w), shapes[c].alpha);
        result.stored[c * depth + i] =
            static_cast<int8_t>(signOf(w) * (64 >> k));
      }
    }
    return result;
  }
  // A codebook shared by the tensor; a tensor of at most 16 weights is too
  // small to call one.
  std::set<float> distinct(rows.begin(), rows.end());
  if (distinct.size() > 16 || rows.size() <= 16)
    return std::nullopt;
  float alpha = 0;
  for (float w : rows)
    alpha = std::max(alpha, std::fabs(w));
  result.code = WeightCode::Codebook;
  double scale = static_cast<float>(alpha / 127.0);
  result.scales.assign(channels, scale);
  for (size_t i = 0; i < rows.size(); ++i)
    result.stored[i] = static_cast<int8_t>(std::clamp(
        std::nearbyint(rows[i] / scale), -127.0, 127.0));
  return result;
}

CodedWeights lowbit::quantizeWeightsToBits(const std::vector<float> &rows,
                                           int64_t channels, int bits,
                                           bool perTensor) {
  // Channels as the scale groups see them: one group for the tensor when
  // perTensor.
  int64_t groups = perTensor ? 1 : channels;
  int64_t groupSize = static_cast<int64_t>(rows.size()) / groups;
  CodedWeights result;
  result.stored.resize(rows.size());
  std::vector<double> groupScales;
  for (int64_t g = 0; g < groups; ++g) {
    const float *begin = &rows[g * groupSize];
    double maxAbs = 0, sumAbs = 0;
    for (int64_t i = 0; i < groupSize; ++i) {
      maxAbs = std::max(maxAbs, double(std::fabs(begin[i])));
      sumAbs += std::fabs(begin[i]);
    }
    double meanAbs = sumAbs / double(groupSize);
    double scale = 1.0;
    if (bits == 4) {
      const int32_t qmax = 7;
      if (maxAbs > 0)
        scale = static_cast<float>(maxAbs / qmax);
      for (int64_t i = 0; i < groupSize; ++i)
        result.stored[g * groupSize + i] = static_cast<int8_t>(std::clamp(
            std::nearbyint(begin[i] / scale), double(-qmax), double(qmax)));
    } else if (bits == 2) {
      // TWN: Delta = 0.7 E|w|, alpha the mean magnitude of the kept weights.
      double threshold = 0.7 * meanAbs, kept = 0;
      int64_t count = 0;
      for (int64_t i = 0; i < groupSize; ++i)
        if (std::fabs(begin[i]) > threshold) {
          kept += std::fabs(begin[i]);
          ++count;
        }
      if (count > 0)
        scale = static_cast<float>(kept / double(count));
      for (int64_t i = 0; i < groupSize; ++i)
        result.stored[g * groupSize + i] =
            std::fabs(begin[i]) > threshold ? signOf(begin[i]) : 0;
    } else {
      // XNOR-Net: alpha = E|w|, sign(0) = +1 as in the binary ops.
      if (meanAbs > 0)
        scale = static_cast<float>(meanAbs);
      for (int64_t i = 0; i < groupSize; ++i)
        result.stored[g * groupSize + i] = begin[i] < 0 ? -1 : 1;
    }
    groupScales.push_back(scale);
  }
  for (int64_t c = 0; c < channels; ++c)
    result.scales.push_back(groupScales[perTensor ? 0 : c]);
  switch (bits) {
  case 4:
    result.code = WeightCode::Int4;
    result.qmin = -7;
    result.qmax = 7;
    break;
  case 2:
    result.code = WeightCode::Ternary;
    result.qmin = -1;
    result.qmax = 1;
    break;
  default:
    result.code = WeightCode::Binary;
    result.qmin = -1;
    result.qmax = 1;
    break;
  }
  return result;
}
