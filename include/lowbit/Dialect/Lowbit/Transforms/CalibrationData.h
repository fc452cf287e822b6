//===- CalibrationData.h - Reading calibration samples ----------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_CALIBRATIONDATA_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_CALIBRATIONDATA_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"

#include <vector>

namespace mlir::lowbit {

/// The samples at `path`, a float32 .npy file or a folder of them (read in
/// name order), each holding one sample of `sampleShape` or a batch [N, ...]
/// when the first dimension of `sampleShape` is 1 (the executable's rule).
/// Every sample is a flat vector. Errors name the file and what is wrong
/// (dtype, shape, no sample).
FailureOr<std::vector<std::vector<float>>>
readCalibrationSamples(StringRef path, ArrayRef<int64_t> sampleShape,
                       MLIRContext *context);

} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_CALIBRATIONDATA_H
