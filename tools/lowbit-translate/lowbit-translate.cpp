//===- lowbit-translate.cpp - Translations into and out of MLIR -*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// mlir-translate with Lowbit's translations: `--import-onnx model.onnx`
// prints the model in the lowbit dialect.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Frontend/ONNX/ImportONNX.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::lowbit::registerImportONNXTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "Lowbit translation driver"));
}
