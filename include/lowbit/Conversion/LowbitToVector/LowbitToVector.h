//===- LowbitToVector.h - Packed kernels to vector code ---------*- C++ -*-===//

#ifndef LOWBIT_CONVERSION_LOWBITTOVECTOR_LOWBITTOVECTOR_H
#define LOWBIT_CONVERSION_LOWBITTOVECTOR_LOWBITTOVECTOR_H

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

} // namespace mlir::lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOVECTOR_LOWBITTOVECTOR_H
