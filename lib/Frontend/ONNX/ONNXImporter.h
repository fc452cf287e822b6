//===- ONNXImporter.h - State of one ONNX import ----------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Frontend/ONNX. ImportONNX.cpp loads, checks and walks the
// graph; ImportNodes.cpp converts one node at a time.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_FRONTEND_ONNX_ONNXIMPORTER_H
#define LOWBIT_LIB_FRONTEND_ONNX_ONNXIMPORTER_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "onnx/onnx_pb.h"

#include <map>
#include <optional>
#include <string>

namespace mlir::lowbit::onnx_import {

/// Thrown-free error reporting: every failure goes through `nodeError`, which
/// names the file, the node and its op type.
class ONNXImporter {
public:
  ONNXImporter(MLIRContext *context, llvm::StringRef fileName,
               const onnx::ModelProto &model, int64_t opset)
      : context(context), builder(context), fileName(fileName.str()),
        model(model), opset(opset) {}

  /// Builds `@main` into `module`.
  LogicalResult importGraph(ModuleOp module);

  //===--------------------------------------------------------------------===//
  // Used by the node converters (ImportNodes.cpp)
  //===--------------------------------------------------------------------===//

  /// Emits "FILE: node 'NAME' (OP): message" and returns it for streaming.
  InFlightDiagnostic nodeError(const onnx::NodeProto &node);

  /// The MLIR value of input `index` of `node` (materializing a constant if
  /// needed); null after an error if it is missing.
  Value getInput(const onnx::NodeProto &node, int index);
  bool hasInput(const onnx::NodeProto &node, int index) const;
  /// The constant tensor behind input `index`, if it is an initializer or the
  /// output of a Constant node.
  const onnx::TensorProto *getConstantInput(const onnx::NodeProto &node,
                                            int index) const;
  /// The constant input `index` as float or int64 values; errors (and
  /// nullopt) if it is not a constant of a supported type.
  std::optional<std::vector<float>> getFloatConstant(const onnx::NodeProto &node,
                                                     int index);
  std::optional<std::vector<int64_t>>
  getIntConstant(const onnx::NodeProto &node, int index);

  /// The static ranked tensor type of output `index`, from shape inference.
  /// `elementType` overrides the element type.
  RankedTensorType getOutputType(const onnx::NodeProto &node, int index,
                                 Type elementType = {});
  /// Records the value of output `index`.
  void setOutput(const onnx::NodeProto &node, int index, Value value);
  /// Errors if output `index` (>= 1) is used by the graph.
  LogicalResult requireUnusedOutput(const onnx::NodeProto &node, int index);

  /// The node's location: its name.
  Location getLoc(const onnx::NodeProto &node);

  /// The lowbit element type of an ONNX tensor element type (f32; u8/i8 as
  /// quantized with scale 1 and zero point 0; i32). Null if unsupported.
  Type getElementType(int32_t onnxType);

  OpBuilder &getBuilder() { return builder; }
  MLIRContext *getContext() { return context; }
  int64_t getOpset() const { return opset; }
  void registerConstant(const std::string &name,
                        const onnx::TensorProto &tensor);

private:
  LogicalResult importNode(const onnx::NodeProto &node);
  RankedTensorType getTensorType(const std::string &name,
                                 const onnx::TypeProto &type,
                                 std::string &whyNot);
  Value materializeConstant(const std::string &name,
                            const onnx::TensorProto &tensor, Location loc);

  MLIRContext *context;
  OpBuilder builder;
  std::string fileName;
  const onnx::ModelProto &model;
  int64_t opset;
  std::map<std::string, Value> values;
  std::map<std::string, const onnx::TensorProto *> constants;
  std::map<std::string, const onnx::TypeProto *> valueTypes;
  std::map<std::string, int> uses;
  /// Tensors of Constant nodes, owned here (initializers live in `model`).
  std::vector<std::unique_ptr<onnx::TensorProto>> ownedConstants;
  /// Blob names already used by dense_resource constants.
  std::map<std::string, int> blobNames;
};

/// Converts one ONNX node; `opType` is known to be supported.
LogicalResult convertNode(ONNXImporter &importer, const onnx::NodeProto &node);

/// Whether the importer converts `opType` (default domain).
bool isSupportedOp(llvm::StringRef opType);

/// Gives `value` (a quantized or integer tensor) the element type `element`,
/// which has the same storage: a constant is re-created with it, anything
/// else goes through its storage type with two quant.scast.
Value retype(OpBuilder &b, Location loc, Value value, Type element);

/// Reads tensor data of any storage form (raw_data or typed fields).
std::optional<std::vector<float>> readFloats(const onnx::TensorProto &tensor);
std::optional<std::vector<int64_t>> readInts(const onnx::TensorProto &tensor);

} // namespace mlir::lowbit::onnx_import

#endif // LOWBIT_LIB_FRONTEND_ONNX_ONNXIMPORTER_H
