//===- WeightSummary.h - Stored weight sizes per layer ----------*- C++ -*-===//
//
// What `lowbit-compile --weight-summary` prints: per layer (the op's
// location name, the ONNX node name for imported models) the bytes its
// weights take in the object, in the form the kernels read them (int8,
// packed int8, or b-bit codes), next to the int8 size.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_WEIGHTSUMMARY_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_WEIGHTSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace mlir::lowbit {

struct LayerWeights {
  /// The layer's location name.
  std::string layer;
  /// fully_connected, packed_fully_connected, packed_conv2d or conv2d.
  std::string op;
  /// Number of weights (the int8 size in bytes).
  int64_t weights = 0;
  /// Bits per code, or 8 for int8 weights.
  int64_t codeBits = 8;
  /// Bytes of the stored weight tensor (padding included) and its shape,
  /// as in the name of its constant (e.g. "4x2x64xi8").
  int64_t storedBytes = 0;
  std::string storedShape;
  /// Entries of the decoding table (0 for int8 weights).
  int64_t tableEntries = 0;
};

/// The weights of every fully_connected, packed_fully_connected, packed_conv2d and
/// quantized conv2d of `module`, as the `pack` phase leaves them.
std::vector<LayerWeights> collectLayerWeights(ModuleOp module);

/// A table of the layers and their total.
void printWeightSummary(ArrayRef<LayerWeights> layers, llvm::raw_ostream &os);

} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_WEIGHTSUMMARY_H
