//===- LowbitToVector.h - Packed kernels to vector code ---------*- C++ -*-===//

#ifndef LOWBIT_CONVERSION_LOWBITTOVECTOR_LOWBITTOVECTOR_H
#define LOWBIT_CONVERSION_LOWBITTOVECTOR_LOWBITTOVECTOR_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::lowbit {

/// Lowers lowbit.packed_fully_connected to a register-blocked loop nest of
/// vector ops and the target's dot-product intrinsic, with the
/// requantization fused on the accumulators. `allowI32Requantize` and
/// `testPlantRoundingError` mean what they mean for the linalg lowering
/// (LowbitToLinalg.h).
void populateLowbitToVectorPatterns(RewritePatternSet &patterns,
                                    bool allowI32Requantize,
                                    bool testPlantRoundingError = false);

/// Lowers lowbit.packed_depthwise_conv2d to a vector stencil across the
/// channels with the requantization fused (populateLowbitToVectorPatterns
/// includes it).
void populateDepthwiseConvToVectorPatterns(RewritePatternSet &patterns,
                                           bool allowI32Requantize,
                                           bool testPlantRoundingError);

/// Lowers lowbit.binary_fully_connected and lowbit.binary_conv2d with
/// constant weights to register-tiled XOR + popcount loop nests on
/// vector<8xi64> (the tile is chosen for `isa`'s register file).
void populateLowbitBinaryToVectorPatterns(RewritePatternSet &patterns,
                                          KernelIsa isa);

} // namespace mlir::lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOVECTOR_LOWBITTOVECTOR_H
