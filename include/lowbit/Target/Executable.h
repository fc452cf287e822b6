//===- Executable.h - Linking a model into an executable --------*- C++ -*-===//
//
// `lowbit-compile --emit=exe` links the model's object with a small C main
// (lib/Target/ExecutableMain.c, built into the compiler) that reads float32
// .npy samples, quantizes them with the model's own boundary helper, runs
// the integer-only model per sample and writes the dequantized outputs.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_TARGET_EXECUTABLE_H
#define LOWBIT_TARGET_EXECUTABLE_H

#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"

#include <string>

namespace mlir::lowbit {

/// The C compiler driver that links for `triple`: `cc` for the host, the
/// Debian cross compiler (e.g. `aarch64-linux-gnu-gcc`) otherwise.
std::string getDefaultCCompiler(StringRef triple);

/// Compiles the driver with `compiler` against `headerPath` and links it with
/// `objectPath` into `outputPath`. On failure, reports to stderr and leaves
/// no file at `outputPath`.
LogicalResult linkExecutable(const ModelInterface &model, StringRef compiler,
                             StringRef objectPath, StringRef headerPath,
                             StringRef outputPath);

} // namespace mlir::lowbit

#endif // LOWBIT_TARGET_EXECUTABLE_H
