//===- LowbitDotToLLVM.cpp - Dot-product steps to instructions --*- C++ -*-===//

#include "lowbit/Conversion/LowbitDotToLLVM/LowbitDotToLLVM.h"
#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_CONVERTLOWBITDOTTOLLVM
#include "lowbit/Conversion/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

/// llvm.call_intrinsic `name`(args) -> `resultType`.
static Value callIntrinsic(OpBuilder &b, Location loc, StringRef name,
                           Type resultType, ValueRange args) {
  return LLVM::CallIntrinsicOp::create(b, loc, resultType,
                                       b.getStringAttr(name), args)
      .getResult(0);
}

/// acc + per-lane sums of four sign-extended byte products, without a
/// dot-product instruction: lane c sums products 4c .. 4c+3.
static Value buildSignedDot4(OpBuilder &b, Location loc, Value acc, Value lhs,
                             Value rhs) {
  auto accType = cast<VectorType>(acc.getType());
  int64_t lanes = accType.getNumElements();
  auto wide = VectorType::get({4 * lanes}, b.getI32Type());
  Value products = arith::MulIOp::create(
      b, loc, arith::ExtSIOp::create(b, loc, wide, lhs),
      arith::ExtSIOp::create(b, loc, wide, rhs));
  for (int64_t g = 0; g < 4; ++g) {
    SmallVector<int64_t> mask;
    for (int64_t c = 0; c < lanes; ++c)
      mask.push_back(4 * c + g);
    acc = arith::AddIOp::create(
        b, loc, acc,
        vector::ShuffleOp::create(b, loc, products, products, mask));
  }
  return acc;
}

namespace {
class DotAccumulateLowering : public OpRewritePattern<DotAccumulateOp> {
public:
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DotAccumulateOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value acc = op.getAcc(), lhs = op.getLhs(), rhs = op.getRhs();
    Type type = acc.getType();
    Value result;
    switch (op.getIsa()) {
    case KernelIsa::Avx512Vnni:
      result = callIntrinsic(rewriter, loc, "llvm.x86.avx512.vpdpbusd.512",
                             type, {acc, lhs, rhs});
      break;
    case KernelIsa::NeonDotprod:
      result = callIntrinsic(rewriter, loc,
                             "llvm.aarch64.neon.sdot.v4i32.v16i8", type,
                             {acc, lhs, rhs});
      break;
    case KernelIsa::Avx2:
      result = arith::AddIOp::create(
          rewriter, loc, acc,
          callIntrinsic(rewriter, loc, "llvm.x86.avx2.pmadd.wd", type,
                        {lhs, rhs}));
      break;
    case KernelIsa::Neon:
      result = buildSignedDot4(rewriter, loc, acc, lhs, rhs);
      break;
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// decode_codes as one byte shuffle: vpshufb with the table in every
/// 128-bit lane (x86), tbl (AArch64).
class DecodeCodesLowering : public OpRewritePattern<DecodeCodesOp> {
public:
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DecodeCodesOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value codes = op.getCodes(), table = op.getTable();
    Type type = codes.getType();
    Value result;
    switch (op.getIsa()) {
    case KernelIsa::Avx512Vnni: {
      SmallVector<int64_t> lanes;
      for (int64_t i = 0; i < 64; ++i)
        lanes.push_back(i % 16);
      Value wide =
          vector::ShuffleOp::create(rewriter, loc, table, table, lanes);
      result = callIntrinsic(rewriter, loc, "llvm.x86.avx512.pshuf.b.512",
                             type, {wide, codes});
      break;
    }
    case KernelIsa::Avx2:
      result = callIntrinsic(rewriter, loc, "llvm.x86.ssse3.pshuf.b.128", type,
                             {table, codes});
      break;
    case KernelIsa::NeonDotprod:
    case KernelIsa::Neon:
      result = callIntrinsic(rewriter, loc, "llvm.aarch64.neon.tbl1.v16i8",
                             type, {table, codes});
      break;
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvertLowbitDotToLLVMPass
    : public lowbit::impl::ConvertLowbitDotToLLVMBase<
          ConvertLowbitDotToLLVMPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateLowbitDotToLLVMPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

void mlir::lowbit::populateLowbitDotToLLVMPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DotAccumulateLowering, DecodeCodesLowering>(
      patterns.getContext());
}
