//===- lowbit-opt.cpp - Lowbit's opt-style driver ---------------*- C++ -*-===//
//
// Runs any lowbit or upstream pass, or the `lowbit-lower-to-llvm` pipeline,
// on MLIR input, as mlir-opt does.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::lowbit::registerAllLowbitPasses();
  mlir::DialectRegistry registry;
  mlir::lowbit::registerLowbitDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Lowbit optimizer driver\n", registry));
}
