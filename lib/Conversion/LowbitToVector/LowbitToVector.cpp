//===- LowbitToVector.cpp - Packed kernels to vector code pass --*- C++ -*-===//

#include "lowbit/Conversion/LowbitToVector/LowbitToVector.h"
#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_CONVERTLOWBITTOVECTOR
#define GEN_PASS_DEF_CONVERTLOWBITBINARYTOVECTOR
#include "lowbit/Conversion/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

namespace {
struct ConvertLowbitToVectorPass
    : public lowbit::impl::ConvertLowbitToVectorBase<
          ConvertLowbitToVectorPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateLowbitToVectorPatterns(patterns, allowI32Requantize,
                                   testPlantRoundingError);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

struct ConvertLowbitBinaryToVectorPass
    : public lowbit::impl::ConvertLowbitBinaryToVectorBase<
          ConvertLowbitBinaryToVectorPass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<std::optional<KernelIsa>> isa = parseTargetIsa(targetIsa);
    if (failed(isa)) {
      getOperation().emitError("unknown target-isa '") << targetIsa << "'";
      return signalPassFailure();
    }
    if (!*isa)
      return;
    RewritePatternSet patterns(&getContext());
    populateLowbitBinaryToVectorPatterns(patterns, **isa);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace
