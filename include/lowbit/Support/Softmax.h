//===- Softmax.h - Integer-only softmax arithmetic --------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Reference implementation of the quantized softmax of
// docs/IntegerSemantics.md ("Softmax"): a compile-time table of
// round(2^k * exp(-S_in * j)), an int32 sum along the axis and one integer
// division per output. The table is the only part computed in floating
// point, by the quantizer; applying it (softmaxRow) is integer-only and is
// what the interpreter runs and the linalg lowering reproduces.
//
// Pure C++17; no LLVM or MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_SUPPORT_SOFTMAX_H
#define LOWBIT_SUPPORT_SOFTMAX_H

#include <cstdint>
#include <optional>
#include <vector>

namespace lowbit {

/// The output is in units of 1/256: scale 2^-8, zero point the storage
/// minimum (u8: 0, i8: -128).
constexpr int32_t kSoftmaxOutputUnits = 256;

/// The smallest table shift k the quantizer accepts (precision of the
/// table; see softmaxTableShift).
constexpr int32_t kMinSoftmaxTableShift = 16;

/// Whether a row of \p axisSize values whose table entries are at most
/// \p tableMax is computed without int32 overflow: the sum is at most
/// axisSize * tableMax and the dividend 256 * e + floor(sum / 2) at most
/// (256 + axisSize / 2) * tableMax, so (axisSize + 256) * tableMax
/// <= 2^31 - 1 suffices for both.
constexpr bool isSoftmaxSumBounded(int64_t axisSize, int64_t tableMax) {
  return axisSize >= 1 && tableMax >= 0 && axisSize <= INT32_MAX &&
         (axisSize + kSoftmaxOutputUnits) * tableMax <= INT32_MAX;
}

/// The largest k with (axisSize + 256) * 2^k <= 2^31 - 1, or std::nullopt
/// if that k is below kMinSoftmaxTableShift (axisSize > 32511).
std::optional<int32_t> softmaxTableShift(int64_t axisSize);

/// table[j] = round_half_away(2^shift * exp(-inputScale * j)) for
/// j in [0, entries), computed in double; table[0] = 2^shift.
std::vector<int32_t> computeSoftmaxExpTable(double inputScale, int64_t entries,
                                            int32_t shift);

/// One output: clamp((256 * e + floor(sum / 2)) / sum + zeroPoint, qmin,
/// qmax), i.e. 256 * e / sum rounded half away from zero (e >= 0, sum > 0),
/// in int32 under the bound of isSoftmaxSumBounded.
int32_t softmaxOutput(int32_t e, int32_t sum, int32_t zeroPoint, int32_t qmin,
                      int32_t qmax);

/// The quantized softmax of one row of \p size stored values \p q (read with
/// \p stride): e[i] = table[max(q) - q[i]], sum = sum of e, out[i] =
/// softmaxOutput(e[i], sum, ...). \p table must have an entry for every
/// difference of two stored values and satisfy isSoftmaxSumBounded.
void softmaxRow(const std::vector<int32_t> &table, const int64_t *q,
                int64_t size, int64_t stride, int32_t zeroPoint, int32_t qmin,
                int32_t qmax, int64_t *out);

} // namespace lowbit

#endif // LOWBIT_SUPPORT_SOFTMAX_H
