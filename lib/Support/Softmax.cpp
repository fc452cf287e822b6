//===- Softmax.cpp - Integer-only softmax arithmetic ------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/Softmax.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace lowbit;

std::optional<int32_t> lowbit::softmaxTableShift(int64_t axisSize) {
  if (axisSize < 1)
    return std::nullopt;
  int32_t shift = -1;
  while (shift < 30 && isSoftmaxSumBounded(axisSize, int64_t(1) << (shift + 1)))
    ++shift;
  if (shift < kMinSoftmaxTableShift)
    return std::nullopt;
  return shift;
}

std::vector<int32_t> lowbit::computeSoftmaxExpTable(double inputScale,
                                                    int64_t entries,
                                                    int32_t shift) {
  std::vector<int32_t> table;
  table.reserve(entries);
  double one = std::ldexp(1.0, shift);
  for (int64_t j = 0; j < entries; ++j)
    table.push_back(static_cast<int32_t>(
        std::round(one * std::exp(-inputScale * static_cast<double>(j)))));
  return table;
}

int32_t lowbit::softmaxOutput(int32_t e, int32_t sum, int32_t zeroPoint,
                              int32_t qmin, int32_t qmax) {
  assert(e >= 0 && sum > 0 && "softmax needs e >= 0 and a positive sum");
  int32_t units = (kSoftmaxOutputUnits * e + sum / 2) / sum;
  return std::clamp(units + zeroPoint, qmin, qmax);
}

void lowbit::softmaxRow(const std::vector<int32_t> &table, const int64_t *q,
                        int64_t size, int64_t stride, int32_t zeroPoint,
                        int32_t qmin, int32_t qmax, int64_t *out) {
  int64_t maximum = q[0];
  for (int64_t i = 1; i < size; ++i)
    maximum = std::max(maximum, q[i * stride]);
  int32_t sum = 0;
  for (int64_t i = 0; i < size; ++i)
    sum += table[maximum - q[i * stride]];
  for (int64_t i = 0; i < size; ++i)
    out[i * stride] = softmaxOutput(table[maximum - q[i * stride]], sum,
                                    zeroPoint, qmin, qmax);
}
