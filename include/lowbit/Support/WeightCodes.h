//===- WeightCodes.h - Weights below 8 bits ---------------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
// How the quantizer stores a layer's weights when they need fewer than 8
// bits: either because the model was trained that way (ternary, binary,
// power-of-two and codebook weights are detected exactly) or because the
// user asked for fewer bits (--weight-bits, --layer-bits). Every form is a
// symmetric int8 quantization with a narrowed storage range, so the
// integer ops and kernels need nothing new; lowbit-bitpack-weights then
// stores the few distinct values as 1-, 2- or 4-bit codes.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_SUPPORT_WEIGHTCODES_H
#define LOWBIT_SUPPORT_WEIGHTCODES_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lowbit {

enum class WeightCode {
  /// Symmetric int8 per channel, [-127, 127].
  Int8,
  /// Symmetric per channel in [-7, 7] (post-training 4 bits).
  Int4,
  /// At most 16 distinct values in the whole tensor: one scale for the
  /// tensor, so the stored values stay at most 16 ([-127, 127]).
  Codebook,
  /// Per channel every nonzero weight is +-alpha_c * 2^-k, k in [0, 6]:
  /// scale alpha_c / 64, stored +-64 >> k ([-64, 64]), exact.
  PowerOfTwo,
  /// Per channel {-alpha_c, 0, +alpha_c}: scale alpha_c, stored {-1, 0, 1}.
  Ternary,
  /// Per channel {-alpha_c, +alpha_c}: scale alpha_c, stored {-1, +1}.
  Binary,
};

/// The name used in messages and plans ("binary", "int4", ...).
const char *getWeightCodeName(WeightCode code);

/// A layer's weights [channels, depth] as stored integers with one scale
/// per channel (all equal for a per-tensor scale) and a zero point of 0.
struct CodedWeights {
  WeightCode code = WeightCode::Int8;
  std::vector<double> scales;
  std::vector<int8_t> stored;
  int32_t qmin = -127, qmax = 127;
};

/// Weights trained low-bit, recognized exactly (binary before ternary before
/// power-of-two before codebook); nullopt for anything else.
std::optional<CodedWeights> detectWeightCode(const std::vector<float> &rows,
                                             int64_t channels);

/// Post-training quantization of the rows to `bits` (4, 2 or 1) bits:
/// 4 symmetric in [-7, 7] from the channel's max |w|; 2 ternary with the TWN
/// threshold 0.7 * mean |w| and alpha the mean of the kept |w|; 1 binary
/// with alpha = mean |w| (XNOR-Net). `perTensor` uses one scale for all
/// rows. Channels of zeros get scale 1.
CodedWeights quantizeWeightsToBits(const std::vector<float> &rows,
                                   int64_t channels, int bits,
                                   bool perTensor);

} // namespace lowbit

#endif // LOWBIT_SUPPORT_WEIGHTCODES_H
