//===- ImportONNX.h - ONNX models to the lowbit dialect ---------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Reads an ONNX model with ONNX's own C++ library (protobuf parsing, the
// checker, shape inference with data propagation) and builds one public
// function `@model` in the lowbit dialect: float operators become graph-level
// lowbit ops, QuantizeLinear/DequantizeLinear become quant.qcast/quant.dcast,
// and the QOperator ops (QLinearConv, QLinearMatMul, ConvInteger,
// MatMulInteger) become integer lowbit ops with a lowbit.requantize. Every op
// is located at its ONNX node name. Errors name the file, the node and its
// op type, and the import fails without a partial module.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_FRONTEND_ONNX_IMPORTONNX_H
#define LOWBIT_FRONTEND_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::lowbit {

/// The default-domain opsets the importer accepts.
constexpr int64_t kMinONNXOpset = 10;
constexpr int64_t kMaxONNXOpset = 17;

/// Imports the serialized ONNX model in `bytes`; `fileName` names it in
/// diagnostics. Returns null after emitting an error.
OwningOpRef<ModuleOp> importONNXModel(llvm::StringRef bytes,
                                      llvm::StringRef fileName,
                                      MLIRContext *context);

/// Reads and imports the ONNX model at `path`.
OwningOpRef<ModuleOp> importONNXFile(llvm::StringRef path,
                                     MLIRContext *context);

/// While alive, re-emits each diagnostic located at an op imported from ONNX
/// (its node's name around the file location: a NameLoc around a
/// FileLineColLoc, which diagnostic printers show as "FILE:0:0" alone) at
/// the file location with the node named, "FILE:0:0: error: node 'conv1':
/// ...", as the importer's own errors name it. For the checks and passes
/// that run on the imported module.
class ONNXNodeDiagnosticHandler : public ScopedDiagnosticHandler {
public:
  explicit ONNXNodeDiagnosticHandler(MLIRContext *context);
};

/// Registers the `--import-onnx` translation of lowbit-translate.
void registerImportONNXTranslation();

} // namespace mlir::lowbit

#endif // LOWBIT_FRONTEND_ONNX_IMPORTONNX_H
