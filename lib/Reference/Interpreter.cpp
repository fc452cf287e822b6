//===- Interpreter.cpp - Reference interpreter of the lowbit dialect -----===//
//
// Scalar and simple on purpose: one loop per op, every value an int64, the
// arithmetic from lowbit/Support/FixedPoint.h.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Reference/Interpreter.h"

#include "lowbit/Support/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::lowbit;

static ::lowbit::RoundingMode toSupport(RoundingMode mode) {
  return mode == RoundingMode::Double ? ::lowbit::RoundingMode::Double
                                      : ::lowbit::RoundingMode::Single;
}

/// Checks that every value fits the storage range of `type`'s elements.
static LogicalResult checkRange(Operation *op, Type type,
                                const StoredTensor &tensor, StringRef what) {
  Type element = cast<ShapedType>(type).getElementType();
  int64_t lo, hi;
  if (auto quantized = dyn_cast<quant::QuantizedType>(element)) {
    lo = quantized.getStorageTypeMin();
    hi = quantized.getStorageTypeMax();
  } else {
    unsigned width = element.getIntOrFloatBitWidth();
    lo = -(int64_t(1) << (width - 1));
    hi = (int64_t(1) << (width - 1)) - 1;
  }
  for (int64_t v : tensor.values)
    if (v < lo || v > hi)
      return op->emitError() << what << " value " << v
                             << " is outside the storage range [" << lo
                             << ", " << hi << "]";
  return success();
}

static StoredTensor evaluateConstant(ConstantOp op) {
  StoredTensor result;
  result.shape = llvm::to_vector(op.getType().getShape());
  bool isUnsigned = false;
  if (auto q = dyn_cast<quant::QuantizedType>(op.getType().getElementType()))
    isUnsigned = !q.isSigned();
  for (const APInt &v : op.getValue().getValues<APInt>())
    result.values.push_back(isUnsigned ? int64_t(v.getZExtValue())
                                       : v.getSExtValue());
  return result;
}

static FailureOr<StoredTensor>
evaluateFullyConnected(FullyConnectedOp op, const StoredTensor &x,
                       const StoredTensor &w, const StoredTensor *bias) {
  auto inputType = cast<quant::UniformQuantizedType>(
      op.getInput().getType().getElementType());
  Type weightElement = op.getWeight().getType().getElementType();
  int64_t m = x.shape[0], k = x.shape[1], n = w.shape[0];
  auto weightZeroPoint = [&](int64_t channel) -> int64_t {
    if (auto perAxis =
            dyn_cast<quant::UniformQuantizedPerAxisType>(weightElement))
      return perAxis.getZeroPoints()[channel];
    return cast<quant::UniformQuantizedType>(weightElement).getZeroPoint();
  };
  StoredTensor result{{m, n}, std::vector<int64_t>(m * n)};
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t acc = bias ? bias->values[j] : 0;
      for (int64_t l = 0; l < k; ++l)
        acc += (x.values[i * k + l] - inputType.getZeroPoint()) *
               (w.values[j * k + l] - weightZeroPoint(j));
      if (acc < INT32_MIN || acc > INT32_MAX)
        return op.emitError("accumulator ")
               << acc << " overflows int32 at [" << i << ", " << j << "]";
      result.values[i * n + j] = acc;
    }
  return result;
}

static StoredTensor evaluateRequantize(RequantizeOp op, const StoredTensor &x,
                                       std::optional<RoundingMode> rounding) {
  ::lowbit::RoundingMode mode = toSupport(rounding.value_or(op.getRounding()));
  int64_t zeroPoint = op.getOutputQuantizedType().getZeroPoint();
  int64_t channels = op.getMultiplier().size();
  int64_t inner = x.shape.empty() ? 1 : x.shape.back();
  StoredTensor result{x.shape, std::vector<int64_t>(x.values.size())};
  for (size_t i = 0; i < x.values.size(); ++i) {
    int64_t c = channels > 1 ? int64_t(i) % inner : 0;
    ::lowbit::FixedPointMultiplier multiplier{op.getMultiplier()[c],
                                              op.getShift()[c]};
    result.values[i] = ::lowbit::requantize(
        static_cast<int32_t>(x.values[i]), multiplier,
        static_cast<int32_t>(zeroPoint),
        static_cast<int32_t>(op.getClampMin()),
        static_cast<int32_t>(op.getClampMax()), mode);
  }
  return result;
}

FailureOr<StoredTensor>
mlir::lowbit::interpret(func::FuncOp model, const StoredTensor &input,
                        std::optional<RoundingMode> rounding,
                        ValueObserver observe) {
  if (model.getNumArguments() != 1 || !model.getBody().hasOneBlock())
    return model.emitError("the interpreter runs single-block functions of "
                           "one argument");
  llvm::DenseMap<Value, StoredTensor> values;
  Value argument = model.getArgument(0);
  if (failed(checkRange(model, argument.getType(), input, "input")))
    return failure();
  values[argument] = input;

  for (Operation &op : model.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (ret.getNumOperands() != 1)
        return ret.emitError("the interpreter expects one returned value");
      return values.lookup(ret.getOperand(0));
    }
    auto get = [&](Value v) -> const StoredTensor & { return values[v]; };
    FailureOr<StoredTensor> result = failure();
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      result = evaluateConstant(constant);
    } else if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
      StoredTensor bias;
      if (fc.getBias())
        bias = get(fc.getBias());
      result = evaluateFullyConnected(fc, get(fc.getInput()),
                                      get(fc.getWeight()),
                                      fc.getBias() ? &bias : nullptr);
    } else if (auto requantize = dyn_cast<RequantizeOp>(op)) {
      result = evaluateRequantize(requantize, get(requantize.getInput()),
                                  rounding);
    } else if (auto cast = dyn_cast<quant::StorageCastOp>(op)) {
      result = get(cast.getInput());
    } else {
      return op.emitError("the reference interpreter does not support '")
             << op.getName() << "'";
    }
    if (failed(result) ||
        failed(checkRange(&op, op.getResult(0).getType(), *result, "result")))
      return failure();
    if (observe)
      observe(&op, *result);
    values[op.getResult(0)] = std::move(*result);
  }
  return model.emitError("the model function has no return");
}
