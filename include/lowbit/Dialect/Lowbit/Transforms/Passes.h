//===- Passes.h - Lowbit dialect passes -------------------------*- C++ -*-===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::lowbit {

#define GEN_PASS_DECL
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"

/// Rewrites requantize(fully_connected) on constant 8-bit weights into
/// packed_fully_connected with weights packed for `isa`.
void populatePackWeightsPatterns(RewritePatternSet &patterns, KernelIsa isa);

/// Rewrites requantize(conv2d) of a depthwise convolution (group = C > 1)
/// on constant 8-bit weights into packed_depthwise_conv2d for `isa`.
void populatePackDepthwiseConvPatterns(RewritePatternSet &patterns,
                                       KernelIsa isa);

/// Moves lowbit.transpose down through requantize, lookup, add and concat
/// and cancels inverse transpose pairs (lowbit-sink-transposes).
void populateSinkTransposesPatterns(RewritePatternSet &patterns);

/// The smallest int32 accumulator (as int64; 2^31 if there is none) whose
/// requantization with these parameters is >= `zeroPoint`: the sign
/// threshold of binarize(requantize(acc)) (lowbit-fold-binarize-threshold).
int64_t computeSignThreshold(int32_t multiplier, int8_t shift,
                             int32_t zeroPoint, int32_t clampMin,
                             int32_t clampMax, RoundingMode rounding);

/// Rewrites constant 8-bit weights of fully_connected and quantized conv2d
/// with at most 16 distinct values into lowbit.coded_constant.
void populateBitpackWeightsPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"

} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H
