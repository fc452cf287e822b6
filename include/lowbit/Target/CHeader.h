//===- CHeader.h - The C header of a compiled model -------------*- C++ -*-===//

#ifndef LOWBIT_TARGET_CHEADER_H
#define LOWBIT_TARGET_CHEADER_H

#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::lowbit {

/// Writes the header declaring `<name>_run`, the boundary helpers and the
/// input/output shape, storage type, scale and zero point as constants.
void writeCHeader(const ModelInterface &model, StringRef sourceName,
                  llvm::raw_ostream &os);

} // namespace mlir::lowbit

#endif // LOWBIT_TARGET_CHEADER_H
