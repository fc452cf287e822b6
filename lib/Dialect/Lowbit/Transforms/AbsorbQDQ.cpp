//===- AbsorbQDQ.cpp - Q/DQ pairs to quantized-type annotations -*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/CalibratedRange.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "lowbit/Support/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITABSORBQDQ
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

/// S * (q - Z) of every stored value of `constant`, with the scale and zero
/// point of its channel (axis `axis` of a per-axis type).
static FailureOr<std::vector<float>> dequantizeConstant(ConstantOp constant) {
  auto type = constant.getType();
  auto values = constant.getValue().tryGetValues<APInt>();
  if (!values)
    return failure();
  Type element = type.getElementType();
  auto quantized = cast<quant::QuantizedType>(element);
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = 0;
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(element)) {
    scales = {perTensor.getScale()};
    zeroPoints = {perTensor.getZeroPoint()};
  } else if (auto perAxis =
                 dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    scales = llvm::to_vector(perAxis.getScales());
    zeroPoints = llvm::to_vector(perAxis.getZeroPoints());
    axis = perAxis.getQuantizedDimension();
  } else {
    return failure();
  }
  // The stride of the quantized dimension in row-major order.
  int64_t inner = 1;
  for (int64_t i = axis + 1; i < type.getRank(); ++i)
    inner *= type.getDimSize(i);
  std::vector<float> result;
  int64_t index = 0;
  for (const APInt &stored : *values) {
    int64_t q = quantized.isSigned() ? stored.getSExtValue()
                                     : static_cast<int64_t>(stored.getZExtValue());
    size_t channel = scales.size() == 1
                         ? 0
                         : static_cast<size_t>((index / inner) % scales.size());
    result.push_back(::lowbit::dequantize(
        static_cast<int32_t>(q), static_cast<float>(scales[channel]),
        static_cast<int32_t>(zeroPoints[channel])));
    ++index;
  }
  return result;
}

namespace {
struct AbsorbQDQPass
    : public mlir::lowbit::impl::LowbitAbsorbQDQBase<AbsorbQDQPass> {
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal())
      return;
    OpBuilder builder(&getContext());

    // Dequantized constants become float constants (their users are
    // rewired first, so collecting before rewriting is safe).
    SmallVector<quant::DequantizeCastOp> constantCasts;
    function.walk([&](quant::DequantizeCastOp dcast) {
      if (dcast.getInput().getDefiningOp<ConstantOp>())
        constantCasts.push_back(dcast);
    });
    for (quant::DequantizeCastOp dcast : constantCasts) {
      auto constant = dcast.getInput().getDefiningOp<ConstantOp>();
      FailureOr<std::vector<float>> values = dequantizeConstant(constant);
      if (failed(values)) {
        dcast.emitError("cannot dequantize this constant");
        return signalPassFailure();
      }
      builder.setInsertionPoint(dcast);
      auto floatType = cast<RankedTensorType>(dcast.getType());
      auto real = ConstantOp::create(
          builder, constant.getLoc(), floatType,
          DenseElementsAttr::get(floatType, ArrayRef<float>(*values)));
      setQuantizedTypeAnnotation(
          real, cast<quant::QuantizedType>(constant.getType().getElementType()));
      dcast.replaceAllUsesWith(real.getResult());
      dcast.erase();
      if (constant->use_empty())
        constant.erase();
    }

    // Q/DQ pairs on activations become annotations of the float value.
    SmallVector<quant::QuantizeCastOp> pairs;
    function.walk([&](quant::QuantizeCastOp qcast) {
      if (llvm::all_of(qcast->getUsers(), [](Operation *user) {
            return isa<quant::DequantizeCastOp>(user);
          }))
        pairs.push_back(qcast);
    });
    for (quant::QuantizeCastOp qcast : pairs) {
      Value real = qcast.getInput();
      setQuantizedTypeAnnotation(
          real, cast<quant::QuantizedType>(
                    cast<RankedTensorType>(qcast.getType()).getElementType()));
      for (Operation *user : llvm::make_early_inc_range(qcast->getUsers())) {
        user->getResult(0).replaceAllUsesWith(real);
        user->erase();
      }
      qcast.erase();
    }
  }
};
} // namespace
