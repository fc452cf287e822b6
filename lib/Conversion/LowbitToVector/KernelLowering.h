//===- KernelLowering.h - Fused-requantize kernel pattern -------*- C++ -*-===//
//
// The rewrite shared by the vector kernels that end in a fused requantize
// (packed_fully_connected, packed_conv2d, packed_depthwise_conv2d): choose
// the requantize path, let the op's emitter build the loop nest on
// storage-typed tensors, and cast the result back to the op's quantized
// type; and the target-dependent forms of that requantization.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELLOWERING_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELLOWERING_H

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::lowbit {

/// Sets the forms of the fused requantization that depend on the target and
/// on the shifts (RequantizeOperands): even/odd products on x86, and no
/// carry select when every shift is above 32.
inline void setKernelRequantizeForms(RequantizeOperands &operands,
                                     KernelIsa isa, ArrayRef<int8_t> shifts) {
  operands.evenOddProducts =
      isa == KernelIsa::Avx512Vnni || isa == KernelIsa::Avx2;
  operands.everyShiftAbove32 =
      llvm::all_of(shifts, [](int8_t n) { return n > 32; });
}

/// Replaces an `OpTy` by `Emitter(op, path, testPlantRoundingError)
/// .emit(rewriter)`, the 32-bit requantize path when allowed and exact.
template <typename OpTy, typename Emitter>
class FusedRequantizeKernelLowering : public OpRewritePattern<OpTy> {
public:
  FusedRequantizeKernelLowering(MLIRContext *context, bool allowI32Requantize,
                                bool testPlantRoundingError)
      : OpRewritePattern<OpTy>(context), allowI32Requantize(allowI32Requantize),
        testPlantRoundingError(testPlantRoundingError) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    RequantizePath path = selectRequantizePath(
        allowI32Requantize, op.getRounding(),
        op.getOutputQuantizedType().getZeroPoint(), op.getShift());
    Emitter emitter(op, path, testPlantRoundingError);
    Value result = emitter.emit(rewriter);
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(
        op, op.getOutput().getType(), result);
    return success();
  }

private:
  bool allowI32Requantize;
  bool testPlantRoundingError;
};

} // namespace mlir::lowbit

#endif // LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELLOWERING_H
