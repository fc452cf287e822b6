//===- SetRounding.cpp - Per-compile choice of the rounding mode -*- C++ -*-===//

#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITSETROUNDING
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

namespace {
struct SetRoundingPass
    : public lowbit::impl::LowbitSetRoundingBase<SetRoundingPass> {
  using Base::Base;
  void runOnOperation() override {
    auto attr = RoundingModeAttr::get(&getContext(), mode);
    getOperation()->walk([&](RequantizeOp op) { op.setRoundingAttr(attr); });
  }
};
} // namespace
