//===- CalibratedRange.cpp - Ranges recorded by calibration -----*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/CalibratedRange.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::lowbit;

StringRef mlir::lowbit::getCalibratedRangeAttrName() { return "lowbit.range"; }

/// The attribute `name` recorded for `value`: on its defining op, or in the
/// argument attributes of its function.
template <typename AttrTy> static AttrTy getValueAttr(Value value, StringRef name) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    auto function =
        dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp());
    if (!function)
      return {};
    return function.getArgAttrOfType<AttrTy>(argument.getArgNumber(), name);
  }
  return value.getDefiningOp()->getAttrOfType<AttrTy>(name);
}

static void setValueAttr(Value value, StringRef name, Attribute attr) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    cast<func::FuncOp>(argument.getOwner()->getParentOp())
        .setArgAttr(argument.getArgNumber(), name, attr);
    return;
  }
  value.getDefiningOp()->setAttr(name, attr);
}

std::optional<CalibratedRange> mlir::lowbit::getCalibratedRange(Value value) {
  auto attr =
      getValueAttr<DenseF64ArrayAttr>(value, getCalibratedRangeAttrName());
  if (!attr || attr.size() != 2)
    return std::nullopt;
  return CalibratedRange{attr[0], attr[1]};
}

void mlir::lowbit::setCalibratedRange(Value value, CalibratedRange range) {
  Builder builder(value.getContext());
  setValueAttr(value, getCalibratedRangeAttrName(),
               builder.getDenseF64ArrayAttr({range.min, range.max}));
}

StringRef mlir::lowbit::getQuantizedTypeAttrName() {
  return "lowbit.quant_type";
}

quant::QuantizedType mlir::lowbit::getQuantizedTypeAnnotation(Value value) {
  auto attr = getValueAttr<TypeAttr>(value, getQuantizedTypeAttrName());
  return attr ? dyn_cast<quant::QuantizedType>(attr.getValue())
              : quant::QuantizedType();
}

void mlir::lowbit::setQuantizedTypeAnnotation(Value value,
                                              quant::QuantizedType type) {
  setValueAttr(value, getQuantizedTypeAttrName(), TypeAttr::get(type));
}
