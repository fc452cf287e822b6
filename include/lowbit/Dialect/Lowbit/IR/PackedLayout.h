//===- PackedLayout.h - Weight layout of packed kernels ---------*- C++ -*-===//
//
// The layout of the weights of `lowbit.packed_fully_connected`, shared by the
// pass that packs them (lowbit-pack-weights), the verifier and the kernel
// lowering (convert-lowbit-to-vector).
//
// Output channels come in blocks of 16; K in groups of G values (4 for the
// instructions that sum four byte products per int32 lane: vpdpbusd, sdot;
// 2 for AVX2's vpmaddwd, which sums two 16-bit products). Within one
// (block, group) the 16 * G bytes are channel-major:
//
//   packed[nb][kb][c * G + g] = w[16 * nb + c][G * kb + g] - dw
//
// so that one int32 lane of the accumulator sees the G weights of its
// channel next to each other, and a group of G activations broadcast to
// every lane meets them.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_PACKEDLAYOUT_H
#define LOWBIT_DIALECT_LOWBIT_IR_PACKEDLAYOUT_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include <array>
#include <optional>

namespace mlir::lowbit {

/// Output channels per block of the packed weights.
constexpr int64_t kPackedChannelBlock = 16;

/// Values of K per group (G above).
int64_t getPackedKGroup(KernelIsa isa);

/// dx: the kernel multiplies a = x - dx with the packed weights. vpdpbusd
/// wants unsigned activations (int8 ones are shifted by 128: dx = -128),
/// sdot signed ones (uint8 ones: dx = 128); vpmaddwd takes them widened to
/// 16 bits, as they are (dx = 0).
int64_t getActivationOffset(KernelIsa isa, bool inputSigned);

/// dw: packed weights are int8; uint8 weights are stored minus 128.
inline int64_t getWeightOffset(bool weightSigned) {
  return weightSigned ? 0 : 128;
}

/// The packed weight shape [ceil(N / 16), ceil(K / G), 16 * G].
std::array<int64_t, 3> getPackedWeightShape(KernelIsa isa, int64_t channels,
                                            int64_t depth);

/// Parses a `target-isa` option value: "generic" (no packed kernel) or a
/// KernelIsa keyword. Returns failure for anything else.
FailureOr<std::optional<KernelIsa>> parseTargetIsa(StringRef name);

} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_IR_PACKEDLAYOUT_H
