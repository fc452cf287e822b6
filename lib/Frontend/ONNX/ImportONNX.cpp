//===- ImportONNX.cpp - Load, check and walk an ONNX model ------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The model is parsed and validated by ONNX's C++ library: the checker, then
// shape inference with data propagation, after fixing every symbolic
// dimension of the graph inputs to 1 (models are compiled for one sample;
// the executable loops over the batch). Every tensor the function uses must
// then have a static shape; a node whose output shape inference could not
// resolve is an error naming that node.
//
// ONNX's library reports errors with C++ exceptions, so this file and
// ImportNodes.cpp are built with -fexceptions; no exception leaves them.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporter.h"
#include "lowbit/Frontend/ONNX/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

#include <cctype>
#include <map>
#include <cstring>

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

//===----------------------------------------------------------------------===//
// Tensor data
//===----------------------------------------------------------------------===//

template <typename T>
static std::optional<std::vector<T>> readRaw(const onnx::TensorProto &tensor,
                                             int64_t count) {
  const std::string &raw = tensor.raw_data();
  if (raw.size() != count * sizeof(T))
    return std::nullopt;
  std::vector<T> values(count);
  std::memcpy(values.data(), raw.data(), raw.size());
  return values;
}

static int64_t getElementCount(const onnx::TensorProto &tensor) {
  int64_t count = 1;
  for (int64_t dim : tensor.dims())
    count *= dim;
  return count;
}

/// Converts the typed field `field` (float_data, int32_data, ...) to T,
/// checking its length.
template <typename T, typename Field>
static std::optional<std::vector<T>> readField(const Field &field,
                                               int64_t count) {
  if (field.size() != count)
    return std::nullopt;
  return std::vector<T>(field.begin(), field.end());
}

std::optional<std::vector<float>>
mlir::lowbit::onnx_import::readFloats(const onnx::TensorProto &tensor) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  int64_t count = getElementCount(tensor);
  bool raw = tensor.has_raw_data();
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return raw ? readRaw<float>(tensor, count)
               : readField<float>(tensor.float_data(), count);
  case onnx::TensorProto::DOUBLE: {
    auto values = raw ? readRaw<double>(tensor, count)
                      : readField<double>(tensor.double_data(), count);
    if (!values)
      return std::nullopt;
    return std::vector<float>(values->begin(), values->end());
  }
  default:
    return std::nullopt;
  }
}

std::optional<std::vector<int64_t>>
mlir::lowbit::onnx_import::readInts(const onnx::TensorProto &tensor) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  int64_t count = getElementCount(tensor);
  bool raw = tensor.has_raw_data();
  auto widen = [](auto values) -> std::optional<std::vector<int64_t>> {
    if (!values)
      return std::nullopt;
    return std::vector<int64_t>(values->begin(), values->end());
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::INT64:
    return raw ? readRaw<int64_t>(tensor, count)
               : readField<int64_t>(tensor.int64_data(), count);
  case onnx::TensorProto::INT32:
    return widen(raw ? readRaw<int32_t>(tensor, count)
                     : readField<int32_t>(tensor.int32_data(), count));
  case onnx::TensorProto::INT8:
    return widen(raw ? readRaw<int8_t>(tensor, count)
                     : readField<int8_t>(tensor.int32_data(), count));
  case onnx::TensorProto::UINT8:
    return widen(raw ? readRaw<uint8_t>(tensor, count)
                     : readField<uint8_t>(tensor.int32_data(), count));
  default:
    return std::nullopt;
  }
}

//===----------------------------------------------------------------------===//
// ONNXImporter
//===----------------------------------------------------------------------===//

/// The location diagnostics about the file as a whole are reported at:
/// "FILE:0:0: error: ..." (line 0: no source line is printed).
static Location getFileLoc(MLIRContext *context, StringRef fileName) {
  return FileLineColLoc::get(context, fileName, 0, 0);
}

Location ONNXImporter::getLoc(const onnx::NodeProto &node) {
  // Diagnostics of later passes print "FILE:0:0:" and name the node.
  return NameLoc::get(StringAttr::get(context, node.name()),
                      getFileLoc(context, fileName));
}

InFlightDiagnostic ONNXImporter::nodeError(const onnx::NodeProto &node) {
  InFlightDiagnostic diag = emitError(getFileLoc(context, fileName));
  diag << "node '" << node.name() << "' (" << node.op_type() << "): ";
  return diag;
}

Type ONNXImporter::getElementType(int32_t onnxType) {
  Type f32 = builder.getF32Type();
  auto quantized = [&](bool isSigned) -> Type {
    return quant::UniformQuantizedType::get(
        isSigned ? quant::QuantizationFlags::Signed : 0,
        builder.getIntegerType(8), f32, 1.0, 0, isSigned ? -128 : 0,
        isSigned ? 127 : 255);
  };
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return f32;
  case onnx::TensorProto::UINT8:
    return quantized(false);
  case onnx::TensorProto::INT8:
    return quantized(true);
  case onnx::TensorProto::INT32:
    return builder.getI32Type();
  default:
    return {};
  }
}

/// Whether the tensor `type` has no shape or a dimension without a value;
/// `whyNot` then says which.
static bool hasUnresolvedShape(const onnx::TypeProto &type,
                               std::string &whyNot) {
  if (!type.has_tensor_type())
    return false;
  if (!type.tensor_type().has_shape()) {
    whyNot = "has no shape that shape inference could resolve";
    return true;
  }
  for (const auto &dim : type.tensor_type().shape().dim()) {
    if (!dim.has_dim_value()) {
      whyNot = "has a dimension that shape inference could not resolve" +
               (dim.has_dim_param() ? " ('" + dim.dim_param() + "')"
                                    : std::string());
      return true;
    }
  }
  return false;
}

RankedTensorType ONNXImporter::getTensorType(const std::string &name,
                                             const onnx::TypeProto &type,
                                             std::string &whyNot) {
  if (!type.has_tensor_type()) {
    whyNot = "is not a tensor";
    return {};
  }
  const onnx::TypeProto::Tensor &tensor = type.tensor_type();
  Type element = getElementType(tensor.elem_type());
  if (!element) {
    whyNot = "has the unsupported element type " +
             onnx::TensorProto::DataType_Name(
                 static_cast<onnx::TensorProto::DataType>(tensor.elem_type()));
    return {};
  }
  if (hasUnresolvedShape(type, whyNot))
    return {};
  SmallVector<int64_t> shape;
  for (const auto &dim : tensor.shape().dim())
    shape.push_back(dim.dim_value());
  return RankedTensorType::get(shape, element);
}

RankedTensorType ONNXImporter::getOutputType(const onnx::NodeProto &node,
                                             int index, Type elementType) {
  const std::string &name = node.output(index);
  auto it = valueTypes.find(name);
  if (it == valueTypes.end()) {
    nodeError(node) << "shape inference could not resolve output '" << name
                    << "'";
    return {};
  }
  std::string whyNot;
  onnx::TypeProto type = *it->second;
  // The element type is the caller's when given (e.g. a quantized type).
  if (elementType && type.has_tensor_type())
    type.mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  RankedTensorType result = getTensorType(name, type, whyNot);
  if (!result) {
    nodeError(node) << "output '" << name << "' " << whyNot;
    return {};
  }
  return elementType ? result.clone(elementType) : result;
}

bool ONNXImporter::hasInput(const onnx::NodeProto &node, int index) const {
  return index < node.input_size() && !node.input(index).empty();
}

const onnx::TensorProto *
ONNXImporter::getConstantInput(const onnx::NodeProto &node, int index) const {
  if (!hasInput(node, index))
    return nullptr;
  auto it = constants.find(node.input(index));
  return it == constants.end() ? nullptr : it->second;
}

std::optional<std::vector<float>>
ONNXImporter::getFloatConstant(const onnx::NodeProto &node, int index) {
  const onnx::TensorProto *tensor = getConstantInput(node, index);
  std::optional<std::vector<float>> values;
  if (tensor)
    values = readFloats(*tensor);
  if (!values)
    nodeError(node) << "input " << index
                    << " must be a constant float tensor";
  return values;
}

std::optional<std::vector<int64_t>>
ONNXImporter::getIntConstant(const onnx::NodeProto &node, int index) {
  const onnx::TensorProto *tensor = getConstantInput(node, index);
  std::optional<std::vector<int64_t>> values;
  if (tensor)
    values = readInts(*tensor);
  if (!values)
    nodeError(node) << "input " << index
                    << " must be a constant integer tensor";
  return values;
}

void ONNXImporter::registerConstant(const std::string &name,
                                    const onnx::TensorProto &tensor) {
  ownedConstants.push_back(std::make_unique<onnx::TensorProto>(tensor));
  constants[name] = ownedConstants.back().get();
}

/// Constants of more elements than this become dense_resource blobs, so that
/// printed IR stays readable.
static constexpr int64_t kMaxInlineElements = 64;

Value ONNXImporter::materializeConstant(const std::string &name,
                                        const onnx::TensorProto &tensor,
                                        Location loc) {
  Type element = getElementType(tensor.data_type());
  if (!element)
    return {};
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  auto resultType = RankedTensorType::get(shape, element);
  Type storage = element;
  if (auto quantized = dyn_cast<quant::QuantizedType>(element))
    storage = quantized.getStorageType();
  auto valueType = RankedTensorType::get(shape, storage);
  int64_t count = valueType.getNumElements();

  std::string blob = name;
  for (char &c : blob)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  if (int n = blobNames[blob]++)
    blob += "_" + std::to_string(n);

  ElementsAttr value;
  if (element.isF32()) {
    std::optional<std::vector<float>> values = readFloats(tensor);
    if (!values)
      return {};
    if (count > kMaxInlineElements)
      value = DenseResourceElementsAttr::get(
          valueType, blob,
          HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(*values));
    else
      value = DenseElementsAttr::get(valueType, ArrayRef<float>(*values));
  } else {
    std::optional<std::vector<int64_t>> values = readInts(tensor);
    if (!values)
      return {};
    if (storage.isInteger(32)) {
      std::vector<int32_t> narrow(values->begin(), values->end());
      if (count > kMaxInlineElements)
        value = DenseResourceElementsAttr::get(
            valueType, blob,
            HeapAsmResourceBlob::allocateAndCopyInferAlign<int32_t>(narrow));
      else
        value = DenseElementsAttr::get(valueType, ArrayRef<int32_t>(narrow));
    } else {
      std::vector<int8_t> narrow(values->begin(), values->end());
      if (count > kMaxInlineElements)
        value = DenseResourceElementsAttr::get(
            valueType, blob,
            HeapAsmResourceBlob::allocateAndCopyInferAlign<int8_t>(narrow));
      else
        value = DenseElementsAttr::get(valueType, ArrayRef<int8_t>(narrow));
    }
  }
  return ConstantOp::create(builder, loc, resultType, value);
}

Value ONNXImporter::getInput(const onnx::NodeProto &node, int index) {
  if (!hasInput(node, index)) {
    nodeError(node) << "input " << index << " is missing";
    return {};
  }
  const std::string &name = node.input(index);
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto constant = constants.find(name);
  if (constant == constants.end()) {
    nodeError(node) << "input '" << name << "' is not defined";
    return {};
  }
  Value value = materializeConstant(
      name, *constant->second, NameLoc::get(StringAttr::get(context, name)));
  if (!value) {
    nodeError(node) << "constant input '" << name << "' has the unsupported "
                    << "element type "
                    << onnx::TensorProto::DataType_Name(
                           static_cast<onnx::TensorProto::DataType>(
                               constant->second->data_type()));
    return {};
  }
  values[name] = value;
  return value;
}

void ONNXImporter::setOutput(const onnx::NodeProto &node, int index,
                             Value value) {
  values[node.output(index)] = value;
}

LogicalResult ONNXImporter::requireUnusedOutput(const onnx::NodeProto &node,
                                                int index) {
  if (index < node.output_size() && !node.output(index).empty() &&
      uses[node.output(index)] > 0)
    return nodeError(node) << "output " << index << " ('" << node.output(index)
                           << "') is not supported";
  return success();
}

LogicalResult ONNXImporter::importNode(const onnx::NodeProto &node) {
  const std::string &domain = node.domain();
  if (!(domain.empty() || domain == "ai.onnx") ||
      !isSupportedOp(node.op_type()))
    return nodeError(node) << "operator "
                           << (domain.empty() ? "" : domain + ".")
                           << node.op_type() << " is not supported";
  return convertNode(*this, node);
}

LogicalResult ONNXImporter::importGraph(ModuleOp module) {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::TensorProto &init : graph.initializer())
    constants[init.name()] = &init;
  for (const onnx::ValueInfoProto &info : graph.value_info())
    valueTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.output())
    valueTypes[info.name()] = &info.type();
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &input : node.input())
      ++uses[input];
  for (const onnx::ValueInfoProto &info : graph.output())
    ++uses[info.name()];

  // A dynamic shape is reported at the first node whose used output shape
  // inference could not resolve, before the graph input that usually makes
  // it dynamic (e.g. a Reshape's target shape given as an int64 input).
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &output : node.output()) {
      auto type = valueTypes.find(output);
      std::string whyNot;
      if (!output.empty() && uses[output] > 0 && type != valueTypes.end() &&
          hasUnresolvedShape(*type->second, whyNot))
        return nodeError(node) << "output '" << output << "' " << whyNot;
    }

  // Arguments: the graph inputs that are not initializers.
  SmallVector<Type> argumentTypes;
  SmallVector<const onnx::ValueInfoProto *> arguments;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (constants.count(info.name()))
      continue;
    std::string whyNot;
    RankedTensorType type = getTensorType(info.name(), info.type(), whyNot);
    if (!type)
      return emitError(getFileLoc(context, fileName))
             << "graph input '" << info.name() << "' "
             << whyNot;
    argumentTypes.push_back(type);
    arguments.push_back(&info);
  }
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    std::string whyNot;
    RankedTensorType type = getTensorType(info.name(), info.type(), whyNot);
    if (!type)
      return emitError(getFileLoc(context, fileName))
             << "graph output '" << info.name() << "' "
             << whyNot;
    resultTypes.push_back(type);
  }

  builder.setInsertionPointToEnd(module.getBody());
  auto function = func::FuncOp::create(
      builder, NameLoc::get(StringAttr::get(context, graph.name())), "model",
      builder.getFunctionType(argumentTypes, resultTypes));
  Block *body = function.addEntryBlock();
  for (auto [info, argument] : llvm::zip(arguments, body->getArguments()))
    values[info->name()] = argument;
  builder.setInsertionPointToEnd(body);

  for (const onnx::NodeProto &node : graph.node())
    if (failed(importNode(node)))
      return failure();

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    // An output may be a constant (an initializer or a Constant node).
    auto constant = constants.find(info.name());
    if (!values.count(info.name()) && constant != constants.end())
      if (Value value = materializeConstant(
              info.name(), *constant->second,
              NameLoc::get(StringAttr::get(context, info.name()))))
        values[info.name()] = value;
    auto it = values.find(info.name());
    if (it == values.end())
      return emitError(getFileLoc(context, fileName))
             << "graph output '" << info.name()
             << "' is not computed by the graph (an input or a constant)";
    // A quantized result declared as a plain uint8/int8 graph output is
    // returned as stored integers (scale 1, zero point 0), as ONNX does.
    auto declared = cast<RankedTensorType>(resultTypes[results.size()]);
    auto actual = cast<RankedTensorType>(it->second.getType());
    auto declaredQuant =
        dyn_cast<quant::QuantizedType>(declared.getElementType());
    auto actualQuant = dyn_cast<quant::QuantizedType>(actual.getElementType());
    if (declaredQuant && actualQuant && declared != actual &&
        declared.getShape() == actual.getShape() &&
        declaredQuant.getStorageType() == actualQuant.getStorageType() &&
        declaredQuant.isSigned() == actualQuant.isSigned())
      it->second = retype(builder, UnknownLoc::get(context), it->second,
                          declared.getElementType());
    if (it->second.getType() != resultTypes[results.size()])
      return emitError(getFileLoc(context, fileName))
             << "graph output '" << info.name() << "' is "
             << it->second.getType() << " but the graph declares "
             << resultTypes[results.size()];
    results.push_back(it->second);
  }
  func::ReturnOp::create(builder, UnknownLoc::get(context), results);
  return success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// Fixes every symbolic dimension of the graph inputs to 1, and forgets the
/// exported value_info, which shape inference recomputes.
static void fixSymbolicInputDims(onnx::ModelProto &model) {
  onnx::GraphProto *graph = model.mutable_graph();
  for (onnx::ValueInfoProto &input : *graph->mutable_input()) {
    if (!input.type().has_tensor_type() ||
        !input.type().tensor_type().has_shape())
      continue;
    for (auto &dim : *input.mutable_type()
                          ->mutable_tensor_type()
                          ->mutable_shape()
                          ->mutable_dim())
      if (!dim.has_dim_value())
        dim.set_dim_value(1);
  }
  for (onnx::ValueInfoProto &output : *graph->mutable_output())
    if (output.type().has_tensor_type())
      output.mutable_type()->mutable_tensor_type()->clear_shape();
  graph->clear_value_info();
}

/// ONNX 1.12's shape inference of Conv and the pools trusts the ranks and
/// window attributes it is given: it divides by zero strides and reads past
/// the shape of a low-rank input (both found by fuzzing the importer). The
/// window attributes, and the ranks of inputs whose types are declared, are
/// checked first.
static LogicalResult checkWindowNodes(const onnx::ModelProto &model,
                                      StringRef fileName,
                                      MLIRContext *context) {
  // Input index of the data and of the weight (-1: none) of each window op.
  static const std::map<std::string, std::pair<int, int>> windowOps = {
      {"Conv", {0, 1}},         {"ConvInteger", {0, 1}},
      {"QLinearConv", {0, 3}},  {"ConvTranspose", {0, 1}},
      {"MaxPool", {0, -1}},     {"AveragePool", {0, -1}},
      {"LpPool", {0, -1}}};
  const onnx::GraphProto &graph = model.graph();
  std::map<std::string, int> ranks;
  for (const onnx::TensorProto &init : graph.initializer())
    ranks[init.name()] = init.dims_size();
  for (const auto *infos : {&graph.input(), &graph.value_info()})
    for (const onnx::ValueInfoProto &info : *infos)
      if (info.type().has_tensor_type() &&
          info.type().tensor_type().has_shape())
        ranks[info.name()] = info.type().tensor_type().shape().dim_size();

  for (const onnx::NodeProto &node : graph.node()) {
    auto op = windowOps.find(node.op_type());
    if (op == windowOps.end())
      continue;
    auto fail = [&]() {
      return emitError(getFileLoc(context, fileName))
             << "node '" << node.name() << "' (" << node.op_type() << "): ";
    };
    auto rankOf = [&](int index) -> int {
      if (index < 0 || index >= node.input_size())
        return -1;
      auto it = ranks.find(node.input(index));
      return it == ranks.end() ? -1 : it->second;
    };
    int dataRank = rankOf(op->second.first);
    int weightRank = rankOf(op->second.second);
    if (dataRank >= 0 && dataRank < 3)
      return fail() << "the input must have rank >= 3 ([N, C, spatial...]), "
                       "got rank "
                    << dataRank;
    if (dataRank >= 0 && weightRank >= 0 && weightRank != dataRank)
      return fail() << "the weight has rank " << weightRank
                    << " but the input has rank " << dataRank;
    for (const onnx::AttributeProto &attribute : node.attribute()) {
      StringRef name = attribute.name();
      bool positive = name == "strides" || name == "dilations" ||
                      name == "kernel_shape";
      if (!positive && name != "pads")
        continue;
      for (int64_t value : attribute.ints())
        if (positive ? value < 1 : value < 0)
          return fail() << name << " must be "
                        << (positive ? "positive" : "non-negative")
                        << ", got " << value;
      if (dataRank >= 0 &&
          attribute.ints_size() != (name == "pads" ? 2 : 1) * (dataRank - 2))
        return fail() << name << " has " << attribute.ints_size()
                      << " values for " << dataRank - 2
                      << " spatial dimensions";
    }
  }
  return success();
}

OwningOpRef<ModuleOp> mlir::lowbit::importONNXModel(StringRef bytes,
                                                    StringRef fileName,
                                                    MLIRContext *context) {
  context->loadDialect<LowbitDialect, func::FuncDialect, quant::QuantDialect>();
  Location fileLoc = getFileLoc(context, fileName);
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    emitError(fileLoc) << "not an ONNX model (protobuf parsing failed; the "
                          "file is truncated or corrupted)";
    return {};
  }
  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
  if (opset < 0) {
    emitError(fileLoc) << "the model imports no opset of the default ONNX "
                          "domain";
    return {};
  }
  if (opset < kMinONNXOpset || opset > kMaxONNXOpset) {
    emitError(fileLoc) << "opset " << opset
                       << " is not supported (supported: " << kMinONNXOpset
                       << " to " << kMaxONNXOpset << ")";
    return {};
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    emitError(fileLoc) << "the ONNX checker rejects the model: "
                       << StringRef(e.what()).trim();
    return {};
  }
  fixSymbolicInputDims(model);
  // Unnamed nodes are named "<op type>_<index in the graph>", so that every
  // diagnostic and location can name them.
  for (auto [index, node] :
       llvm::enumerate(*model.mutable_graph()->mutable_node()))
    if (node.name().empty())
      node.set_name(node.op_type() + "_" + std::to_string(index));
  if (failed(checkWindowNodes(model, fileName, context)))
    return {};
  try {
    onnx::ShapeInferenceOptions options(/*check_type_val=*/true,
                                        /*strict_mode_val=*/1,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    emitError(fileLoc) << "ONNX shape inference failed: "
                       << StringRef(e.what()).trim();
    return {};
  }

  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(context, fileName, 0, 0));
  onnx_import::ONNXImporter importer(context, fileName, model, opset);
  try {
    if (failed(importer.importGraph(*module)))
      return {};
  } catch (const std::exception &e) {
    emitError(fileLoc) << "malformed model: " << e.what();
    return {};
  }
  ONNXNodeDiagnosticHandler nodeNames(context);
  if (failed(verify(*module)))
    return {};
  return module;
}

ONNXNodeDiagnosticHandler::ONNXNodeDiagnosticHandler(MLIRContext *context)
    : ScopedDiagnosticHandler(context) {
  setHandler([context](Diagnostic &diag) -> LogicalResult {
    auto name = dyn_cast<NameLoc>(diag.getLocation());
    if (!name || name.getName().empty() ||
        !isa<FileLineColLoc>(name.getChildLoc()))
      return failure();
    Diagnostic named(name.getChildLoc(), diag.getSeverity());
    named << "node '" << name.getName().strref() << "': " << diag.str();
    for (Diagnostic &note : diag.getNotes())
      named.attachNote(note.getLocation()) << note.str();
    context->getDiagEngine().emit(std::move(named));
    return success();
  });
}

OwningOpRef<ModuleOp> mlir::lowbit::importONNXFile(StringRef path,
                                                   MLIRContext *context) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false);
  if (!buffer) {
    emitError(getFileLoc(context, path))
        << "cannot read the file: " << buffer.getError().message();
    return {};
  }
  return importONNXModel((*buffer)->getBuffer(), path, context);
}

void mlir::lowbit::registerImportONNXTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model into the lowbit dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        return importONNXModel(buffer->getBuffer(),
                               buffer->getBufferIdentifier(), context);
      },
      [](DialectRegistry &registry) {
        registry.insert<LowbitDialect, func::FuncDialect,
                        quant::QuantDialect>();
      });
}
