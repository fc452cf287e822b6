//===- ModelInterface.h - The C interface of a compiled model ---*- C++ -*-===//
//
// What a compiled model looks like from C: the entry function's name and, for
// its input and output, the shape, storage type, scale and zero point. Both
// the entry-point export pass and the C header writer read it from here.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_MODELINTERFACE_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_MODELINTERFACE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir::lowbit {

/// One quantized tensor crossing the C boundary.
struct BoundaryTensor {
  SmallVector<int64_t> shape;
  quant::UniformQuantizedType type;

  int64_t getNumElements() const;
  /// The C type of one stored element: int8_t, uint8_t, int16_t, ...
  std::string getCType() const;
  /// The storage tensor type, e.g. tensor<1x8xi8>.
  RankedTensorType getStorageTensorType() const;
};

/// The name suffix of the reentrant variant that lowbit-plan-workspace gives
/// a public function with a workspace: `<function>_with_workspace`, taking
/// the workspace as its last argument.
inline constexpr llvm::StringLiteral kWithWorkspaceSuffix = "_with_workspace";

/// The C interface of a model: `int <name>_run(const in *, out *)`.
struct ModelInterface {
  std::string name;
  func::FuncOp function;
  BoundaryTensor input;
  BoundaryTensor output;
  /// The bytes of the workspace of `<name>_run` (lowbit-plan-workspace); 0
  /// when it needs none or before the bufferize phase.
  int64_t workspaceBytes = 0;

  std::string getRunSymbol() const { return name + "_run"; }
  std::string getQuantizeInputSymbol() const {
    return name + "_quantize_input";
  }
  std::string getDequantizeOutputSymbol() const {
    return name + "_dequantize_output";
  }
  std::string getRunWithWorkspaceSymbol() const {
    return getRunSymbol() + kWithWorkspaceSuffix.str();
  }
};

/// The size of the workspace argument of `<function>_with_workspace` in
/// `module` (after the bufferize phase), or 0 if there is no such function.
int64_t getWorkspaceBytes(ModuleOp module, StringRef function);

/// Finds the model function (`functionName`, or the only public function)
/// and checks that it has one statically shaped, per-tensor quantized input
/// and output. `name` is the C prefix (default: the function's name).
/// Emits an error on the module and fails otherwise.
FailureOr<ModelInterface> getModelInterface(ModuleOp module,
                                            StringRef functionName,
                                            StringRef name);

/// Whether `name` is a valid C identifier.
bool isCIdentifier(StringRef name);

} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_MODELINTERFACE_H
