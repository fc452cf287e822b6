//===- LayerReport.h - Float vs quantized, layer by layer -------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Runs the float model and its quantized version in the reference
// interpreter on the same samples and compares every layer's output, matched
// by ONNX node name (the ops' NameLoc): the quantized value dequantized
// against the float one. A conv/gemm whose only user is a fused relu/clip is
// compared after the activation, as the quantizer fuses it.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_REFERENCE_LAYERREPORT_H
#define LOWBIT_REFERENCE_LAYERREPORT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace mlir::lowbit {

/// The error of one layer over all samples.
struct LayerError {
  std::string name;
  std::string opName;
  /// 10 log10(sum x^2 / sum (x - y)^2) in dB (+inf when exact).
  double sqnr = 0;
  /// sum xy / sqrt(sum x^2 sum y^2) (1 when both are 0).
  double cosine = 0;
  double maxAbsError = 0;
  int64_t count = 0;
};

/// Compares `floatModel` and `quantizedModel` on `samples` (each the float
/// input of one sample). Returns the layers sorted worst first (lowest
/// SQNR); fails with an error emitted by the interpreter.
FailureOr<std::vector<LayerError>>
compareLayers(func::FuncOp floatModel, func::FuncOp quantizedModel,
              ArrayRef<std::vector<float>> samples);

/// Writes the report as JSON (`.json`) or CSV (anything else).
void writeLayerReport(ArrayRef<LayerError> layers, StringRef path,
                      llvm::raw_ostream &os);

/// The readable summary: the worst layers and the worst one named.
void printLayerSummary(ArrayRef<LayerError> layers, llvm::raw_ostream &os,
                       size_t maxRows = 10);

} // namespace mlir::lowbit

#endif // LOWBIT_REFERENCE_LAYERREPORT_H
