//===- AccuracyBudget.h - Per-layer weight bits within a budget -*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_TOOLS_LOWBIT_COMPILE_ACCURACYBUDGET_H
#define LOWBIT_TOOLS_LOWBIT_COMPILE_ACCURACYBUDGET_H

#include "lowbit/Pipelines/Pipelines.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir::lowbit {

/// Labelled samples the plan is measured on.
struct LabelledSamples {
  std::vector<std::vector<float>> inputs;
  std::vector<int64_t> labels;
};

/// Chooses the weight bits of every conv/gemm/matmul layer of the float model
/// `floatModule` (after the float graph folds) so that the top-1 accuracy of
/// the quantized model (reference interpreter, `options` as given) on
/// `samples` stays within `budgetPoints` of the float model's: layers in
/// order of decreasing weight count, each at 2 bits if the model stays within
/// the budget, else 4, else 8, keeping the choices made before. Calibrates
/// once (with `options`) and re-uses the ranges. Prints the plan and the
/// resulting weight size to `log` and returns it as `layer-bits` entries.
FailureOr<std::vector<std::string>>
chooseLayerBits(ModuleOp floatModule, PipelineOptions options,
                const LabelledSamples &samples, double budgetPoints,
                llvm::raw_ostream &log);

} // namespace mlir::lowbit

#endif // LOWBIT_TOOLS_LOWBIT_COMPILE_ACCURACYBUDGET_H
