//===- LowbitToLinalg.h - Lowbit to linalg conversion -----------*- C++ -*-===//

#ifndef LOWBIT_CONVERSION_LOWBITTOLINALG_LOWBITTOLINALG_H
#define LOWBIT_CONVERSION_LOWBITTOLINALG_LOWBITTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::lowbit {

/// Maps quantized element types (and tensors of them) to their storage
/// types; every other type is kept.
class QuantStorageTypeConverter : public TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// Lowers lowbit ops and quant.scast to linalg/arith on storage types.
/// `allowI32Requantize` adds the 32-bit requantize lowering (preferred where
/// it is exact) next to the general 64-bit one. `testPlantRoundingError`
/// (tests only) deliberately breaks single rounding: ties round down instead
/// of up, which the differential tests against the reference interpreter
/// must catch.
void populateLowbitToLinalgConversionPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    bool allowI32Requantize, bool testPlantRoundingError = false);

} // namespace mlir::lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOLINALG_LOWBITTOLINALG_H
