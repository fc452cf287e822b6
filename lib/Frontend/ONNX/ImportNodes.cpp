//===- ImportNodes.cpp - ONNX nodes to lowbit ops ---------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// One converter per ONNX operator. Each lists the attributes it understands;
// any other attribute is an error naming it, never silently ignored.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporter.h"

#include "lowbit/Support/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::onnx_import;

namespace {
using Node = onnx::NodeProto;

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *findAttribute(const Node &node,
                                          llvm::StringRef name) {
  for (const onnx::AttributeProto &attribute : node.attribute())
    if (attribute.name() == name)
      return &attribute;
  return nullptr;
}

int64_t getInt(const Node &node, llvm::StringRef name, int64_t otherwise) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  return attribute ? attribute->i() : otherwise;
}

float getFloat(const Node &node, llvm::StringRef name, float otherwise) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  return attribute ? attribute->f() : otherwise;
}

std::string getString(const Node &node, llvm::StringRef name,
                      llvm::StringRef otherwise) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  return attribute ? attribute->s() : otherwise.str();
}

SmallVector<int64_t> getInts(const Node &node, llvm::StringRef name,
                             ArrayRef<int64_t> otherwise) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  if (!attribute)
    return SmallVector<int64_t>(otherwise);
  return SmallVector<int64_t>(attribute->ints().begin(),
                              attribute->ints().end());
}

/// Errors on any attribute of `node` not in `known`.
LogicalResult checkAttributes(ONNXImporter &importer, const Node &node,
                              std::initializer_list<llvm::StringRef> known) {
  for (const onnx::AttributeProto &attribute : node.attribute())
    if (!llvm::is_contained(known, attribute.name()))
      return importer.nodeError(node)
             << "attribute '" << attribute.name() << "' is not supported";
  return success();
}

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Shared pieces
//===----------------------------------------------------------------------===//

/// The rank of `value`'s tensor type.
int64_t rankOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getRank();
}

LogicalResult requireFloat(ONNXImporter &importer, const Node &node,
                           ArrayRef<Value> operands) {
  for (Value operand : operands)
    if (!cast<RankedTensorType>(operand.getType()).getElementType().isF32())
      return importer.nodeError(node)
             << "only float32 operands are supported, got "
             << operand.getType();
  return success();
}

/// Pads [top, left, bottom, right] for a 2-D window over `input` ([N, C, H,
/// W]) from `pads` and `auto_pad`.
FailureOr<SmallVector<int64_t>>
getWindowPads(ONNXImporter &importer, const Node &node,
              RankedTensorType input, ArrayRef<int64_t> kernel,
              ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  std::string autoPad = getString(node, "auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    SmallVector<int64_t> pads = getInts(node, "pads", {0, 0, 0, 0});
    if (pads.size() != 4)
      return importer.nodeError(node)
             << "expects 4 pads for a 2-D window, got " << pads.size();
    return pads;
  }
  if (autoPad == "VALID")
    return SmallVector<int64_t>{0, 0, 0, 0};
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return importer.nodeError(node)
           << "auto_pad '" << autoPad << "' is not supported";
  SmallVector<int64_t> pads(4);
  for (int i = 0; i < 2; ++i) {
    int64_t in = input.getDimSize(2 + i);
    int64_t out = llvm::divideCeil(in, strides[i]);
    int64_t total = std::max<int64_t>(
        (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in, 0);
    int64_t small = total / 2, large = total - small;
    pads[i] = autoPad == "SAME_UPPER" ? small : large;
    pads[2 + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

/// Checks that `value` is a 4-D NCHW tensor.
LogicalResult require2D(ONNXImporter &importer, const Node &node,
                        Value value) {
  if (rankOf(value) != 4)
    return importer.nodeError(node)
           << "only 2-D windows over [N, C, H, W] inputs are supported, got "
           << value.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization parameters
//===----------------------------------------------------------------------===//

/// The scale/zero point pair of a QuantizeLinear-family operand: per tensor,
/// or per axis along `axis`.
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  bool isSigned = false;
  unsigned bits = 8;
};

/// Reads the scale input `scaleIndex` and the optional zero-point input
/// `zeroIndex` (whose element type gives the storage; `defaultType` when
/// absent).
FailureOr<QuantParams> getQuantParams(ONNXImporter &importer, const Node &node,
                                      int scaleIndex, int zeroIndex,
                                      int32_t defaultType) {
  QuantParams params;
  std::optional<std::vector<float>> scales =
      importer.getFloatConstant(node, scaleIndex);
  if (!scales)
    return failure();
  params.scales = *scales;
  for (float scale : params.scales)
    if (!(scale > 0.0f) || !std::isfinite(scale))
      return importer.nodeError(node)
             << "scale " << scale << " must be positive and finite";
  int32_t storage = defaultType;
  if (importer.hasInput(node, zeroIndex)) {
    const onnx::TensorProto *zero = importer.getConstantInput(node, zeroIndex);
    std::optional<std::vector<int64_t>> zeros =
        importer.getIntConstant(node, zeroIndex);
    if (!zeros)
      return failure();
    params.zeroPoints = *zeros;
    storage = zero->data_type();
  } else {
    params.zeroPoints.assign(params.scales.size(), 0);
  }
  if (params.zeroPoints.size() != params.scales.size())
    return importer.nodeError(node)
           << "has " << params.scales.size() << " scales but "
           << params.zeroPoints.size() << " zero points";
  switch (storage) {
  case onnx::TensorProto::UINT8:
    break;
  case onnx::TensorProto::INT8:
    params.isSigned = true;
    break;
  case onnx::TensorProto::INT32:
    params.isSigned = true;
    params.bits = 32;
    break;
  default:
    return importer.nodeError(node)
           << "quantized storage type "
           << onnx::TensorProto::DataType_Name(
                  static_cast<onnx::TensorProto::DataType>(storage))
           << " is not supported (uint8, int8 or int32)";
  }
  return params;
}

/// The quantized element type of `params`, per axis along `axis` when there
/// is more than one scale.
Type getQuantizedType(OpBuilder &b, const QuantParams &params, int64_t axis) {
  unsigned flags = params.isSigned ? quant::QuantizationFlags::Signed : 0;
  Type storage = b.getIntegerType(params.bits);
  int64_t min = params.isSigned ? -(int64_t(1) << (params.bits - 1)) : 0;
  int64_t max = params.isSigned ? (int64_t(1) << (params.bits - 1)) - 1
                                : (int64_t(1) << params.bits) - 1;
  if (params.scales.size() == 1)
    return quant::UniformQuantizedType::get(flags, storage, b.getF32Type(),
                                            params.scales[0],
                                            params.zeroPoints[0], min, max);
  SmallVector<double> scales(params.scales.begin(), params.scales.end());
  return quant::UniformQuantizedPerAxisType::get(
      flags, storage, b.getF32Type(), scales, params.zeroPoints, axis, min,
      max);
}

LogicalResult checkZeroPoints(ONNXImporter &importer, const Node &node,
                              const QuantParams &params) {
  int64_t min = params.isSigned ? -(int64_t(1) << (params.bits - 1)) : 0;
  int64_t max = params.isSigned ? (int64_t(1) << (params.bits - 1)) - 1
                                : (int64_t(1) << params.bits) - 1;
  for (int64_t zero : params.zeroPoints)
    if (zero < min || zero > max)
      return importer.nodeError(node)
             << "zero point " << zero << " outside the storage range";
  return success();
}

/// Checks that `value` is stored in `params`' storage type.
LogicalResult checkStorage(ONNXImporter &importer, const Node &node,
                           Value value, const QuantParams &params) {
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  auto quantized = dyn_cast<quant::QuantizedType>(element);
  unsigned bits = quantized ? quantized.getStorageTypeIntegralWidth()
                            : element.getIntOrFloatBitWidth();
  bool isSigned = quantized ? quantized.isSigned() : element.isInteger(32);
  if (element.isF32() || bits != params.bits || isSigned != params.isSigned)
    return importer.nodeError(node)
           << "operand " << value.getType()
           << " does not match the storage type of its zero point";
  return success();
}

/// Requantizes the int32 accumulator `acc` (channels along `channelAxis`)
/// by input scale * weight scale[c] / output scale to `output`'s type.
Value buildRequantize(ONNXImporter &importer, const Node &node, Value acc,
                      float inputScale, ArrayRef<float> weightScales,
                      const QuantParams &output, int64_t channelAxis,
                      bool &failed) {
  OpBuilder &b = importer.getBuilder();
  Location loc = importer.getLoc(node);
  SmallVector<int32_t> multipliers;
  SmallVector<int8_t> shifts;
  for (float weightScale : weightScales) {
    double real = static_cast<double>(inputScale) * weightScale /
                  static_cast<double>(output.scales[0]);
    std::optional<::lowbit::FixedPointMultiplier> m =
        ::lowbit::computeFixedPointMultiplier(real);
    if (!m) {
      importer.nodeError(node) << "the requantization multiplier " << real
                               << " is not representable";
      failed = true;
      return {};
    }
    multipliers.push_back(m->multiplier);
    shifts.push_back(static_cast<int8_t>(m->shift));
  }
  Type outElement = getQuantizedType(b, output, 0);
  auto outQuant = cast<quant::UniformQuantizedType>(outElement);
  auto accType = cast<RankedTensorType>(acc.getType());
  Value result = RequantizeOp::create(
      b, loc, accType.clone(outElement), acc,
      b.getDenseI32ArrayAttr(multipliers), b.getDenseI8ArrayAttr(shifts),
      b.getI32IntegerAttr(outQuant.getStorageTypeMin()),
      b.getI32IntegerAttr(outQuant.getStorageTypeMax()),
      RoundingModeAttr::get(b.getContext(), RoundingMode::Single),
      multipliers.size() > 1 ? b.getI64IntegerAttr(channelAxis)
                             : IntegerAttr());
  return result;
}

//===----------------------------------------------------------------------===//
// Converters
//===----------------------------------------------------------------------===//

using Converter = LogicalResult (*)(ONNXImporter &, const Node &);

/// Builds the conv2d of a Conv, QLinearConv or ConvInteger node.
FailureOr<Value> buildConv(ONNXImporter &importer, const Node &node,
                           Value input, Value weight, Value bias,
                           Type resultElement) {
  OpBuilder &b = importer.getBuilder();
  if (failed(require2D(importer, node, input)) ||
      failed(require2D(importer, node, weight)))
    return failure();
  auto weightType = cast<RankedTensorType>(weight.getType());
  SmallVector<int64_t> kernel(weightType.getShape().drop_front(2));
  SmallVector<int64_t> kernelShape = getInts(node, "kernel_shape", kernel);
  if (kernelShape != kernel)
    return importer.nodeError(node) << "kernel_shape does not match the weight";
  SmallVector<int64_t> strides = getInts(node, "strides", {1, 1});
  SmallVector<int64_t> dilations = getInts(node, "dilations", {1, 1});
  if (strides.size() != 2 || dilations.size() != 2)
    return importer.nodeError(node) << "expects 2 strides and 2 dilations";
  FailureOr<SmallVector<int64_t>> pads =
      getWindowPads(importer, node, cast<RankedTensorType>(input.getType()),
                    kernel, strides, dilations);
  if (failed(pads))
    return failure();
  RankedTensorType resultType =
      importer.getOutputType(node, 0, resultElement);
  if (!resultType)
    return failure();
  return Conv2DOp::create(b, importer.getLoc(node), resultType, input,
                          weight, bias, b.getDenseI64ArrayAttr(strides),
                          b.getDenseI64ArrayAttr(*pads),
                          b.getDenseI64ArrayAttr(dilations),
                          b.getI64IntegerAttr(getInt(node, "group", 1)))
      .getResult();
}

LogicalResult convertConv(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node,
                             {"auto_pad", "dilations", "group",
                              "kernel_shape", "pads", "strides"})))
    return failure();
  Value input = importer.getInput(node, 0);
  Value weight = importer.getInput(node, 1);
  Value bias = importer.hasInput(node, 2) ? importer.getInput(node, 2)
                                          : Value();
  if (!input || !weight || (importer.hasInput(node, 2) && !bias) ||
      failed(requireFloat(importer, node, {input, weight})))
    return failure();
  FailureOr<Value> conv = buildConv(importer, node, input, weight, bias, {});
  if (failed(conv))
    return failure();
  importer.setOutput(node, 0, *conv);
  return success();
}

LogicalResult convertGemm(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node,
                             {"alpha", "beta", "transA", "transB"})))
    return failure();
  OpBuilder &b = importer.getBuilder();
  Value a = importer.getInput(node, 0), w = importer.getInput(node, 1);
  Value c = importer.hasInput(node, 2) ? importer.getInput(node, 2) : Value();
  if (!a || !w || (importer.hasInput(node, 2) && !c) ||
      failed(requireFloat(importer, node, {a, w})))
    return failure();
  RankedTensorType type = importer.getOutputType(node, 0);
  if (!type)
    return failure();
  Value result = GemmOp::create(
      b, importer.getLoc(node), type, a, w, c,
      b.getF32FloatAttr(getFloat(node, "alpha", 1.0f)),
      b.getF32FloatAttr(getFloat(node, "beta", 1.0f)),
      getInt(node, "transA", 0) ? b.getUnitAttr() : UnitAttr(),
      getInt(node, "transB", 0) ? b.getUnitAttr() : UnitAttr());
  importer.setOutput(node, 0, result);
  return success();
}

/// Builds the matmul of a MatMul, QLinearMatMul or MatMulInteger node.
FailureOr<Value> buildMatMul(ONNXImporter &importer, const Node &node,
                             Value lhs, Value rhs, Type resultElement) {
  if (rankOf(lhs) < 2 || rankOf(rhs) < 2)
    return importer.nodeError(node)
           << "1-D operands are not supported (got " << lhs.getType()
           << " and " << rhs.getType() << ")";
  RankedTensorType type = importer.getOutputType(node, 0, resultElement);
  if (!type)
    return failure();
  return MatMulOp::create(importer.getBuilder(), importer.getLoc(node), type,
                          lhs, rhs)
      .getResult();
}

LogicalResult convertMatMul(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {})))
    return failure();
  Value lhs = importer.getInput(node, 0), rhs = importer.getInput(node, 1);
  if (!lhs || !rhs || failed(requireFloat(importer, node, {lhs, rhs})))
    return failure();
  FailureOr<Value> matmul = buildMatMul(importer, node, lhs, rhs, {});
  if (failed(matmul))
    return failure();
  importer.setOutput(node, 0, *matmul);
  return success();
}

template <typename OpTy>
LogicalResult convertBinary(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {})))
    return failure();
  Value lhs = importer.getInput(node, 0), rhs = importer.getInput(node, 1);
  if (!lhs || !rhs || failed(requireFloat(importer, node, {lhs, rhs})))
    return failure();
  RankedTensorType type = importer.getOutputType(node, 0);
  if (!type)
    return failure();
  importer.setOutput(node, 0,
                     OpTy::create(importer.getBuilder(), importer.getLoc(node),
                                  type, lhs, rhs));
  return success();
}

template <typename OpTy>
LogicalResult convertUnary(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input || failed(requireFloat(importer, node, {input})))
    return failure();
  importer.setOutput(
      node, 0,
      OpTy::create(importer.getBuilder(), importer.getLoc(node), input));
  return success();
}

/// Opset 11 and later give min and max as (constant) inputs, opset 10 as
/// attributes.
LogicalResult convertClip(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {"min", "max"})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input || failed(requireFloat(importer, node, {input})))
    return failure();
  float bounds[2] = {
      getFloat(node, "min", -std::numeric_limits<float>::infinity()),
      getFloat(node, "max", std::numeric_limits<float>::infinity())};
  for (int i = 0; i < 2; ++i) {
    if (!importer.hasInput(node, 1 + i))
      continue;
    std::optional<std::vector<float>> value =
        importer.getFloatConstant(node, 1 + i);
    if (!value)
      return failure();
    if (value->size() != 1)
      return importer.nodeError(node) << "min and max must be scalars";
    bounds[i] = (*value)[0];
  }
  OpBuilder &b = importer.getBuilder();
  importer.setOutput(node, 0,
                     ClipOp::create(b, importer.getLoc(node), input,
                                    b.getF32FloatAttr(bounds[0]),
                                    b.getF32FloatAttr(bounds[1])));
  return success();
}

LogicalResult convertLeakyRelu(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {"alpha"})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input || failed(requireFloat(importer, node, {input})))
    return failure();
  OpBuilder &b = importer.getBuilder();
  importer.setOutput(
      node, 0,
      LeakyReluOp::create(b, importer.getLoc(node), input,
                          b.getF32FloatAttr(getFloat(node, "alpha", 0.01f))));
  return success();
}

LogicalResult convertBatchNorm(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node,
                             {"epsilon", "momentum", "training_mode"})))
    return failure();
  if (getInt(node, "training_mode", 0))
    return importer.nodeError(node) << "training_mode = 1 is not supported";
  if (failed(importer.requireUnusedOutput(node, 1)) ||
      failed(importer.requireUnusedOutput(node, 2)))
    return failure();
  SmallVector<Value> operands;
  for (int i = 0; i < 5; ++i) {
    operands.push_back(importer.getInput(node, i));
    if (!operands.back())
      return failure();
  }
  if (failed(requireFloat(importer, node, operands)))
    return failure();
  OpBuilder &b = importer.getBuilder();
  importer.setOutput(
      node, 0,
      BatchNormOp::create(b, importer.getLoc(node), operands[0].getType(),
                          operands[0], operands[1], operands[2], operands[3],
                          operands[4],
                          b.getF32FloatAttr(getFloat(node, "epsilon", 1e-5f))));
  return success();
}

LogicalResult convertPool(ONNXImporter &importer, const Node &node) {
  bool isMax = node.op_type() == "MaxPool";
  if (failed(checkAttributes(
          importer, node,
          {"auto_pad", "ceil_mode", "count_include_pad", "dilations",
           "kernel_shape", "pads", "storage_order", "strides"})))
    return failure();
  if ((isMax && findAttribute(node, "count_include_pad")) ||
      (!isMax && findAttribute(node, "storage_order")) ||
      (!isMax && findAttribute(node, "dilations")))
    return importer.nodeError(node) << "has an attribute of the other pooling";
  if (getInt(node, "storage_order", 0))
    return importer.nodeError(node) << "storage_order = 1 is not supported";
  if (failed(importer.requireUnusedOutput(node, 1)))
    return failure();
  Value input = importer.getInput(node, 0);
  // MaxPool also takes (u)int8 values: the maximum of stored values.
  if (!input || (!isMax && failed(requireFloat(importer, node, {input}))) ||
      failed(require2D(importer, node, input)))
    return failure();
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  if (!element.isF32() && !isa<quant::UniformQuantizedType>(element))
    return importer.nodeError(node) << "unsupported element type " << element;
  SmallVector<int64_t> kernel = getInts(node, "kernel_shape", {});
  SmallVector<int64_t> strides = getInts(node, "strides", {1, 1});
  SmallVector<int64_t> dilations = getInts(node, "dilations", {1, 1});
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2)
    return importer.nodeError(node)
           << "expects a 2-D kernel_shape, strides and dilations";
  FailureOr<SmallVector<int64_t>> pads =
      getWindowPads(importer, node, cast<RankedTensorType>(input.getType()),
                    kernel, strides, dilations);
  RankedTensorType type = importer.getOutputType(node, 0, element);
  if (failed(pads) || !type)
    return failure();
  OpBuilder &b = importer.getBuilder();
  UnitAttr ceilMode = getInt(node, "ceil_mode", 0) ? b.getUnitAttr() : UnitAttr();
  Value result;
  if (isMax)
    result = MaxPoolOp::create(b, importer.getLoc(node), type, input,
                               b.getDenseI64ArrayAttr(kernel),
                               b.getDenseI64ArrayAttr(strides),
                               b.getDenseI64ArrayAttr(*pads),
                               b.getDenseI64ArrayAttr(dilations), ceilMode);
  else
    result = AveragePoolOp::create(
        b, importer.getLoc(node), type, input, b.getDenseI64ArrayAttr(kernel),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(*pads),
        getInt(node, "count_include_pad", 0) ? b.getUnitAttr() : UnitAttr(),
        ceilMode);
  importer.setOutput(node, 0, result);
  return success();
}

LogicalResult convertGlobalAveragePool(ONNXImporter &importer,
                                       const Node &node) {
  if (failed(checkAttributes(importer, node, {})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input || failed(requireFloat(importer, node, {input})))
    return failure();
  RankedTensorType type = importer.getOutputType(node, 0);
  if (!type)
    return failure();
  importer.setOutput(node, 0,
                     GlobalAveragePoolOp::create(importer.getBuilder(),
                                                 importer.getLoc(node), type,
                                                 input));
  return success();
}

/// Reshape, Flatten, Squeeze, Unsqueeze: the result shape is the one shape
/// inference computed; the shape/axes inputs need not be read again.
LogicalResult convertReshape(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {"allowzero", "axis", "axes"})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input)
    return failure();
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  RankedTensorType type = importer.getOutputType(node, 0, element);
  if (!type)
    return failure();
  importer.setOutput(node, 0,
                     ReshapeOp::create(importer.getBuilder(),
                                       importer.getLoc(node), type, input));
  return success();
}

LogicalResult convertTranspose(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {"perm"})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input)
    return failure();
  int64_t rank = rankOf(input);
  SmallVector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  SmallVector<int64_t> permutation = getInts(node, "perm", reversed);
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  RankedTensorType type = importer.getOutputType(node, 0, element);
  if (!type)
    return failure();
  OpBuilder &b = importer.getBuilder();
  importer.setOutput(node, 0,
                     TransposeOp::create(b, importer.getLoc(node), type, input,
                                         b.getDenseI64ArrayAttr(permutation)));
  return success();
}

LogicalResult convertConcat(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {"axis"})))
    return failure();
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    inputs.push_back(importer.getInput(node, i));
    if (!inputs.back())
      return failure();
  }
  Type element = cast<RankedTensorType>(inputs[0].getType()).getElementType();
  RankedTensorType type = importer.getOutputType(node, 0, element);
  if (!type)
    return failure();
  OpBuilder &b = importer.getBuilder();
  int64_t axis = normalizeAxis(getInt(node, "axis", 0), type.getRank());
  importer.setOutput(node, 0,
                     ConcatOp::create(b, importer.getLoc(node), type, inputs,
                                      b.getI64IntegerAttr(axis)));
  return success();
}

/// Opset 13 and later: softmax along `axis` (default -1). Before: the input
/// is viewed as 2-D [prod(dims < axis), prod(dims >= axis)] (default axis
/// 1) and softmax runs along the second dimension.
LogicalResult convertSoftmax(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {"axis"})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input || failed(requireFloat(importer, node, {input})))
    return failure();
  OpBuilder &b = importer.getBuilder();
  Location loc = importer.getLoc(node);
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  bool coerced = importer.getOpset() < 13;
  int64_t axis =
      normalizeAxis(getInt(node, "axis", coerced ? 1 : -1), rank);
  if (axis < 0 || axis >= rank)
    return importer.nodeError(node) << "axis out of range";
  if (!coerced || axis == rank - 1) {
    importer.setOutput(node, 0,
                       SoftmaxOp::create(b, loc, input,
                                         b.getI64IntegerAttr(axis)));
    return success();
  }
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= type.getDimSize(i);
  auto flat = RankedTensorType::get({outer, inner}, type.getElementType());
  Value reshaped = ReshapeOp::create(b, loc, flat, input);
  Value softmax = SoftmaxOp::create(b, loc, reshaped, b.getI64IntegerAttr(1));
  importer.setOutput(node, 0, ReshapeOp::create(b, loc, type, softmax));
  return success();
}

LogicalResult convertIdentity(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {"seed", "ratio"})))
    return failure();
  if (node.op_type() == "Dropout") {
    if (failed(importer.requireUnusedOutput(node, 1)))
      return failure();
    if (importer.hasInput(node, 2)) {
      std::optional<std::vector<int64_t>> training =
          importer.getIntConstant(node, 2);
      if (!training)
        return failure();
      if (!training->empty() && (*training)[0] != 0)
        return importer.nodeError(node)
               << "training_mode = true is not supported";
    }
  }
  // The Identity of a constant is a constant (exporters share scales and
  // zero points that way), so that it can feed constant-only inputs.
  if (const onnx::TensorProto *constant = importer.getConstantInput(node, 0)) {
    importer.registerConstant(node.output(0), *constant);
    return success();
  }
  Value input = importer.getInput(node, 0);
  if (!input)
    return failure();
  importer.setOutput(node, 0, input);
  return success();
}

LogicalResult convertConstant(ONNXImporter &importer, const Node &node) {
  if (node.attribute_size() != 1)
    return importer.nodeError(node) << "expects exactly one attribute";
  const onnx::AttributeProto &attribute = node.attribute(0);
  onnx::TensorProto tensor;
  if (attribute.name() == "value") {
    tensor = attribute.t();
  } else if (attribute.name() == "value_float") {
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    tensor.add_float_data(attribute.f());
  } else if (attribute.name() == "value_floats") {
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    tensor.add_dims(attribute.floats_size());
    for (float f : attribute.floats())
      tensor.add_float_data(f);
  } else if (attribute.name() == "value_int") {
    tensor.set_data_type(onnx::TensorProto::INT64);
    tensor.add_int64_data(attribute.i());
  } else if (attribute.name() == "value_ints") {
    tensor.set_data_type(onnx::TensorProto::INT64);
    tensor.add_dims(attribute.ints_size());
    for (int64_t i : attribute.ints())
      tensor.add_int64_data(i);
  } else {
    return importer.nodeError(node)
           << "attribute '" << attribute.name() << "' is not supported";
  }
  importer.registerConstant(node.output(0), tensor);
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization: QDQ and QOperator
//===----------------------------------------------------------------------===//

LogicalResult convertQuantizeLinear(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {"axis"})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input || failed(requireFloat(importer, node, {input})))
    return failure();
  FailureOr<QuantParams> params =
      getQuantParams(importer, node, 1, 2, onnx::TensorProto::UINT8);
  if (failed(params) || failed(checkZeroPoints(importer, node, *params)))
    return failure();
  OpBuilder &b = importer.getBuilder();
  auto type = cast<RankedTensorType>(input.getType());
  int64_t axis = normalizeAxis(getInt(node, "axis", 1), type.getRank());
  Type element = getQuantizedType(b, *params, axis);
  importer.setOutput(node, 0,
                     quant::QuantizeCastOp::create(
                         b, importer.getLoc(node), type.clone(element), input));
  return success();
}

LogicalResult convertDequantizeLinear(ONNXImporter &importer,
                                      const Node &node) {
  if (failed(checkAttributes(importer, node, {"axis"})))
    return failure();
  Value input = importer.getInput(node, 0);
  if (!input)
    return failure();
  FailureOr<QuantParams> params =
      getQuantParams(importer, node, 1, 2, onnx::TensorProto::UINT8);
  if (failed(params))
    return failure();
  // Without a zero point the input's own type gives the storage.
  if (!importer.hasInput(node, 2)) {
    Type element = cast<RankedTensorType>(input.getType()).getElementType();
    if (auto quantized = dyn_cast<quant::QuantizedType>(element)) {
      params->isSigned = quantized.isSigned();
      params->bits = quantized.getStorageTypeIntegralWidth();
    } else if (element.isInteger(32)) {
      params->isSigned = true;
      params->bits = 32;
    }
  }
  if (failed(checkZeroPoints(importer, node, *params)) ||
      failed(checkStorage(importer, node, input, *params)))
    return failure();
  OpBuilder &b = importer.getBuilder();
  Location loc = importer.getLoc(node);
  auto type = cast<RankedTensorType>(input.getType());
  int64_t axis = normalizeAxis(getInt(node, "axis", 1), type.getRank());
  Value quantized = retype(b, loc, input, getQuantizedType(b, *params, axis));
  importer.setOutput(node, 0,
                     quant::DequantizeCastOp::create(
                         b, loc, type.clone(b.getF32Type()), quantized));
  return success();
}

/// Reads the zero point `zeroIndex` (optional) of integer operand `value`
/// and gives it the quantized type with that zero point and scale `scale`
/// (per axis `axis` when several).
FailureOr<Value> quantizedOperand(ONNXImporter &importer, const Node &node,
                                  Value value, int scaleIndex, int zeroIndex,
                                  int64_t axis, QuantParams *paramsOut) {
  QuantParams params;
  if (scaleIndex >= 0) {
    FailureOr<QuantParams> read =
        getQuantParams(importer, node, scaleIndex, zeroIndex,
                       onnx::TensorProto::UINT8);
    if (failed(read))
      return failure();
    params = *read;
  } else {
    params.scales = {1.0f};
    params.zeroPoints = {0};
    if (importer.hasInput(node, zeroIndex)) {
      std::optional<std::vector<int64_t>> zeros =
          importer.getIntConstant(node, zeroIndex);
      if (!zeros)
        return failure();
      params.zeroPoints = *zeros;
      params.scales.assign(zeros->size(), 1.0f);
    }
  }
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  auto quantized = dyn_cast<quant::QuantizedType>(element);
  if (!quantized)
    return importer.nodeError(node)
           << "expects uint8 or int8 operands, got " << value.getType();
  params.isSigned = quantized.isSigned();
  params.bits = quantized.getStorageTypeIntegralWidth();
  if (failed(checkZeroPoints(importer, node, params)))
    return failure();
  if (paramsOut)
    *paramsOut = params;
  OpBuilder &b = importer.getBuilder();
  return retype(b, importer.getLoc(node), value,
                getQuantizedType(b, params, axis));
}

LogicalResult convertQLinearConv(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node,
                             {"auto_pad", "dilations", "group",
                              "kernel_shape", "pads", "strides"})))
    return failure();
  Value x = importer.getInput(node, 0), w = importer.getInput(node, 3);
  Value bias = importer.hasInput(node, 8) ? importer.getInput(node, 8)
                                          : Value();
  if (!x || !w || (importer.hasInput(node, 8) && !bias))
    return failure();
  QuantParams xParams, wParams;
  FailureOr<Value> input =
      quantizedOperand(importer, node, x, 1, 2, 0, &xParams);
  if (failed(input))
    return failure();
  FailureOr<Value> weight =
      quantizedOperand(importer, node, w, 4, 5, 0, &wParams);
  if (failed(weight))
    return failure();
  FailureOr<QuantParams> yParams =
      getQuantParams(importer, node, 6, 7, onnx::TensorProto::UINT8);
  if (failed(yParams) || failed(checkZeroPoints(importer, node, *yParams)))
    return failure();
  if (xParams.scales.size() != 1 || yParams->scales.size() != 1)
    return importer.nodeError(node) << "x and y must be quantized per tensor";
  OpBuilder &b = importer.getBuilder();
  FailureOr<Value> acc =
      buildConv(importer, node, *input, *weight, bias, b.getI32Type());
  if (failed(acc))
    return failure();
  bool failedRequantize = false;
  Value result =
      buildRequantize(importer, node, *acc, xParams.scales[0], wParams.scales,
                      *yParams, /*channelAxis=*/1, failedRequantize);
  if (failedRequantize)
    return failure();
  importer.setOutput(node, 0, result);
  return success();
}

LogicalResult convertQLinearMatMul(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {})))
    return failure();
  Value a = importer.getInput(node, 0), bValue = importer.getInput(node, 3);
  if (!a || !bValue)
    return failure();
  if (rankOf(a) < 2 || rankOf(bValue) < 2)
    return importer.nodeError(node) << "1-D operands are not supported";
  QuantParams aParams, bParams;
  FailureOr<Value> lhs = quantizedOperand(importer, node, a, 1, 2, 0, &aParams);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = quantizedOperand(importer, node, bValue, 4, 5,
                                          rankOf(bValue) - 1, &bParams);
  if (failed(rhs))
    return failure();
  FailureOr<QuantParams> yParams =
      getQuantParams(importer, node, 6, 7, onnx::TensorProto::UINT8);
  if (failed(yParams) || failed(checkZeroPoints(importer, node, *yParams)))
    return failure();
  if (aParams.scales.size() != 1 || yParams->scales.size() != 1)
    return importer.nodeError(node) << "a and y must be quantized per tensor";
  OpBuilder &b = importer.getBuilder();
  FailureOr<Value> acc = buildMatMul(importer, node, *lhs, *rhs, b.getI32Type());
  if (failed(acc))
    return failure();
  bool failedRequantize = false;
  Value result = buildRequantize(importer, node, *acc, aParams.scales[0],
                                 bParams.scales, *yParams,
                                 rankOf(*acc) - 1, failedRequantize);
  if (failedRequantize)
    return failure();
  importer.setOutput(node, 0, result);
  return success();
}

LogicalResult convertConvInteger(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node,
                             {"auto_pad", "dilations", "group",
                              "kernel_shape", "pads", "strides"})))
    return failure();
  Value x = importer.getInput(node, 0), w = importer.getInput(node, 1);
  if (!x || !w)
    return failure();
  FailureOr<Value> input = quantizedOperand(importer, node, x, -1, 2, 0, {});
  if (failed(input))
    return failure();
  FailureOr<Value> weight = quantizedOperand(importer, node, w, -1, 3, 0, {});
  if (failed(weight))
    return failure();
  if (isa<quant::UniformQuantizedPerAxisType>(
          cast<RankedTensorType>((*input).getType()).getElementType()))
    return importer.nodeError(node) << "x_zero_point must be a scalar";
  FailureOr<Value> acc = buildConv(importer, node, *input, *weight, Value(),
                                   importer.getBuilder().getI32Type());
  if (failed(acc))
    return failure();
  importer.setOutput(node, 0, *acc);
  return success();
}

LogicalResult convertMatMulInteger(ONNXImporter &importer, const Node &node) {
  if (failed(checkAttributes(importer, node, {})))
    return failure();
  Value a = importer.getInput(node, 0), bValue = importer.getInput(node, 1);
  if (!a || !bValue)
    return failure();
  if (rankOf(a) < 2 || rankOf(bValue) < 2)
    return importer.nodeError(node) << "1-D operands are not supported";
  FailureOr<Value> lhs = quantizedOperand(importer, node, a, -1, 2, 0, {});
  if (failed(lhs))
    return failure();
  if (isa<quant::UniformQuantizedPerAxisType>(
          cast<RankedTensorType>((*lhs).getType()).getElementType()))
    return importer.nodeError(node)
           << "a per-row a_zero_point is not supported";
  FailureOr<Value> rhs =
      quantizedOperand(importer, node, bValue, -1, 3, rankOf(bValue) - 1, {});
  if (failed(rhs))
    return failure();
  FailureOr<Value> acc = buildMatMul(importer, node, *lhs, *rhs,
                                     importer.getBuilder().getI32Type());
  if (failed(acc))
    return failure();
  importer.setOutput(node, 0, *acc);
  return success();
}

Converter getConverter(llvm::StringRef opType) {
  return llvm::StringSwitch<Converter>(opType)
      .Case("Conv", convertConv)
      .Case("Gemm", convertGemm)
      .Case("MatMul", convertMatMul)
      .Case("Add", convertBinary<AddOp>)
      .Case("Sub", convertBinary<SubOp>)
      .Case("Mul", convertBinary<MulOp>)
      .Case("Relu", convertUnary<ReluOp>)
      .Case("Sigmoid", convertUnary<SigmoidOp>)
      .Case("Tanh", convertUnary<TanhOp>)
      .Case("HardSwish", convertUnary<HardSwishOp>)
      .Case("Sign", convertUnary<SignOp>)
      .Case("Clip", convertClip)
      .Case("LeakyRelu", convertLeakyRelu)
      .Case("BatchNormalization", convertBatchNorm)
      .Cases({"MaxPool", "AveragePool"}, convertPool)
      .Case("GlobalAveragePool", convertGlobalAveragePool)
      .Cases({"Flatten", "Reshape", "Squeeze", "Unsqueeze"}, convertReshape)
      .Case("Transpose", convertTranspose)
      .Case("Concat", convertConcat)
      .Case("Softmax", convertSoftmax)
      .Cases({"Identity", "Dropout"}, convertIdentity)
      .Case("Constant", convertConstant)
      .Case("QuantizeLinear", convertQuantizeLinear)
      .Case("DequantizeLinear", convertDequantizeLinear)
      .Case("QLinearConv", convertQLinearConv)
      .Case("QLinearMatMul", convertQLinearMatMul)
      .Case("ConvInteger", convertConvInteger)
      .Case("MatMulInteger", convertMatMulInteger)
      .Default(nullptr);
}

} // namespace

/// Gives `value` (a quantized or integer tensor) the element type `element`,
/// which has the same storage: a constant is re-created with it, anything
/// else goes through its storage type with two quant.scast.
Value mlir::lowbit::onnx_import::retype(OpBuilder &b, Location loc,
                                        Value value, Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  RankedTensorType target = type.clone(element);
  if (auto constant = value.getDefiningOp<ConstantOp>())
    return ConstantOp::create(b, loc, target, constant.getValue());
  Type storage = type.getElementType();
  if (auto quantized = dyn_cast<quant::QuantizedType>(storage))
    storage = quantized.getStorageType();
  Value stored =
      quant::StorageCastOp::create(b, loc, type.clone(storage), value);
  return quant::StorageCastOp::create(b, loc, target, stored);
}

bool mlir::lowbit::onnx_import::isSupportedOp(llvm::StringRef opType) {
  return getConverter(opType) != nullptr;
}

LogicalResult mlir::lowbit::onnx_import::convertNode(ONNXImporter &importer,
                                                     const onnx::NodeProto &node) {
  return getConverter(node.op_type())(importer, node);
}
