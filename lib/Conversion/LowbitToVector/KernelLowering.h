//===- KernelLowering.h - Fused-requantize kernel pattern -------*- C++ -*-===//
//
// The rewrite shared by the vector kernels that end in a fused requantize
// (packed_fully_connected, packed_depthwise_conv2d): choose the requantize
// path, let the op's emitter build the loop nest on storage-typed tensors,
// and cast the result back to the op's quantized type.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELLOWERING_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELLOWERING_H

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::lowbit {

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
