//===- onnx-import-fuzzer.cpp - libFuzzer target for the importer -*- C++ -*-//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to importONNXModel. Any input must end in a module or
// in diagnostics; a crash, a sanitizer report, an uncaught exception or a
// leak is a bug. Built with clang's -fsanitize=fuzzer,address (fuzz/
// CMakeLists.txt); integration_test/onnx-import-fuzzer.test runs it for a
// bounded number of inputs in `make check`.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Frontend/ONNX/ImportONNX.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  // Diagnostics are expected; they are not printed.
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::lowbit::importONNXModel(
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", &context);
  return 0;
}
