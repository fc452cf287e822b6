//===- PackedKernel.h - Register-blocked packed dot-product kernel -*- C++ -*-===//
//
// The loop nest shared by packed_fully_connected and packed_conv2d: both are
// the product of a matrix of rows (M activations, or the output pixels of a
// convolution) and K columns by the packed weights of PackedLayout.h, with
// the requantization fused in the epilogue. K is walked as taps of `tapDepth`
// values (one tap of K values for a fully-connected layer; KH * KW taps of
// Cp channels for a convolution); a subclass says where the values of a tap
// are for each row of a tile, how the row sums are formed and where in the
// result a row's channels are (a row of [M, N]; a pixel of the NHWC
// [1, OH, OW, F]): a block of 16 results of a row is one vector store.
//
//   for each panel of B blocks of 16 channels        (weights stay in cache;
//                                                    the blocks left, and
//                                                    the partial last one,
//                                                    as one last panel)
//     for each tile of R rows (then the rows left)
//       R x B x parts accumulators in vector registers (scf.for iter_args)
//       for each tap (subclass), for each group of G values of the tap:
//         one DotMicroKernel step per (row, block, part); a last masked
//         step for tapDepth % G (coded weights: a loop over super-groups of
//         P groups sharing their code bytes, P steps unrolled in it, then
//         the groups left)
//       epilogue per (row, block): + bias - row_sum_weights * sum_k x,
//         requantize (buildRequantize on vector<16xi32>), narrow, one
//         vector store (of the valid channels, for the partial last block)
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_PACKEDKERNEL_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_PACKEDKERNEL_H

#include "DotMicroKernel.h"

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::lowbit {

/// What the kernel takes from a packed op.
struct PackedKernelOperands {
  KernelIsa isa;
  quant::UniformQuantizedType inputQuant, outputQuant;
  Value packedWeight, bias, rowSumWeights;
  ArrayRef<int32_t> multiplier;
  ArrayRef<int8_t> shift;
  int32_t clampMin, clampMax;
  RoundingMode rounding;
  std::optional<int64_t> codeBits;
  std::optional<ArrayRef<int8_t>> codeTable;
  /// N, and K of the packed weights.
  int64_t channels, depth;

  template <typename PackedOp>
  static PackedKernelOperands get(PackedOp op, int64_t channels,
                                  int64_t depth) {
    return {op.getIsa(),          op.getInputQuantizedType(),
            op.getOutputQuantizedType(), op.getPackedWeight(),
            op.getBias(),         op.getRowSumWeights(),
            op.getMultiplier(),   op.getShift(),
            static_cast<int32_t>(op.getClampMin()),
            static_cast<int32_t>(op.getClampMax()),
            op.getRounding(),     op.getCodeBits(),
            op.getCodeTable(),    channels,
            depth};
  }
};

/// Where the values of one tap are for each row of a tile: per row, the
/// indices into the subclass's input of the tap's first value (the last
/// index runs along K), and the group of K (of the packed weights) that
/// the tap starts at.
struct PackedTap {
  SmallVector<SmallVector<Value>> rowIndices;
  Value firstGroup;
};

class PackedKernelEmitter {
public:
  PackedKernelEmitter(const PackedKernelOperands &operands, Location loc,
                      RequantizePath path, bool testPlantRoundingError);
  virtual ~PackedKernelEmitter() = default;

  /// Emits the kernel and returns its result (storage typed).
  Value emit(OpBuilder &b);

protected:
  using TapBody = function_ref<SmallVector<Value>(
      OpBuilder &, const PackedTap &, ValueRange)>;

  /// Makes `input` (the storage-typed tensor the taps read) and returns the
  /// number of rows.
  virtual Value prepareInput(OpBuilder &b) = 0;
  /// The static number of rows, if known.
  virtual std::optional<int64_t> getStaticRows() = 0;
  /// [rows] xi32: sum_k x over the K values of each row, as stored.
  virtual Value emitRowSums(OpBuilder &b) = 0;
  /// The empty result tensor the epilogue stores into (the op's result
  /// shape, so that eliminate-empty-tensors can give it the caller's
  /// buffer).
  virtual Value emitOutput(OpBuilder &b) = 0;
  /// The indices in the result of channel n0 of row `row`: [row, n0] for
  /// a result [rows, N].
  virtual SmallVector<Value> getOutputIndices(OpBuilder &b, Value row,
                                              Value n0) {
    return {row, n0};
  }
  /// Calls `body` for every tap of the rows [row0, row0 + tileRows) with
  /// the accumulators, threading them through the tap loops.
  virtual SmallVector<Value> emitTaps(OpBuilder &b, Value row0,
                                      int64_t tileRows, ValueRange accs,
                                      TapBody body) = 0;

  /// A linalg.generic that sums the first of `inputs` (stored activations,
  /// extended to i32 per their signedness) into a zero tensor of the i32
  /// `shape` (dynamic sizes `sizes`), with the indexing maps of the inputs
  /// and of the sums, for the row sums.
  Value emitStoredSum(OpBuilder &b, ValueRange inputs, ArrayRef<int64_t> shape,
                      ValueRange sizes, ArrayRef<AffineMap> maps,
                      ArrayRef<utils::IteratorType> iterators);

  Value index(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }

  PackedKernelOperands operands;
  DotMicroKernel kernel;
  Location loc;
  /// K values per tap (a tap's partial last group is masked).
  int64_t tapDepth = 0;
  /// The storage-typed tensor the taps read (set by prepareInput).
  Value input;
  Type outputElement;

private:
  /// Panels of `blocks` blocks over [blockBegin, blockEnd); with
  /// `maskLast`, the last block of each panel is the partial last block.
  Value emitPanels(OpBuilder &b, int64_t blockBegin, int64_t blockEnd,
                   int64_t blocks, bool maskLast, Value out);
  Value emitTile(OpBuilder &b, Value row0, Value block0, int64_t rows,
                 int64_t blocks, bool maskLast, Value out);
  SmallVector<Value> emitTapGroups(OpBuilder &b, const PackedTap &tap,
                                   Value block0, int64_t blocks,
                                   ValueRange accs);
  SmallVector<Value> emitStep(OpBuilder &b, const PackedTap &tap,
                              Value block0, int64_t blocks, Value localGroup,
                              Value localSuper, int64_t sub, bool inBounds,
                              ValueRange accs);
  Value emitEpilogue(OpBuilder &b, Value row, Value block,
                     ArrayRef<Value> parts, bool masked, Value out);

  RequantizePath path;
  bool testPlantRoundingError;
  Value rowSums, rows, mainRows;
  /// Coded weights: bits per code (0 for int8 weights), groups of K per
  /// code byte (P; 1 for int8 weights) and the table as vector<16xi8>.
  int64_t codeBits = 0, groupsPerByte = 1;
  Value codeTable;
  /// Per requantize parameter: a [padded N] tensor (per channel) or a
  /// vector<16> splat (per tensor).
  SmallVector<std::pair<RequantizeParam, Value>> params;
};

/// Adds the lowering of packed_conv2d (PackedConv2D.cpp).
void populatePackedConv2DLoweringPatterns(RewritePatternSet &patterns,
                                          bool allowI32Requantize,
                                          bool testPlantRoundingError);

} // namespace mlir::lowbit

#endif // LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_PACKEDKERNEL_H
