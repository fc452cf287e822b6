//===- Quantize.cpp - Calibrated float graph to quantized ops ---*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Walks the (single-block) model function in order and builds, for every
// float value, its quantized counterpart. The types follow from the
// calibrated ranges; weights and biases are quantized at compile time; the
// requantization multipliers are computed with the reference arithmetic of
// lib/Support/FixedPoint.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/CalibratedRange.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "lowbit/Support/Calibration.h"
#include "lowbit/Support/FixedPoint.h"
#include "lowbit/Support/Softmax.h"
#include "lowbit/Support/WeightCodes.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITQUANTIZE
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;
using ::lowbit::AffineParams;
using ::lowbit::chooseAsymmetric;
using ::lowbit::chooseSymmetric;
using ::lowbit::chooseSymmetricPerChannel;
using ::lowbit::CodedWeights;
using ::lowbit::WeightCode;
using ::lowbit::perChannelRanges;
/// A real range [min, max] (not mlir::Range).
using RealRange = ::lowbit::Range;

namespace {

/// The name an op carries from ONNX (its NameLoc), or "".
StringRef getNodeName(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().getValue();
  return "";
}

/// The float values of a float32 lowbit.constant.
std::optional<std::vector<float>> getFloatConstant(Value value) {
  auto constant = value ? value.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!constant)
    return std::nullopt;
  return constant.getFloatValues();
}

class Quantizer {
public:
  Quantizer(func::FuncOp function, bool signedActivations,
            bool symmetricActivations, bool perTensorWeights,
            ArrayRef<std::string> keepFloat, int weightBits,
            llvm::StringMap<int> layerBits, bool detectLowBit)
      : function(function), builder(function.getContext()),
        signedActivations(signedActivations),
        symmetricActivations(symmetricActivations),
        perTensorWeights(perTensorWeights),
        keepFloat(llvm::from_range, keepFloat), weightBits(weightBits),
        layerBits(std::move(layerBits)), detectLowBit(detectLowBit) {}

  LogicalResult run();

private:
  /// The quantized type of activations with range `range`.
  quant::UniformQuantizedType getActivationType(RealRange range);
  /// The quantized type chosen for the float value `value` (from its own
  /// range, or from the range of the activation that is its only user).
  FailureOr<quant::UniformQuantizedType> getTypeFor(Value value);
  /// The quantized counterpart of `value`.
  Value lookup(Value value) { return mapping.lookupOrNull(value); }

  LogicalResult quantizeOp(Operation *op);
  LogicalResult quantizeLinear(Operation *op);
  LogicalResult quantizeActivation(Operation *op);
  /// A Sign whose every user is a binary layer becomes lowbit.binarize.
  bool quantizeSignAsBinarize(SignOp sign);
  /// Add and Concat: every input is rescaled to the result's type (a
  /// requantize of q - Z_in by s_in / s_out) and the op works on that type.
  LogicalResult quantizeRescaled(Operation *op);
  /// Softmax: lowbit.quantized_softmax with its fixed result type.
  LogicalResult quantizeSoftmax(SoftmaxOp op);
  /// A requantize of the per-tensor quantized `quantized` to `type` (the
  /// rescale M = s_in / s_out), or `quantized` itself if it has that type.
  FailureOr<Value> rescale(Operation *op, Value quantized,
                           quant::UniformQuantizedType type);

  /// The operands of a conv2d, gemm or matmul, and its weight as
  /// [channels, depth] rows (transposed and scaled by gemm's alpha).
  struct LinearLayer {
    Value input, weight, bias;
    bool transposed = false;
    double biasFactor = 1.0;
    std::vector<float> rows;
    SmallVector<int64_t> shape;
  };
  FailureOr<LinearLayer> getLinearLayer(Operation *op);
  /// The sub-8-bit form of a layer's weights: the bits asked for
  /// (`layer-bits`, `weight-bits`), or else the low-bit form it was trained
  /// in (with `detect-low-bit`); nullopt for plain int8.
  std::optional<CodedWeights> chooseWeightCode(Operation *op,
                                               const LinearLayer &layer);
  /// Whether `op` is a layer a Sign result `signs` can feed as packed bits:
  /// a conv2d (one group) or gemm/matmul reading it, with binary weights.
  bool isBinaryLayer(Operation *op, Value signs);

  /// Weights as [channels, depth] rows, quantized symmetric int8 per channel
  /// (or per tensor), in a sub-8-bit form (`chooseWeightCode`), or with the
  /// type a QDQ model fixed (`annotation`, whose axis is 1 when the weight
  /// was transposed into rows).
  struct QuantizedWeights {
    Type element;
    SmallVector<double> scales;
    std::vector<int8_t> stored;
    WeightCode code = WeightCode::Int8;
  };
  FailureOr<QuantizedWeights> quantizeWeights(Operation *op,
                                              const LinearLayer &layer,
                                              quant::QuantizedType annotation);
  LogicalResult keepInFloat(Operation *op);

  InFlightDiagnostic error(Operation *op) {
    return op->emitError() << "cannot quantize '" << getNodeName(op) << "' ("
                           << op->getName() << "): ";
  }

  func::FuncOp function;
  OpBuilder builder;
  bool signedActivations, symmetricActivations, perTensorWeights;
  llvm::StringSet<> keepFloat;
  int weightBits;
  llvm::StringMap<int> layerBits;
  bool detectLowBit;
  IRMapping mapping;
};

quant::UniformQuantizedType
Quantizer::getActivationType(RealRange range) {
  int64_t qmin = signedActivations ? -128 : 0;
  int64_t qmax = signedActivations ? 127 : 255;
  AffineParams params =
      symmetricActivations
          ? chooseSymmetric(range, (qmax - qmin) / 2)
          : chooseAsymmetric(range, qmin, qmax);
  int64_t zeroPoint = params.zeroPoint;
  if (symmetricActivations && !signedActivations)
    zeroPoint = 128;
  return quant::UniformQuantizedType::get(
      signedActivations ? quant::QuantizationFlags::Signed : 0,
      builder.getIntegerType(8), builder.getF32Type(), params.scale,
      zeroPoint, qmin, qmax);
}

/// Activations a conv or gemm adopts the range of, when it is their only
/// user: the fused activation of TFLite and ONNX Runtime.
static bool isFusableActivation(Operation *op) {
  return isa<ReluOp, ClipOp>(op);
}

FailureOr<quant::UniformQuantizedType> Quantizer::getTypeFor(Value value) {
  Value ranged = value;
  if (value.hasOneUse() && isFusableActivation(*value.getUsers().begin()))
    ranged = value.getUsers().begin()->getResult(0);
  if (auto fixed = dyn_cast_or_null<quant::UniformQuantizedType>(
          getQuantizedTypeAnnotation(ranged)))
    return fixed;
  if (auto fixed = dyn_cast_or_null<quant::UniformQuantizedType>(
          getQuantizedTypeAnnotation(value)))
    return fixed;
  std::optional<CalibratedRange> range = getCalibratedRange(ranged);
  if (!range) {
    Operation *op = value.getDefiningOp();
    InFlightDiagnostic diag =
        op ? error(op) : function.emitError("cannot quantize an argument: ");
    diag << "no calibrated range (run calibration first)";
    return failure();
  }
  return getActivationType(RealRange{range->min, range->max});
}

LogicalResult Quantizer::run() {
  Block &body = function.getBody().front();
  // Arguments take their quantized types in place.
  for (BlockArgument argument : body.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(argument.getType());
    if (!type || !type.getElementType().isF32())
      return function.emitError("cannot quantize argument #")
             << argument.getArgNumber() << " of type " << argument.getType();
    FailureOr<quant::UniformQuantizedType> element = getTypeFor(argument);
    if (failed(element))
      return failure();
    // A float copy keeps the float users valid until they are rewritten.
    builder.setInsertionPointToStart(&body);
    Value quantized = argument;
    argument.setType(type.clone(*element));
    Value real = quant::DequantizeCastOp::create(builder, function.getLoc(),
                                                 type, quantized);
    argument.replaceAllUsesExcept(real, real.getDefiningOp());
    mapping.map(real, quantized);
  }
  for (Operation &op : llvm::make_early_inc_range(body)) {
    if (isa<quant::DequantizeCastOp>(op) && mapping.contains(op.getResult(0)))
      continue;
    if (failed(quantizeOp(&op)))
      return failure();
  }
  // Result types follow the returned values.
  auto terminator = cast<func::ReturnOp>(body.getTerminator());
  function.setType(builder.getFunctionType(body.getArgumentTypes(),
                                           terminator.getOperandTypes()));
  for (BlockArgument argument : body.getArguments()) {
    function.removeArgAttr(argument.getArgNumber(),
                           getCalibratedRangeAttrName());
    function.removeArgAttr(argument.getArgNumber(),
                           getQuantizedTypeAttrName());
  }
  // The float graph is dead now.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (&op != terminator && isOpTriviallyDead(&op))
      op.erase();
  return success();
}

LogicalResult Quantizer::quantizeOp(Operation *op) {
  builder.setInsertionPoint(op);
  if (!getNodeName(op).empty() && keepFloat.contains(getNodeName(op)))
    return keepInFloat(op);
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<ConstantOp>([](auto) { return success(); })
      .Case<func::ReturnOp>([&](func::ReturnOp ret) -> LogicalResult {
        for (OpOperand &operand : ret->getOpOperands()) {
          Value quantized = lookup(operand.get());
          if (!quantized)
            return error(op) << "result #" << operand.getOperandNumber()
                             << " is not quantized";
          operand.set(quantized);
        }
        return success();
      })
      .Case<Conv2DOp, GemmOp, MatMulOp>(
          [&](Operation *linear) { return quantizeLinear(linear); })
      .Case<SignOp>([&](SignOp sign) {
        if (quantizeSignAsBinarize(sign))
          return success();
        return quantizeActivation(sign);
      })
      .Case<ReluOp, ClipOp, LeakyReluOp, SigmoidOp, TanhOp, HardSwishOp>(
          [&](Operation *activation) {
        return quantizeActivation(activation);
      })
      .Case<AddOp, ConcatOp>([&](Operation *combine) -> LogicalResult {
        return quantizeRescaled(combine);
      })
      .Case<SoftmaxOp>(
          [&](SoftmaxOp softmax) { return quantizeSoftmax(softmax); })
      .Case<MaxPoolOp, AveragePoolOp, GlobalAveragePoolOp, ReshapeOp,
            TransposeOp>([&](Operation *same) -> LogicalResult {
        // Same scale and zero point as the input.
        Value input = lookup(same->getOperand(0));
        if (!input)
          return error(op) << "its input is not quantized";
        Type element =
            cast<RankedTensorType>(input.getType()).getElementType();
        Operation *clone = builder.clone(*same);
        clone->removeAttr(getCalibratedRangeAttrName());
        clone->removeAttr(getQuantizedTypeAttrName());
        clone->setOperand(0, input);
        clone->getResult(0).setType(
            cast<RankedTensorType>(same->getResult(0).getType())
                .clone(element));
        mapping.map(same->getResult(0), clone->getResult(0));
        return success();
      })
      .Default([&](Operation *) -> LogicalResult {
        return error(op) << "this op is not supported by the quantizer; "
                            "keep it in float with --keep-float="
                         << getNodeName(op);
      });
}

FailureOr<Quantizer::LinearLayer> Quantizer::getLinearLayer(Operation *op) {
  LinearLayer layer;
  double weightFactor = 1.0;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    layer.input = conv.getInput();
    layer.weight = conv.getWeight();
    layer.bias = conv.getBias();
  } else if (auto gemm = dyn_cast<GemmOp>(op)) {
    if (gemm.getTransA())
      return error(op) << "trans_a is not supported";
    layer.input = gemm.getA();
    layer.weight = gemm.getB();
    layer.bias = gemm.getC();
    layer.transposed = !gemm.getTransB();
    weightFactor = gemm.getAlpha().convertToDouble();
    layer.biasFactor = gemm.getBeta().convertToDouble();
  } else {
    auto matmul = cast<MatMulOp>(op);
    layer.input = matmul.getLhs();
    layer.weight = matmul.getRhs();
    layer.transposed = true;
  }
  std::optional<std::vector<float>> weights = getFloatConstant(layer.weight);
  if (!weights)
    return error(op) << "the weight must be a float constant";
  layer.shape.assign(
      cast<RankedTensorType>(layer.weight.getType()).getShape().begin(),
      cast<RankedTensorType>(layer.weight.getType()).getShape().end());
  if (!isa<Conv2DOp>(op) &&
      (layer.shape.size() != 2 ||
       cast<RankedTensorType>(layer.input.getType()).getRank() != 2))
    return error(op) << "only rank-2 matrix products are supported";
  // The weight as [channels, depth] rows, one row per output channel.
  layer.rows = std::move(*weights);
  if (layer.transposed) {
    std::vector<float> transposed(layer.rows.size());
    int64_t k = layer.shape[0], n = layer.shape[1];
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        transposed[j * k + i] = layer.rows[i * n + j];
    layer.rows = std::move(transposed);
    std::swap(layer.shape[0], layer.shape[1]);
  }
  for (float &w : layer.rows)
    w = static_cast<float>(w * weightFactor);
  return layer;
}

std::optional<CodedWeights>
Quantizer::chooseWeightCode(Operation *op, const LinearLayer &layer) {
  int bits = weightBits;
  auto it = layerBits.find(getNodeName(op));
  if (it != layerBits.end())
    bits = it->second;
  if (bits < 8)
    return ::lowbit::quantizeWeightsToBits(layer.rows, layer.shape[0], bits,
                                           perTensorWeights);
  // Trained low-bit forms are per channel: one scale for the tensor, when
  // asked for, wins.
  if (detectLowBit && !perTensorWeights)
    return ::lowbit::detectWeightCode(layer.rows, layer.shape[0]);
  return std::nullopt;
}

bool Quantizer::isBinaryLayer(Operation *op, Value signs) {
  if (!detectLowBit || getQuantizedTypeAnnotation(op->getOperand(1)) ||
      keepFloat.contains(getNodeName(op)))
    return false;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    if (conv.getInput() != signs || conv.getGroup() != 1)
      return false;
  } else if (auto gemm = dyn_cast<GemmOp>(op)) {
    if (gemm.getA() != signs || gemm.getTransA())
      return false;
  } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
    if (matmul.getLhs() != signs)
      return false;
  } else {
    return false;
  }
  // A diagnostic here would be premature: the layer reports it itself.
  ScopedDiagnosticHandler silence(op->getContext(),
                                  [](Diagnostic &) { return success(); });
  FailureOr<LinearLayer> layer = getLinearLayer(op);
  if (failed(layer))
    return false;
  std::optional<CodedWeights> code = chooseWeightCode(op, *layer);
  return code && code->code == WeightCode::Binary;
}

bool Quantizer::quantizeSignAsBinarize(SignOp sign) {
  Value signs = sign.getResult();
  Value input = lookup(sign.getInput());
  auto type = cast<RankedTensorType>(signs.getType());
  if (!input || signs.use_empty() ||
      !(type.getRank() == 2 || type.getRank() == 4) ||
      !llvm::all_of(signs.getUsers(), [&](Operation *user) {
        return isBinaryLayer(user, signs) &&
               (isa<Conv2DOp>(user) ? type.getRank() == 4
                                    : type.getRank() == 2);
      }))
    return false;
  // Channels (axis 1) packed 64 per word, moved innermost.
  SmallVector<int64_t> shape{type.getDimSize(0)};
  for (int64_t d = 2; d < type.getRank(); ++d)
    shape.push_back(type.getDimSize(d));
  shape.push_back(getPackedSignWords(type.getDimSize(1)));
  Value bits = BinarizeOp::create(
      builder, sign.getLoc(),
      RankedTensorType::get(shape, builder.getI64Type()), input,
      builder.getI64IntegerAttr(1));
  mapping.map(signs, bits);
  return true;
}

/// The signs of binary weights rows [channels, depth] (stored -1 or +1)
/// packed 64 per word: [O, ceil(depth / 64)] for a fully-connected layer,
/// [O, KH, KW, ceil(C / 64)] for a convolution of weight shape [O, C, KH,
/// KW] (the channel innermost).
static SmallVector<int64_t> packWeightSigns(ArrayRef<int8_t> stored,
                                            ArrayRef<int64_t> shape,
                                            SmallVector<int64_t> &packed) {
  int64_t channels = shape[0];
  int64_t c = shape[1];
  int64_t kh = shape.size() == 4 ? shape[2] : 1;
  int64_t kw = shape.size() == 4 ? shape[3] : 1;
  int64_t words = getPackedSignWords(c);
  SmallVector<int64_t> packedShape{channels};
  if (shape.size() == 4)
    packedShape.append({kh, kw});
  packedShape.push_back(words);
  packed.assign(channels * kh * kw * words, 0);
  for (int64_t o = 0; o < channels; ++o)
    for (int64_t i = 0; i < c; ++i)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          if (stored[((o * c + i) * kh + y) * kw + x] < 0)
            packed[((o * kh + y) * kw + x) * words + i / kSignsPerWord] |=
                int64_t(1) << (i % kSignsPerWord);
  return packedShape;
}

LogicalResult Quantizer::quantizeLinear(Operation *op) {
  FailureOr<LinearLayer> layer = getLinearLayer(op);
  if (failed(layer))
    return failure();
  Value x = lookup(layer->input);
  if (!x)
    return error(op) << "its input is not quantized";
  // Packed signs (a binarized Sign) or a quantized tensor.
  Type inputElement = cast<RankedTensorType>(x.getType()).getElementType();
  bool binary = inputElement.isInteger(64);
  double inputScale =
      binary ? 1.0
             : cast<quant::UniformQuantizedType>(inputElement).getScale();
  int64_t channels = layer->shape[0];

  FailureOr<QuantizedWeights> quantized = quantizeWeights(
      op, *layer, getQuantizedTypeAnnotation(layer->weight));
  if (failed(quantized))
    return failure();
  if (binary && quantized->code != WeightCode::Binary)
    return error(op) << "a binarized input needs binary weights";
  SmallVector<double> scales = quantized->scales;
  Value weightQ;
  if (binary) {
    SmallVector<int64_t> words;
    SmallVector<int64_t> packedShape =
        packWeightSigns(quantized->stored, layer->shape, words);
    auto packedType = RankedTensorType::get(packedShape, builder.getI64Type());
    weightQ = ConstantOp::create(
        builder, layer->weight.getLoc(), packedType,
        DenseElementsAttr::get(packedType, ArrayRef<int64_t>(words)));
  } else {
    auto storedType = RankedTensorType::get(layer->shape, builder.getI8Type());
    weightQ = ConstantOp::create(
        builder, layer->weight.getLoc(), storedType.clone(quantized->element),
        DenseElementsAttr::get(storedType,
                               ArrayRef<int8_t>(quantized->stored)));
  }

  // Bias in the accumulator scale s_in * s_w[c].
  Value biasQ;
  if (layer->bias) {
    std::optional<std::vector<float>> biases = getFloatConstant(layer->bias);
    if (!biases || static_cast<int64_t>(biases->size()) != channels)
      return error(op) << "the bias must be a float constant of "
                       << channels << " values";
    std::vector<int32_t> values;
    for (int64_t c = 0; c < channels; ++c) {
      double accScale = inputScale * scales[c];
      double q = std::nearbyint((*biases)[c] * layer->biasFactor / accScale);
      values.push_back(static_cast<int32_t>(
          std::clamp(q, double(INT32_MIN), double(INT32_MAX))));
    }
    auto biasType = RankedTensorType::get({channels}, builder.getI32Type());
    biasQ = ConstantOp::create(
        builder, layer->bias.getLoc(), biasType,
        DenseElementsAttr::get(biasType, ArrayRef<int32_t>(values)));
  }

  Value result = op->getResult(0);
  FailureOr<quant::UniformQuantizedType> outQuant = getTypeFor(result);
  if (failed(outQuant))
    return failure();
  auto resultType = cast<RankedTensorType>(result.getType());
  auto accType = resultType.clone(builder.getI32Type());
  Location loc = op->getLoc();
  auto conv = dyn_cast<Conv2DOp>(op);
  Value acc;
  if (conv && binary)
    acc = BinaryConv2DOp::create(
        builder, loc, accType, x, weightQ, biasQ,
        builder.getI64IntegerAttr(layer->shape[1]), conv.getStridesAttr(),
        conv.getPadsAttr(), conv.getDilationsAttr());
  else if (conv)
    acc = Conv2DOp::create(builder, loc, accType, x, weightQ, biasQ,
                           conv.getStridesAttr(), conv.getPadsAttr(),
                           conv.getDilationsAttr(), conv.getGroupAttr());
  else if (binary)
    acc = BinaryFullyConnectedOp::create(
        builder, loc, accType, x, weightQ, biasQ,
        builder.getI64IntegerAttr(layer->shape[1]));
  else
    acc = FullyConnectedOp::create(builder, loc, accType, x, weightQ, biasQ);

  SmallVector<int32_t> multipliers;
  SmallVector<int8_t> shifts;
  for (int64_t c = 0; c < (int64_t)scales.size(); ++c) {
    double real = inputScale * scales[c] / outQuant->getScale();
    std::optional<::lowbit::FixedPointMultiplier> m =
        ::lowbit::computeFixedPointMultiplier(real);
    if (!m)
      return error(op) << "the requantization multiplier " << real
                       << " is not representable";
    multipliers.push_back(m->multiplier);
    shifts.push_back(static_cast<int8_t>(m->shift));
  }
  bool perChannel = !llvm::all_equal(multipliers) || !llvm::all_equal(shifts);
  if (!perChannel) {
    multipliers.resize(1);
    shifts.resize(1);
  }
  Value requantized = RequantizeOp::create(
      builder, loc, resultType.clone(*outQuant), acc,
      builder.getDenseI32ArrayAttr(multipliers),
      builder.getDenseI8ArrayAttr(shifts),
      builder.getI32IntegerAttr(outQuant->getStorageTypeMin()),
      builder.getI32IntegerAttr(outQuant->getStorageTypeMax()),
      RoundingModeAttr::get(builder.getContext(), RoundingMode::Single),
      perChannel && conv ? builder.getI64IntegerAttr(1) : IntegerAttr());
  mapping.map(result, requantized);
  return success();
}

FailureOr<Quantizer::QuantizedWeights>
Quantizer::quantizeWeights(Operation *op, const LinearLayer &layer,
                           quant::QuantizedType annotation) {
  ArrayRef<float> weights = layer.rows;
  int64_t channels = layer.shape[0];
  int64_t depth = static_cast<int64_t>(weights.size()) / channels;
  QuantizedWeights result;
  SmallVector<int64_t> zeroPoints;
  int64_t qmin = -127, qmax = 127;
  bool isSigned = true;
  std::optional<CodedWeights> code =
      annotation ? std::nullopt : chooseWeightCode(op, layer);
  if (auto perTensor =
          dyn_cast_or_null<quant::UniformQuantizedType>(annotation)) {
    result.scales.assign(channels, perTensor.getScale());
    zeroPoints.assign(channels, perTensor.getZeroPoint());
  } else if (auto perAxis = dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(
                 annotation)) {
    if (perAxis.getQuantizedDimension() != (layer.transposed ? 1 : 0) ||
        static_cast<int64_t>(perAxis.getScales().size()) != channels)
      return error(op) << "the weight's per-axis quantization is not along "
                          "the output channels";
    result.scales = llvm::to_vector(perAxis.getScales());
    zeroPoints = llvm::to_vector(perAxis.getZeroPoints());
  } else if (code) {
    result.scales.assign(code->scales.begin(), code->scales.end());
    result.stored = std::move(code->stored);
    result.code = code->code;
    zeroPoints.assign(channels, 0);
    qmin = code->qmin;
    qmax = code->qmax;
  } else {
    std::vector<int64_t> rows{channels, depth};
    std::vector<RealRange> ranges = perChannelRanges(weights.data(), rows, 0);
    if (perTensorWeights) {
      RealRange all = ranges[0];
      for (const RealRange &r : ranges)
        all = RealRange{std::min(all.min, r.min), std::max(all.max, r.max)};
      ranges.assign(channels, all);
    }
    for (const AffineParams &params : chooseSymmetricPerChannel(ranges, 127))
      result.scales.push_back(static_cast<float>(params.scale));
    zeroPoints.assign(channels, 0);
  }
  if (annotation) {
    if (annotation.getStorageTypeIntegralWidth() != 8)
      return error(op) << "only 8-bit weights are supported";
    qmin = annotation.getStorageTypeMin();
    qmax = annotation.getStorageTypeMax();
    isSigned = annotation.isSigned();
  }
  if (!code) {
    result.stored.resize(weights.size());
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < depth; ++i)
        result.stored[c * depth + i] =
            static_cast<int8_t>(::lowbit::quantizeReal(
                weights[c * depth + i], static_cast<float>(result.scales[c]),
                static_cast<int32_t>(zeroPoints[c]),
                static_cast<int32_t>(qmin), static_cast<int32_t>(qmax)));
  }

  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  Type i8 = builder.getI8Type(), f32 = builder.getF32Type();
  bool uniform = llvm::all_equal(result.scales) && llvm::all_equal(zeroPoints);
  if (uniform && !isa_and_nonnull<quant::UniformQuantizedPerAxisType>(
                     annotation))
    result.element = quant::UniformQuantizedType::get(
        flags, i8, f32, result.scales[0], zeroPoints[0], qmin, qmax);
  else
    result.element = quant::UniformQuantizedPerAxisType::get(
        flags, i8, f32, result.scales, zeroPoints, 0, qmin, qmax);
  return result;
}

/// The real function an activation computes, in double precision.
static std::function<double(double)> getActivationFunction(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::function<double(double)>>(op)
      .Case<ReluOp>([](auto) { return [](double x) { return x > 0 ? x : 0.0; }; })
      .Case<ClipOp>([](ClipOp clip) {
        double lo = clip.getMin().convertToDouble();
        double hi = clip.getMax().convertToDouble();
        return [lo, hi](double x) { return std::min(std::max(x, lo), hi); };
      })
      .Case<LeakyReluOp>([](LeakyReluOp leaky) {
        double alpha = leaky.getAlpha().convertToDouble();
        return [alpha](double x) { return x < 0 ? alpha * x : x; };
      })
      .Case<SigmoidOp>([](auto) {
        return [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
      })
      .Case<TanhOp>([](auto) { return [](double x) { return std::tanh(x); }; })
      .Case<HardSwishOp>([](auto) {
        return [](double x) {
          return x * std::min(std::max(x / 6.0 + 0.5, 0.0), 1.0);
        };
      })
      .Case<SignOp>([](auto) {
        return [](double x) { return double((x > 0) - (x < 0)); };
      });
}

LogicalResult Quantizer::quantizeRescaled(Operation *op) {
  FailureOr<quant::UniformQuantizedType> outQuant =
      getTypeFor(op->getResult(0));
  if (failed(outQuant))
    return failure();
  SmallVector<Value> operands;
  for (Value operand : op->getOperands()) {
    Value quantized = lookup(operand);
    if (!quantized) {
      // A float constant operand is quantized straight to the result type.
      std::optional<std::vector<float>> values = getFloatConstant(operand);
      if (!values)
        return error(op) << "an input is not quantized";
      auto floatType = cast<RankedTensorType>(operand.getType());
      auto storedType = floatType.clone(
          builder.getIntegerType(outQuant->getStorageTypeIntegralWidth()));
      SmallVector<APInt> stored;
      for (float value : *values)
        stored.push_back(APInt(
            outQuant->getStorageTypeIntegralWidth(),
            ::lowbit::quantizeReal(
                value, static_cast<float>(outQuant->getScale()),
                static_cast<int32_t>(outQuant->getZeroPoint()),
                static_cast<int32_t>(outQuant->getStorageTypeMin()),
                static_cast<int32_t>(outQuant->getStorageTypeMax())),
            /*isSigned=*/true, /*implicitTrunc=*/true));
      operands.push_back(ConstantOp::create(
          builder, operand.getLoc(), floatType.clone(*outQuant),
          DenseElementsAttr::get(storedType, stored)));
      continue;
    }
    FailureOr<Value> rescaled = rescale(op, quantized, *outQuant);
    if (failed(rescaled))
      return failure();
    operands.push_back(*rescaled);
  }
  Operation *clone = builder.clone(*op);
  clone->removeAttr(getCalibratedRangeAttrName());
  clone->removeAttr(getQuantizedTypeAttrName());
  clone->setOperands(operands);
  clone->getResult(0).setType(
      cast<RankedTensorType>(op->getResult(0).getType()).clone(*outQuant));
  mapping.map(op->getResult(0), clone->getResult(0));
  return success();
}

FailureOr<Value> Quantizer::rescale(Operation *op, Value quantized,
                                    quant::UniformQuantizedType type) {
  auto tensorType = cast<RankedTensorType>(quantized.getType());
  auto inQuant = cast<quant::UniformQuantizedType>(tensorType.getElementType());
  if (inQuant == type)
    return quantized;
  double real = inQuant.getScale() / type.getScale();
  std::optional<::lowbit::FixedPointMultiplier> m =
      ::lowbit::computeFixedPointMultiplier(real);
  if (!m)
    return error(op) << "the rescaling multiplier " << real
                     << " is not representable";
  return RequantizeOp::create(
             builder, op->getLoc(), tensorType.clone(type), quantized,
             builder.getDenseI32ArrayAttr({m->multiplier}),
             builder.getDenseI8ArrayAttr({static_cast<int8_t>(m->shift)}),
             builder.getI32IntegerAttr(type.getStorageTypeMin()),
             builder.getI32IntegerAttr(type.getStorageTypeMax()),
             RoundingModeAttr::get(builder.getContext(), RoundingMode::Single),
             IntegerAttr())
      .getResult();
}

/// The exp table is computed here, in double, from the input's scale; the
/// result type is fixed (scale 1/256, zero point the storage minimum of the
/// activation type), so the result's calibrated range is not used. A QDQ
/// model that fixes another result type gets a rescale to it.
LogicalResult Quantizer::quantizeSoftmax(SoftmaxOp op) {
  Value input = lookup(op.getInput());
  if (!input)
    return error(op) << "its input is not quantized";
  auto inType = cast<RankedTensorType>(input.getType());
  auto inQuant = cast<quant::UniformQuantizedType>(inType.getElementType());
  int64_t size = inType.getDimSize(op.getAxis());
  std::optional<int32_t> shift = ::lowbit::softmaxTableShift(size);
  if (!shift)
    return error(op) << "the softmax axis has " << size
                     << " elements, too many for the int32 sum of its "
                        "exp table";
  std::vector<int32_t> table = ::lowbit::computeSoftmaxExpTable(
      inQuant.getScale(),
      inQuant.getStorageTypeMax() - inQuant.getStorageTypeMin() + 1, *shift);
  int64_t qmin = signedActivations ? -128 : 0;
  auto outQuant = quant::UniformQuantizedType::get(
      signedActivations ? quant::QuantizationFlags::Signed : 0,
      builder.getIntegerType(8), builder.getF32Type(),
      1.0 / ::lowbit::kSoftmaxOutputUnits, qmin, qmin, qmin + 255);
  Value result = QuantizedSoftmaxOp::create(
      builder, op.getLoc(), inType.clone(outQuant), input, op.getAxisAttr(),
      builder.getDenseI32ArrayAttr(table));
  if (auto fixed = dyn_cast_or_null<quant::UniformQuantizedType>(
          getQuantizedTypeAnnotation(op.getResult()))) {
    FailureOr<Value> rescaled = rescale(op, result, fixed);
    if (failed(rescaled))
      return failure();
    result = *rescaled;
  }
  mapping.map(op.getResult(), result);
  return success();
}

/// Every 8-bit input value maps through the activation, in double, and is
/// quantized to the output type: the table is exact by construction.
LogicalResult Quantizer::quantizeActivation(Operation *op) {
  Value input = lookup(op->getOperand(0));
  if (!input)
    return error(op) << "its input is not quantized";
  auto inType = cast<RankedTensorType>(input.getType());
  auto inQuant = cast<quant::UniformQuantizedType>(inType.getElementType());
  // A relu/clip whose producer took its range keeps the input's type.
  Operation *producer = op->getOperand(0).getDefiningOp();
  bool fused = isFusableActivation(op) && producer &&
               isa<Conv2DOp, GemmOp, MatMulOp>(producer) &&
               op->getOperand(0).hasOneUse();
  quant::UniformQuantizedType outQuant = inQuant;
  if (!fused) {
    FailureOr<quant::UniformQuantizedType> type =
        getTypeFor(op->getResult(0));
    if (failed(type))
      return failure();
    outQuant = *type;
  }
  std::function<double(double)> f = getActivationFunction(op);
  SmallVector<int32_t> table;
  for (int64_t q = inQuant.getStorageTypeMin();
       q <= inQuant.getStorageTypeMax(); ++q) {
    double real = inQuant.getScale() * double(q - inQuant.getZeroPoint());
    double y = f(real) / outQuant.getScale() + outQuant.getZeroPoint();
    double rounded = std::nearbyint(y);
    table.push_back(static_cast<int32_t>(
        std::clamp(rounded, double(outQuant.getStorageTypeMin()),
                   double(outQuant.getStorageTypeMax()))));
  }
  Value result = LookupOp::create(builder, op->getLoc(),
                                  inType.clone(outQuant), input,
                                  builder.getDenseI32ArrayAttr(table));
  mapping.map(op->getResult(0), result);
  return success();
}

/// Dequantizes the inputs, clones the float op, and quantizes its result.
LogicalResult Quantizer::keepInFloat(Operation *op) {
  IRMapping floatOperands;
  for (Value operand : op->getOperands())
    if (Value quantized = lookup(operand))
      floatOperands.map(operand,
                        quant::DequantizeCastOp::create(
                            builder, op->getLoc(), operand.getType(),
                            quantized));
  Operation *clone = builder.clone(*op, floatOperands);
  clone->removeAttr(getCalibratedRangeAttrName());
  clone->removeAttr(getQuantizedTypeAttrName());
  for (Value result : op->getResults()) {
    FailureOr<quant::UniformQuantizedType> type = getTypeFor(result);
    if (failed(type))
      return failure();
    Value floatResult =
        clone->getResult(cast<OpResult>(result).getResultNumber());
    mapping.map(result,
                quant::QuantizeCastOp::create(
                    builder, op->getLoc(),
                    cast<RankedTensorType>(result.getType()).clone(*type),
                    floatResult));
  }
  return success();
}

struct QuantizePass
    : public mlir::lowbit::impl::LowbitQuantizeBase<QuantizePass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal() || function.isPrivate())
      return;
    // An already quantized model (no float argument) has nothing to do.
    if (llvm::none_of(function.getArgumentTypes(), [](Type type) {
          auto tensor = dyn_cast<RankedTensorType>(type);
          return tensor && isa<FloatType>(tensor.getElementType());
        }))
      return;
    if (activationType != "u8" && activationType != "i8") {
      function.emitError("activation-type must be u8 or i8, got ")
          << activationType;
      return signalPassFailure();
    }
    auto isBitWidth = [](int bits) {
      return bits == 8 || bits == 4 || bits == 2 || bits == 1;
    };
    if (!isBitWidth(weightBits)) {
      function.emitError("weight-bits must be 8, 4, 2 or 1, got ")
          << weightBits;
      return signalPassFailure();
    }
    llvm::StringMap<int> bitsOfLayer;
    for (StringRef entry : layerBits) {
      auto [node, bitsText] = entry.rsplit(':');
      int bits = 0;
      if (node.empty() || bitsText.getAsInteger(10, bits) ||
          !isBitWidth(bits)) {
        function.emitError("layer-bits entries are NODE:BITS with BITS 8, 4, "
                           "2 or 1, got '")
            << entry << "'";
        return signalPassFailure();
      }
      bitsOfLayer[node] = bits;
    }
    Quantizer quantizer(function, activationType == "i8",
                        symmetricActivations, perTensorWeights, keepFloat,
                        weightBits, std::move(bitsOfLayer), detectLowBit);
    if (failed(quantizer.run()))
      return signalPassFailure();
  }
};
} // namespace
