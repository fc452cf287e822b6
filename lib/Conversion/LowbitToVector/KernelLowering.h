//===- KernelLowering.h - Fused-requantize kernel pattern -------*- C++ -*-===//
//
// The rewrite shared by the vector kernels that end in a fused requantize
// (packed_fully_connected, packed_conv2d, packed_depthwise_conv2d): choose
// the requantize path, let the op's emitter build the loop nest on
// storage-typed tensors, and cast the result back to the op's quantized
// type; the target-dependent forms of that requantization; and the vector
// load the kernels share.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELLOWERING_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELLOWERING_H

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::lowbit {

/// `lanes` elements of the ranked tensor `tensor` from `indices` (the last
/// index runs along the vector), known to be in bounds: the
/// vector.transfer_read of the kernels' loads (its padding is never read).
inline Value readVector(OpBuilder &b, Location loc, Value tensor,
                        ValueRange indices, int64_t lanes) {
  Type element = cast<RankedTensorType>(tensor.getType()).getElementType();
  Value padding = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
  return vector::TransferReadOp::create(
      b, loc, VectorType::get({lanes}, element), tensor, indices, padding,
      ArrayRef<bool>{true});
}

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
