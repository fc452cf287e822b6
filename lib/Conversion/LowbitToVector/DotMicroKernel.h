//===- DotMicroKernel.h - One int8 dot-product step per ISA -----*- C++ -*-===//
//
// The instruction-specific part of the packed fully-connected kernel: how a
// group of G activations of one row is broadcast, how one (block, group) of
// packed weights (PackedLayout.h) is loaded, and how their products are
// added to the int32 accumulators of a block of 16 output channels. Every
// step is exact: the instructions used wrap or cannot overflow, none
// saturates.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_DOTMICROKERNEL_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_DOTMICROKERNEL_H

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::lowbit {

class DotMicroKernel {
public:
  DotMicroKernel(KernelIsa isa, bool inputSigned);

  /// Values of K per step (G).
  int64_t getKGroup() const;
  /// Accumulator vectors per block of 16 channels (registers per block).
  int64_t getNumParts() const;
  /// The type of one accumulator vector: vector<16 / parts x i32>.
  VectorType getPartType(MLIRContext *context) const;
  /// Register tile: rows of the input and 16-channel blocks per tile.
  int64_t getTileRows() const;
  int64_t getTileBlocks() const;

  /// The operand that multiplies the weights, made from the G stored
  /// activations `group` (vector<G x i8>) of one row, the same in every lane.
  Value broadcastActivations(OpBuilder &b, Location loc, Value group) const;
  /// Part `part` of the packed weights at [block, kb, *].
  Value loadWeights(OpBuilder &b, Location loc, Value packed, Value block,
                    Value kb, int64_t part) const;
  /// Part `part` of the coded packed weights of group P * ks + sub
  /// (PackedLayout.h, "Coded weights"): the code bytes at [block, ks, *],
  /// shifted right by bits * sub and masked, mapped through `table`
  /// (vector<16xi8>, the table minus dw, zero padded) by decode_codes.
  Value loadCodedWeights(OpBuilder &b, Location loc, Value packed, Value block,
                         Value ks, int64_t sub, int64_t part, int64_t bits,
                         Value table) const;
  /// acc + the products of `activations` and `weights`, per channel lane.
  Value accumulate(OpBuilder &b, Location loc, Value acc, Value activations,
                   Value weights) const;

private:
  KernelIsa isa;
  bool inputSigned;
};

} // namespace mlir::lowbit

#endif // LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_DOTMICROKERNEL_H
