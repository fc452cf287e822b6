//===- ModelInterface.cpp - The C interface of a compiled model -*- C++ -*-===//

#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::lowbit;

int64_t BoundaryTensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

std::string BoundaryTensor::getCType() const {
  unsigned width = type.getStorageTypeIntegralWidth();
  return (type.isSigned() ? "int" : "uint") + std::to_string(width) + "_t";
}

RankedTensorType BoundaryTensor::getStorageTensorType() const {
  return RankedTensorType::get(shape, type.getStorageType());
}

bool mlir::lowbit::isCIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(
      name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// Checks one side of the model's signature.
static FailureOr<BoundaryTensor> getBoundaryTensor(func::FuncOp function,
                                                   Type type, StringRef role) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  auto quantized =
      tensorType
          ? dyn_cast<quant::UniformQuantizedType>(tensorType.getElementType())
          : nullptr;
  if (!quantized)
    return function.emitError("the model ")
           << role << " must be a tensor of a per-tensor !quant.uniform type, "
           << "got " << type;
  if (!tensorType.hasStaticShape())
    return function.emitError("the model ")
           << role << " must have a static shape, got " << type;
  unsigned width = quantized.getStorageTypeIntegralWidth();
  if (width != 8 && width != 16 && width != 32)
    return function.emitError("the model ")
           << role << " storage must be 8, 16 or 32 bits wide, got " << type;
  return BoundaryTensor{llvm::to_vector(tensorType.getShape()), quantized};
}

FailureOr<ModelInterface>
mlir::lowbit::getModelInterface(ModuleOp module, StringRef functionName,
                                StringRef name) {
  func::FuncOp function;
  if (!functionName.empty()) {
    function = module.lookupSymbol<func::FuncOp>(functionName);
    if (!function)
      return module.emitError("no model function named '")
             << functionName << "'";
  } else {
    SmallVector<func::FuncOp> candidates;
    for (auto candidate : module.getOps<func::FuncOp>())
      if (candidate.isPublic() && !candidate.isExternal())
        candidates.push_back(candidate);
    if (candidates.size() != 1)
      return module.emitError("expected exactly one public function as the "
                              "model, found ")
             << candidates.size();
    function = candidates.front();
  }

  FunctionType type = function.getFunctionType();
  if (type.getNumInputs() != 1 || type.getNumResults() != 1)
    return function.emitError("the model function must take one tensor and "
                              "return one tensor, got ")
           << type;
  FailureOr<BoundaryTensor> input =
      getBoundaryTensor(function, type.getInput(0), "input");
  if (failed(input))
    return failure();
  FailureOr<BoundaryTensor> output =
      getBoundaryTensor(function, type.getResult(0), "output");
  if (failed(output))
    return failure();

  std::string prefix = name.empty() ? function.getSymName().str() : name.str();
  if (!isCIdentifier(prefix))
    return function.emitError("'") << prefix << "' is not a C identifier";
  return ModelInterface{prefix, function, *input, *output};
}

int64_t mlir::lowbit::getWorkspaceBytes(ModuleOp module, StringRef function) {
  auto variant = module.lookupSymbol<func::FuncOp>(
      (function + kWithWorkspaceSuffix).str());
  if (!variant || variant.getNumArguments() == 0)
    return 0;
  auto workspace = dyn_cast<MemRefType>(
      variant.getArgumentTypes().back());
  return workspace && workspace.hasStaticShape() ? workspace.getNumElements()
                                                 : 0;
}
