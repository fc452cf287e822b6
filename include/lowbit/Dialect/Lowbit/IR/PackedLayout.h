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
// Coded weights (packed_fully_connected with `codes <b> table [...]`): the
// weights of a tensor with at most 2^b distinct values (b = 1, 2, 4) are
// b-bit codes into a table of 2^b int8 values. P = 8 / b consecutive groups
// of K share the bytes of one (block, group) tile: byte j of super-group s
// holds the code of byte j of group s * P + i at bits [b i, b i + b):
//
//   codes[nb][s][j] = sum_i code(16 nb + j / G, G (P s + i) + j % G) << (b i)
//
// so a kernel loads the 16 * G bytes of a super-group once and gets the
// codes of group P s + i with a shift right by b i and a mask (one byte-wise
// shift of the whole vector), then maps them to int8 weights with a byte
// shuffle (vpshufb, tbl) through the table. Padded channels, K positions and
// groups hold code 0; they meet zero activations (the kernel pads partial
// groups with the activation value that the instruction sees as 0) or are
// never read (groups past ceil(K / G)).
//
// `lowbit.coded_constant` (the IR before the kernels) stores codes in a
// simpler, kernel-independent layout: per row of the weight tensor
// (output channel), the codes of its elements in row-major order, P per
// byte, least significant first, rows padded to whole bytes.
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

/// Codes per byte of b-bit codes (P above).
inline int64_t getCodesPerByte(int64_t bits) { return 8 / bits; }

/// The smallest b in {1, 2, 4} with `distinct` <= 2^b, or std::nullopt for
/// more than 16 distinct values.
std::optional<int64_t> chooseCodeBits(size_t distinct);

/// The coded packed weight shape [ceil(N / 16), ceil(ceil(K / G) / P), 16 * G].
std::array<int64_t, 3> getPackedCodeShape(KernelIsa isa, int64_t channels,
                                          int64_t depth, int64_t bits);

/// The codes shape of a lowbit.coded_constant: [rows, ceil(R / P)].
std::array<int64_t, 2> getCodedConstantShape(int64_t rows, int64_t rowLength,
                                             int64_t bits);

/// Cp: the channels per kernel tap of a packed_conv2d over C input
/// channels, C rounded up to a multiple of G (of G * P for b-bit codes), so
/// that a group of K (a byte of codes) never holds two taps.
int64_t getPackedConvChannels(KernelIsa isa, int64_t channels,
                              std::optional<int64_t> codeBits);

/// The checks of the packed weights, bias and row sums of a packed kernel
/// with `channels` outputs and `depth` values of K, shared by
/// packed_fully_connected and packed_conv2d.
LogicalResult verifyPackedKernelOperands(
    Operation *op, KernelIsa isa, int64_t channels, int64_t depth,
    RankedTensorType packedType, Value bias, Value rowSumWeights,
    std::optional<int64_t> codeBits, std::optional<ArrayRef<int8_t>> table);

/// Parses a `target-isa` option value: "generic" (no packed kernel) or a
/// KernelIsa keyword. Returns failure for anything else.
FailureOr<std::optional<KernelIsa>> parseTargetIsa(StringRef name);

} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_IR_PACKEDLAYOUT_H
