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

std::optional<CalibratedRange> mlir::lowbit::getCalibratedRange(Value value) {
  DenseF64ArrayAttr attr;
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    auto function =
        dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp());
    if (!function)
      return std::nullopt;
    attr = function.getArgAttrOfType<DenseF64ArrayAttr>(
        argument.getArgNumber(), getCalibratedRangeAttrName());
  } else {
    attr = value.getDefiningOp()->getAttrOfType<DenseF64ArrayAttr>(
        getCalibratedRangeAttrName());
  }
  if (!attr || attr.size() != 2)
    return std::nullopt;
  return CalibratedRange{attr[0], attr[1]};
}

void mlir::lowbit::setCalibratedRange(Value value, CalibratedRange range) {
  Builder builder(value.getContext());
  DenseF64ArrayAttr attr = builder.getDenseF64ArrayAttr({range.min, range.max});
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    cast<func::FuncOp>(argument.getOwner()->getParentOp())
        .setArgAttr(argument.getArgNumber(), getCalibratedRangeAttrName(),
                    attr);
    return;
  }
  value.getDefiningOp()->setAttr(getCalibratedRangeAttrName(), attr);
}
