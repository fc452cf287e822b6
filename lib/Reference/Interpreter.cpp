//===- Interpreter.cpp - Reference interpreter of the lowbit dialect ------===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Scalar and simple on purpose: one loop nest per op, every value an int64
// (dot products summed in 128 bits), the requantization arithmetic from
// lowbit/Support/FixedPoint.h. Nothing here is shared with the compiler's
// lowerings.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Reference/Interpreter.h"
#include "Tensors.h"

#include "lowbit/Support/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"

#include <cstring>

using namespace mlir;
using namespace mlir::lowbit;

__extension__ typedef __int128 Int128;

std::optional<StorageType> mlir::lowbit::getStorageType(Type elementType) {
  if (auto quantized = dyn_cast<quant::QuantizedType>(elementType)) {
    unsigned width = quantized.getStorageTypeIntegralWidth();
    if (width == 0 || width > 32)
      return std::nullopt;
    return StorageType{width, quantized.isSigned(),
                       quantized.getStorageTypeMin(),
                       quantized.getStorageTypeMax()};
  }
  if (auto integer = dyn_cast<IntegerType>(elementType)) {
    unsigned width = integer.getWidth();
    // Signless i64: the packed signs of the binary ops, any bit pattern.
    if (width == 64 && integer.isSignless())
      return StorageType{64, true, INT64_MIN, INT64_MAX};
    if (width == 0 || width > 32)
      return std::nullopt;
    // Signless integers (the storage of signed quantized types, and
    // accumulators) are read as signed, as the lowbit ops use them.
    if (integer.isUnsigned())
      return StorageType{width, false, 0, (int64_t(1) << width) - 1};
    return StorageType{width, true, -(int64_t(1) << (width - 1)),
                       (int64_t(1) << (width - 1)) - 1};
  }
  return std::nullopt;
}

/// The storage of the elements of the tensor type `type`; emits an error at
/// `op` and fails for anything else.
static FailureOr<StorageType> getTensorStorage(Operation *op, Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  std::optional<StorageType> storage =
      tensorType && tensorType.hasStaticShape()
          ? getStorageType(tensorType.getElementType())
          : std::nullopt;
  if (!storage)
    return op->emitError("the reference interpreter does not support values "
                         "of type ")
           << type
           << " (expected a static tensor of a quantized or integer type of "
              "at most 32 bits)";
  return *storage;
}

/// Whether `type` is a tensor of float32 values.
static bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isF32();
}

/// `bits` (the low `storage.width` bits of a stored value) read with the
/// signedness of `storage`.
static int64_t fromBits(uint64_t bits, const StorageType &storage) {
  if (storage.width == 64)
    return static_cast<int64_t>(bits);
  uint64_t mask = (uint64_t(1) << storage.width) - 1;
  bits &= mask;
  if (storage.isSigned && (bits >> (storage.width - 1)) & 1)
    return static_cast<int64_t>(bits | ~mask);
  return static_cast<int64_t>(bits);
}

/// Checks that every value of `tensor`, which `op` reads as `what`, lies in
/// the storage range of `type`.
static LogicalResult checkRange(Operation *op, const Twine &what, Type type,
                                const StoredTensor &tensor) {
  if (isFloatTensor(type))
    return success();
  FailureOr<StorageType> storage = getTensorStorage(op, type);
  if (failed(storage))
    return failure();
  for (auto [position, value] : llvm::enumerate(tensor.values))
    if (value < storage->min || value > storage->max)
      return op->emitError(what)
             << " holds " << value << " at element " << position
             << ", outside the storage range [" << storage->min << ", "
             << storage->max << "] of " << type;
  return success();
}

static SmallVector<int64_t> getStaticShape(Type type) {
  return llvm::to_vector(cast<RankedTensorType>(type).getShape());
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

static FailureOr<StoredTensor> evaluateConstant(ConstantOp op) {
  if (isFloatTensor(op.getType())) {
    std::optional<std::vector<float>> values = op.getFloatValues();
    if (!values)
      return op.emitError("the reference interpreter cannot read the value ")
             << op.getValue();
    return StoredTensor{getStaticShape(op.getType()), {}, std::move(*values)};
  }
  FailureOr<StorageType> storage = getTensorStorage(op, op.getType());
  if (failed(storage))
    return failure();
  StoredTensor result{getStaticShape(op.getType()), {}};
  ElementsAttr value = op.getValue();
  if (auto values = value.tryGetValues<APInt>()) {
    for (const APInt &element : *values)
      result.values.push_back(fromBits(element.getZExtValue(), *storage));
    return result;
  }
  // dense_resource blobs hold the elements packed little-endian.
  auto resource = dyn_cast<DenseResourceElementsAttr>(value);
  if (!resource || storage->width % 8 != 0)
    return op.emitError("the reference interpreter cannot read the value ")
           << value;
  ArrayRef<char> data = resource.getData();
  size_t bytes = storage->width / 8;
  size_t count = value.getNumElements();
  if (data.size() != count * bytes)
    return op.emitError("dense_resource value holds ")
           << data.size() << " bytes, expected " << count * bytes;
  for (size_t i = 0; i < count; ++i) {
    uint64_t bits = 0;
    for (size_t b = 0; b < bytes; ++b)
      bits |= uint64_t(static_cast<unsigned char>(data[i * bytes + b]))
              << (8 * b);
    result.values.push_back(fromBits(bits, *storage));
  }
  return result;
}

/// acc[m, n] = bias[n] + sum_k (x[m, k] - Zx) * (w[n, k] - Zw[n]), exact in
/// 128 bits (32-bit operands give 64-bit products) and then checked to fit
/// int32.
static FailureOr<StoredTensor>
evaluateFullyConnected(FullyConnectedOp op, const StoredTensor &x,
                       const StoredTensor &w, const StoredTensor *bias) {
  auto inputType = cast<quant::UniformQuantizedType>(
      op.getInput().getType().getElementType());
  Type weightElement = op.getWeight().getType().getElementType();
  auto weightZeroPoint = [&](int64_t channel) -> int64_t {
    if (auto perAxis =
            dyn_cast<quant::UniformQuantizedPerAxisType>(weightElement))
      return perAxis.getZeroPoints()[channel];
    return cast<quant::UniformQuantizedType>(weightElement).getZeroPoint();
  };
  int64_t rows = x.shape[0], depth = x.shape[1], channels = w.shape[0];
  int64_t inputZeroPoint = inputType.getZeroPoint();
  StoredTensor result{{rows, channels}, std::vector<int64_t>(rows * channels)};
  for (int64_t m = 0; m < rows; ++m) {
    for (int64_t n = 0; n < channels; ++n) {
      Int128 acc = bias ? bias->values[n] : 0;
      for (int64_t k = 0; k < depth; ++k)
        acc += Int128(x.values[m * depth + k] - inputZeroPoint) *
               (w.values[n * depth + k] - weightZeroPoint(n));
      if (acc < INT32_MIN || acc > INT32_MAX) {
        APInt wide(128, {static_cast<uint64_t>(acc),
                         static_cast<uint64_t>(acc >> 64)});
        return op.emitError("accumulator ")
               << llvm::toString(wide, 10, /*Signed=*/true) << " at [" << m
               << ", " << n << "] overflows int32";
      }
      result.values[m * channels + n] = static_cast<int64_t>(acc);
    }
  }
  return result;
}

/// out = clamp(round(x * M0 * 2^-n) + Z, clamp_min, clamp_max) per element,
/// with channel c = the index along channel_axis (default: innermost) when
/// there are several (M0, n).
static StoredTensor evaluateRequantize(RequantizeOp op, const StoredTensor &x,
                                       std::optional<RoundingMode> rounding) {
  ::lowbit::RoundingMode mode =
      rounding.value_or(op.getRounding()) == RoundingMode::Double
          ? ::lowbit::RoundingMode::Double
          : ::lowbit::RoundingMode::Single;
  ArrayRef<int32_t> multipliers = op.getMultiplier();
  ArrayRef<int8_t> shifts = op.getShift();
  auto zeroPoint =
      static_cast<int32_t>(op.getOutputQuantizedType().getZeroPoint());
  // Per-channel parameters index dimension channelDim: element i is in
  // channel (i / inner) % channels.
  int64_t channelDim = x.shape.empty() ? 0 : op.getChannelDim();
  int64_t channels = x.shape.empty() ? 1 : x.shape[channelDim];
  int64_t inner = 1;
  for (size_t d = channelDim + 1; d < x.shape.size(); ++d)
    inner *= x.shape[d];
  // A quantized input stands for q - Z_in.
  int64_t inputZeroPoint = 0;
  if (auto inQuant = dyn_cast<quant::UniformQuantizedType>(
          cast<RankedTensorType>(op.getInput().getType()).getElementType()))
    inputZeroPoint = inQuant.getZeroPoint();
  StoredTensor result{x.shape, std::vector<int64_t>(x.values.size()), {}};
  for (size_t i = 0; i < x.values.size(); ++i) {
    size_t c = multipliers.size() > 1 ? (i / inner) % channels : 0;
    result.values[i] = ::lowbit::requantize(
        static_cast<int32_t>(x.values[i] - inputZeroPoint),
        ::lowbit::FixedPointMultiplier{multipliers[c], shifts[c]}, zeroPoint,
        op.getClampMin(), op.getClampMax(), mode);
  }
  return result;
}

/// Reinterprets the stored bits of `x` with the storage of the result type.
static FailureOr<StoredTensor> evaluateStorageCast(quant::StorageCastOp op,
                                                   const StoredTensor &x) {
  FailureOr<StorageType> storage = getTensorStorage(op, op.getType());
  if (failed(storage))
    return failure();
  StoredTensor result{x.shape, {}};
  for (int64_t value : x.values)
    result.values.push_back(fromBits(static_cast<uint64_t>(value), *storage));
  return result;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// Checks that `input` has the static shape of `argument` and values in its
/// storage range.
static LogicalResult checkArgument(func::FuncOp model, Value argument,
                                   const StoredTensor &input) {
  bool floatInput = isFloatTensor(argument.getType());
  if (!floatInput && failed(getTensorStorage(model, argument.getType())))
    return failure();
  SmallVector<int64_t> inputShape = getStaticShape(argument.getType());
  if (input.shape != inputShape ||
      static_cast<int64_t>(floatInput ? input.reals.size()
                                      : input.values.size()) !=
          cast<RankedTensorType>(argument.getType()).getNumElements())
    return model.emitError("the input does not have the shape of ")
           << argument.getType();
  return checkRange(model, "the input", argument.getType(), input);
}

FailureOr<std::vector<StoredTensor>>
mlir::lowbit::interpret(func::FuncOp model, ArrayRef<StoredTensor> inputs,
                        std::optional<RoundingMode> rounding,
                        ValueObserver observe) {
  if (model.isExternal() || !model.getBody().hasOneBlock())
    return model.emitError("the reference interpreter runs single-block "
                           "functions");
  if (inputs.size() != model.getNumArguments())
    return model.emitError("the model takes ")
           << model.getNumArguments() << " arguments, got " << inputs.size()
           << " inputs";
  llvm::DenseMap<Value, StoredTensor> values;
  for (auto [argument, input] : llvm::zip(model.getArguments(), inputs)) {
    if (failed(checkArgument(model, argument, input)))
      return failure();
    values[argument] = input;
    if (observe)
      observe(argument, input);
  }

  for (Operation &op : model.getBody().front()) {
    for (auto [index, operand] : llvm::enumerate(op.getOperands()))
      if (failed(checkRange(&op, "operand #" + Twine(index), operand.getType(),
                            values.at(operand))))
        return failure();
    auto get = [&](Value value) -> const StoredTensor & {
      return values.at(value);
    };

    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<StoredTensor> results;
      for (Value operand : ret.getOperands())
        results.push_back(get(operand));
      return results;
    }

    FailureOr<StoredTensor> result = failure();
    SmallVector<const StoredTensor *> operands;
    for (Value operand : op.getOperands())
      operands.push_back(&get(operand));
    if (std::optional<FailureOr<StoredTensor>> graph =
            evaluateGraphOp(&op, operands)) {
      result = std::move(*graph);
    } else if (std::optional<FailureOr<StoredTensor>> binary =
                   reference::evaluateBinaryOp(&op, operands)) {
      result = std::move(*binary);
    } else if (!isa<ConstantOp, FullyConnectedOp, RequantizeOp,
                    quant::StorageCastOp>(op)) {
      return op.emitError("the reference interpreter does not support '")
             << op.getName() << "'";
    } else if (auto constant = dyn_cast<ConstantOp>(op)) {
      result = evaluateConstant(constant);
    } else if (auto fullyConnected = dyn_cast<FullyConnectedOp>(op)) {
      Value bias = fullyConnected.getBias();
      result = evaluateFullyConnected(
          fullyConnected, get(fullyConnected.getInput()),
          get(fullyConnected.getWeight()), bias ? &get(bias) : nullptr);
    } else if (auto requantize = dyn_cast<RequantizeOp>(op)) {
      result =
          evaluateRequantize(requantize, get(requantize.getInput()), rounding);
    } else {
      auto storageCast = cast<quant::StorageCastOp>(op);
      result = evaluateStorageCast(storageCast, get(storageCast.getInput()));
    }
    if (failed(result))
      return failure();
    if (observe)
      observe(op.getResult(0), *result);
    values[op.getResult(0)] = std::move(*result);
  }
  return model.emitError("the model function has no return");
}

FailureOr<StoredTensor>
mlir::lowbit::interpret(func::FuncOp model, const StoredTensor &input,
                        std::optional<RoundingMode> rounding,
                        ValueObserver observe) {
  if (model.isExternal() || !model.getBody().hasOneBlock() ||
      model.getNumArguments() != 1 || model.getNumResults() != 1)
    return model.emitError("the reference interpreter runs single-block "
                           "functions of one argument and one result");
  FailureOr<std::vector<StoredTensor>> results =
      interpret(model, ArrayRef<StoredTensor>(input), rounding, observe);
  if (failed(results))
    return failure();
  return std::move(results->front());
}
