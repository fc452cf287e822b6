//===- Pipelines.h - Lowbit's named compilation phases ----------*- C++ -*-===//
//
// The compiler is a sequence of named phases; `lowbit-compile --until=PHASE`
// stops after one and prints its IR. Each phase is a textual pass pipeline,
// so what `lowbit-compile` runs can be replayed with `lowbit-opt`.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_PIPELINES_PIPELINES_H
#define LOWBIT_PIPELINES_PIPELINES_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::lowbit {

/// The phases, in order.
enum class Phase {
  /// A float or QDQ model -> quantized lowbit ops: absorb Q/DQ, fold batch
  /// normalization, calibrate (with data or a calibration file), quantize,
  /// fold activations. Nothing to do on an already quantized model.
  Quantize,
  /// Give the model its C entry point and boundary helpers.
  Export,
  /// Constant weights as bit-packed codes (lowbit-bitpack-weights) and
  /// packed for the SIMD kernels of the target (lowbit-pack-weights).
  Pack,
  /// lowbit ops on quantized tensors -> linalg/arith on storage types.
  Linalg,
  /// Tensors -> buffers.
  Bufferize,
  /// Loops and the LLVM dialect, ready for translation to LLVM IR.
  LLVM,
};

/// The phase's name as used by `--until=`.
StringRef getPhaseName(Phase phase);
std::optional<Phase> parsePhaseName(StringRef name);
/// All phase names, comma separated, for help texts.
std::string getPhaseNames();

struct PipelineOptions {
  /// C symbol prefix of the compiled model.
  std::string entryName;
  /// Rounding of every requantize; unset keeps what the IR says.
  std::optional<RoundingMode> rounding;
  /// The int8 dot-product instruction set of the packed fully-connected
  /// kernels (`target-isa` of lowbit-pack-weights): generic (none),
  /// avx512vnni, avx2, neon-dotprod or neon.
  std::string targetIsa = "generic";
  /// Weights with at most 16 distinct values as 1/2/4-bit codes: auto or
  /// off (`bitpack` of lowbit-bitpack-weights).
  std::string bitpack = "auto";
  /// Allow the 32-bit requantize lowering where it is exact.
  bool allowI32Requantize = true;
  /// Test only: plant an off-by-one in single rounding (ties round down) to
  /// show that the differential tests catch it.
  bool testPlantRoundingError = false;

  /// Calibration (the quantize phase): a float32 .npy file or a folder of
  /// them, the observer method, and calibration files to load or save.
  std::string calibrationData;
  std::string calibrationMethod = "minmax";
  std::string loadCalibration;
  std::string saveCalibration;
  /// Quantization choices (options of lowbit-quantize).
  std::string activationType = "u8";
  bool symmetricActivations = false;
  bool perTensorWeights = false;
  std::vector<std::string> keepFloat;
  /// Weight bits of every layer (8, 4, 2, 1) and per ONNX node
  /// ("NODE:BITS"); low-bit trained weights are detected unless `bitpack`
  /// is off.
  int weightBits = 8;
  std::vector<std::string> layerBits;
};

/// The first passes of the quantize phase, which only simplify the float
/// graph (absorb Q/DQ, fold batch norm and bias adds): the float model that
/// quantization and the layer report compare against.
std::string getFloatGraphFoldPipeline();

/// The textual pass pipeline of `phase` (for the module).
std::string getPhasePipeline(Phase phase, const PipelineOptions &options);

/// Adds the passes of `phase` to `pm`; fails on a malformed pipeline.
LogicalResult buildPhase(OpPassManager &pm, Phase phase,
                         const PipelineOptions &options);

/// Registers the dialects, extensions and interfaces Lowbit's pipeline uses.
void registerLowbitDialects(DialectRegistry &registry);
/// Registers Lowbit's passes, upstream passes and the named pipeline
/// `lowbit-lower-to-llvm`.
void registerAllLowbitPasses();

} // namespace mlir::lowbit

#endif // LOWBIT_PIPELINES_PIPELINES_H
