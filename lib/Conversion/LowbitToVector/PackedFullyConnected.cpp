//===- PackedFullyConnected.cpp - Packed FC to a SIMD kernel ----*- C++ -*-===//
//
// lowbit.packed_fully_connected becomes a register-blocked loop nest on
// tensors:
//
//   for each panel of B blocks of 16 channels        (weights stay in cache)
//     for each tile of R rows (then single rows)
//       R x B x parts accumulators in vector registers (scf.for iter_args)
//       for each group of G values of K: one DotMicroKernel step per
//         (row, block, part); a last masked step for K % G
//         (coded weights: a loop over super-groups of P groups sharing
//         their code bytes, P steps unrolled in it, then the groups left)
//       epilogue per (row, block): + bias - row_sum_weights * sum_k x,
//         requantize (buildRequantize on vector<16xi32>), narrow, store
//
// Panels and vector stores are in bounds; the last block, when N is not a
// multiple of 16, stores its valid channels one by one.
//
//===----------------------------------------------------------------------===//

#include "DotMicroKernel.h"
#include "KernelLowering.h"

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"
#include "lowbit/Conversion/LowbitToVector/LowbitToVector.h"
#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {
/// Builds the loop nest of one packed_fully_connected.
class KernelEmitter {
public:
  KernelEmitter(PackedFullyConnectedOp op, RequantizePath path,
                bool testPlantRoundingError)
      : op(op), kernel(op.getIsa(), op.getInputQuantizedType().isSigned()),
        path(path), testPlantRoundingError(testPlantRoundingError) {}

  /// Emits the kernel before `op` and returns its result (storage typed).
  Value emit(OpBuilder &b);

private:
  Value emitPanels(OpBuilder &b, int64_t blockBegin, int64_t blockEnd,
                   int64_t blocks, bool masked, Value out);
  Value emitTile(OpBuilder &b, Value row0, Value block0, int64_t rows,
                 int64_t blocks, bool masked, Value out);
  SmallVector<Value> emitStep(OpBuilder &b, Value row0, Value block0,
                              int64_t rows, int64_t blocks, Value kb,
                              Value ks, int64_t sub, bool inBounds,
                              ValueRange accs);
  Value emitEpilogue(OpBuilder &b, Value row, Value block,
                     ArrayRef<Value> parts, bool masked, Value out);

  Value index(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }

  PackedFullyConnectedOp op;
  DotMicroKernel kernel;
  RequantizePath path;
  bool testPlantRoundingError;
  Location loc = op.getLoc();

  Value input, packed, bias, rowSumWeights, rowSums, rows, mainRows;
  int64_t depth = 0, channels = 0;
  /// Coded weights: bits per code (0 for int8 weights), groups of K per
  /// code byte (P; 1 for int8 weights) and the table as vector<16xi8>.
  int64_t codeBits = 0, groupsPerByte = 1;
  Value codeTable;
  Type outputElement;
  /// Per requantize parameter: a [padded N] tensor (per channel) or a
  /// vector<16> splat (per tensor).
  SmallVector<std::pair<RequantizeParam, Value>> params;
};
} // namespace

Value KernelEmitter::emit(OpBuilder &b) {
  MLIRContext *context = b.getContext();
  quant::UniformQuantizedType inputQuant = op.getInputQuantizedType();
  quant::UniformQuantizedType outputQuant = op.getOutputQuantizedType();
  auto inputType = op.getInput().getType();
  input = quant::StorageCastOp::create(
      b, loc, inputType.clone(inputQuant.getStorageType()), op.getInput());
  packed = op.getPackedWeight();
  bias = op.getBias();
  rowSumWeights = op.getRowSumWeights();
  depth = inputType.getDimSize(1);
  channels = op.getOutput().getType().getDimSize(1);
  outputElement = outputQuant.getStorageType();
  if (std::optional<int64_t> bits = op.getCodeBits()) {
    codeBits = *bits;
    groupsPerByte = getCodesPerByte(codeBits);
    SmallVector<int8_t> table(16, 0);
    llvm::copy(*op.getCodeTable(), table.begin());
    codeTable = arith::ConstantOp::create(
        b, loc,
        DenseIntElementsAttr::get(VectorType::get({16}, b.getI8Type()),
                                  ArrayRef<int8_t>(table)));
  }
  rows = tensor::DimOp::create(b, loc, input, 0);
  Value tileRows = index(b, kernel.getTileRows());
  mainRows = arith::SubIOp::create(
      b, loc, rows, arith::RemUIOp::create(b, loc, rows, tileRows));

  // sum_k x[m, k] as stored, for the weight zero-point term.
  if (rowSumWeights) {
    Type i32 = b.getI32Type();
    auto sumType = RankedTensorType::get({inputType.getDimSize(0)}, i32);
    Value empty = tensor::EmptyOp::create(
        b, loc, sumType.getShape(), i32,
        sumType.isDynamicDim(0) ? ValueRange{rows} : ValueRange{});
    Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
    Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    AffineExpr m, k;
    bindDims(context, m, k);
    bool isSigned = inputQuant.isSigned();
    rowSums =
        linalg::GenericOp::create(
            b, loc, TypeRange{sumType}, ValueRange{input}, ValueRange{init},
            ArrayRef<AffineMap>{AffineMap::get(2, 0, {m, k}, context),
                                AffineMap::get(2, 0, {m}, context)},
            {utils::IteratorType::parallel, utils::IteratorType::reduction},
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value x = isSigned
                            ? arith::ExtSIOp::create(nb, l, i32, args[0])
                                  .getResult()
                            : arith::ExtUIOp::create(nb, l, i32, args[0])
                                  .getResult();
              linalg::YieldOp::create(
                  nb, l,
                  arith::AddIOp::create(nb, l, args[1], x).getResult());
            })
            .getResult(0);
  }

  // Requantize parameters; padded channels repeat the last channel's.
  int64_t padded = getPackedWeightShape(op.getIsa(), channels, depth)[0] *
                   kPackedChannelBlock;
  params = createRequantizeParamConstants(
      b, loc, op.getRounding(), path, op.getMultiplier(), op.getShift(),
      testPlantRoundingError, padded, kPackedChannelBlock);

  auto outputType = RankedTensorType::get(op.getOutput().getType().getShape(),
                                          outputElement);
  Value out = tensor::EmptyOp::create(
      b, loc, outputType.getShape(), outputElement,
      outputType.isDynamicDim(0) ? ValueRange{rows} : ValueRange{});

  // Full panels, then single full blocks, then the partial last block.
  int64_t fullBlocks = channels / kPackedChannelBlock;
  int64_t allBlocks = getPackedWeightShape(op.getIsa(), channels, depth)[0];
  // Coded weights keep a decoded weight vector per block live next to the
  // accumulators: at most 2 blocks per tile, so that the registers hold
  // them without spilling (AVX-512: 6 x 4 accumulators spilled).
  int64_t panelBlocks = kernel.getTileBlocks();
  if (codeBits)
    panelBlocks = std::min<int64_t>(panelBlocks, 2);
  int64_t panelEnd = fullBlocks / panelBlocks * panelBlocks;
  out = emitPanels(b, 0, panelEnd, panelBlocks, /*masked=*/false, out);
  out = emitPanels(b, panelEnd, fullBlocks, 1, /*masked=*/false, out);
  out = emitPanels(b, fullBlocks, allBlocks, 1, /*masked=*/true, out);
  return out;
}

Value KernelEmitter::emitPanels(OpBuilder &b, int64_t blockBegin,
                                int64_t blockEnd, int64_t blocks, bool masked,
                                Value out) {
  if (blockBegin >= blockEnd)
    return out;
  auto panels = scf::ForOp::create(
      b, loc, index(b, blockBegin), index(b, blockEnd), index(b, blocks),
      ValueRange{out},
      [&](OpBuilder &pb, Location, Value block0, ValueRange panelArgs) {
        int64_t tileRows = kernel.getTileRows();
        auto tiles = scf::ForOp::create(
            pb, loc, index(pb, 0), mainRows, index(pb, tileRows), panelArgs,
            [&](OpBuilder &tb, Location, Value row0, ValueRange args) {
              scf::YieldOp::create(tb, loc,
                                   emitTile(tb, row0, block0, tileRows,
                                            blocks, masked, args[0]));
            });
        auto rest = scf::ForOp::create(
            pb, loc, mainRows, rows, index(pb, 1), tiles.getResults(),
            [&](OpBuilder &tb, Location, Value row, ValueRange args) {
              scf::YieldOp::create(
                  tb, loc, emitTile(tb, row, block0, 1, blocks, masked,
                                    args[0]));
            });
        scf::YieldOp::create(pb, loc, rest.getResults());
      });
  return panels.getResult(0);
}

Value KernelEmitter::emitTile(OpBuilder &b, Value row0, Value block0,
                              int64_t tileRows, int64_t blocks, bool masked,
                              Value out) {
  int64_t parts = kernel.getNumParts();
  VectorType partType = kernel.getPartType(b.getContext());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseIntElementsAttr::get(partType, APInt(32, 0)));
  SmallVector<Value> accs(tileRows * blocks * parts, zero);

  // Groups of K: a loop over super-groups of P groups (P = 1 for int8
  // weights) with the P steps unrolled, the full groups left, then the
  // partial last group.
  int64_t group = kernel.getKGroup();
  int64_t fullGroups = depth / group;
  int64_t fullSupers = fullGroups / groupsPerByte;
  if (fullSupers > 0) {
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, fullSupers), index(b, 1), accs,
        [&](OpBuilder &lb, Location, Value ks, ValueRange args) {
          SmallVector<Value> stepAccs(args.begin(), args.end());
          for (int64_t sub = 0; sub < groupsPerByte; ++sub) {
            Value kb = ks;
            if (groupsPerByte > 1)
              kb = arith::MulIOp::create(lb, loc, ks,
                                         index(lb, groupsPerByte));
            if (sub > 0)
              kb = arith::AddIOp::create(lb, loc, kb, index(lb, sub));
            stepAccs = emitStep(lb, row0, block0, tileRows, blocks, kb, ks,
                                sub, /*inBounds=*/true, stepAccs);
          }
          scf::YieldOp::create(lb, loc, stepAccs);
        });
    accs = llvm::to_vector_of<Value>(loop.getResults());
  }
  for (int64_t kb = fullSupers * groupsPerByte; kb < fullGroups; ++kb)
    accs = emitStep(b, row0, block0, tileRows, blocks, index(b, kb),
                    index(b, kb / groupsPerByte), kb % groupsPerByte,
                    /*inBounds=*/true, accs);
  if (depth % group)
    accs = emitStep(b, row0, block0, tileRows, blocks, index(b, fullGroups),
                    index(b, fullGroups / groupsPerByte),
                    fullGroups % groupsPerByte, /*inBounds=*/false, accs);

  for (int64_t r = 0; r < tileRows; ++r) {
    Value row = arith::AddIOp::create(b, loc, row0, index(b, r));
    for (int64_t j = 0; j < blocks; ++j) {
      Value block = arith::AddIOp::create(b, loc, block0, index(b, j));
      ArrayRef<Value> blockParts =
          ArrayRef<Value>(accs).slice((r * blocks + j) * parts, parts);
      out = emitEpilogue(b, row, block, blockParts, masked, out);
    }
  }
  return out;
}

SmallVector<Value> KernelEmitter::emitStep(OpBuilder &b, Value row0,
                                           Value block0, int64_t tileRows,
                                           int64_t blocks, Value kb, Value ks,
                                           int64_t sub, bool inBounds,
                                           ValueRange accs) {
  int64_t group = kernel.getKGroup();
  int64_t parts = kernel.getNumParts();
  Value k = arith::MulIOp::create(b, loc, kb, index(b, group));
  // Past the end of a row (the last, partial group) the padding is the
  // stored value that the instruction sees as 0 (a = x - dx = 0): padded
  // int8 weights are zero, but a code 0 may decode to any weight.
  int64_t dx = getActivationOffset(op.getIsa(),
                                   op.getInputQuantizedType().isSigned());
  Value padding = arith::ConstantOp::create(
      b, loc, b.getI8IntegerAttr(static_cast<int8_t>(dx)));
  SmallVector<Value> activations;
  for (int64_t r = 0; r < tileRows; ++r) {
    Value row = arith::AddIOp::create(b, loc, row0, index(b, r));
    Value values = vector::TransferReadOp::create(
        b, loc, VectorType::get({group}, b.getI8Type()), input,
        ValueRange{row, k}, padding, ArrayRef<bool>{inBounds});
    activations.push_back(kernel.broadcastActivations(b, loc, values));
  }
  SmallVector<Value> result(accs.begin(), accs.end());
  for (int64_t j = 0; j < blocks; ++j) {
    Value block = arith::AddIOp::create(b, loc, block0, index(b, j));
    for (int64_t p = 0; p < parts; ++p) {
      Value weights =
          codeBits ? kernel.loadCodedWeights(b, loc, packed, block, ks, sub,
                                             p, codeBits, codeTable)
                   : kernel.loadWeights(b, loc, packed, block, kb, p);
      for (int64_t r = 0; r < tileRows; ++r) {
        Value &acc = result[(r * blocks + j) * parts + p];
        acc = kernel.accumulate(b, loc, acc, activations[r], weights);
      }
    }
  }
  return result;
}

/// Concatenates equally sized vectors.
static Value concatenate(OpBuilder &b, Location loc, ArrayRef<Value> parts) {
  if (parts.size() == 1)
    return parts.front();
  size_t half = parts.size() / 2;
  Value low = concatenate(b, loc, parts.take_front(half));
  Value high = concatenate(b, loc, parts.drop_front(half));
  int64_t size = cast<VectorType>(low.getType()).getNumElements() * 2;
  return vector::ShuffleOp::create(
      b, loc, low, high, llvm::to_vector(llvm::seq<int64_t>(0, size)));
}

Value KernelEmitter::emitEpilogue(OpBuilder &b, Value row, Value block,
                                  ArrayRef<Value> parts, bool masked,
                                  Value out) {
  auto lanes = [&](Type element) {
    return VectorType::get({kPackedChannelBlock}, element);
  };
  Type i32 = b.getI32Type();
  Value n0 = arith::MulIOp::create(b, loc, block,
                                   index(b, kPackedChannelBlock));
  auto readChannels = [&](Value tensor) -> Value {
    auto type = cast<RankedTensorType>(tensor.getType());
    Value padding = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(type.getElementType(), 0));
    return vector::TransferReadOp::create(b, loc,
                                          lanes(type.getElementType()),
                                          tensor, ValueRange{n0}, padding,
                                          ArrayRef<bool>{true});
  };

  Value acc = concatenate(b, loc, parts);
  acc = arith::AddIOp::create(b, loc, acc, readChannels(bias));
  if (rowSumWeights) {
    Value sum = tensor::ExtractOp::create(b, loc, rowSums, ValueRange{row});
    Value sums = vector::BroadcastOp::create(b, loc, lanes(i32), sum);
    acc = arith::SubIOp::create(
        b, loc, acc,
        arith::MulIOp::create(b, loc, readChannels(rowSumWeights), sums));
  }

  RequantizeOperands operands{acc,
                              {},
                              static_cast<int32_t>(
                                  op.getOutputQuantizedType().getZeroPoint()),
                              static_cast<int32_t>(op.getClampMin()),
                              static_cast<int32_t>(op.getClampMax()),
                              op.getRounding()};
  for (auto [param, value] : params)
    operands.params[static_cast<unsigned>(param)] =
        op.isPerChannel() ? readChannels(value) : value;
  Value y = buildRequantize(b, loc, operands, path);
  if (outputElement != i32)
    y = arith::TruncIOp::create(b, loc, lanes(outputElement), y);
  if (!masked)
    return vector::TransferWriteOp::create(b, loc, y, out,
                                           ValueRange{row, n0},
                                           ArrayRef<bool>{true})
        .getResult();
  // The last, partial block: one scalar store per valid channel. (A masked
  // vector.transfer_write is what this wants, but LLVM 22 miscompiles the
  // one-lane masked store of a truncated <16 x i16> on AVX-512 into a
  // 32-bit store, which overwrites the next row's first output.)
  for (int64_t lane = 0; lane < channels % kPackedChannelBlock; ++lane) {
    Value element =
        vector::ExtractOp::create(b, loc, y, ArrayRef<int64_t>{lane});
    Value column = arith::AddIOp::create(b, loc, n0, index(b, lane));
    out = tensor::InsertOp::create(b, loc, element, out,
                                   ValueRange{row, column});
  }
  return out;
}

void mlir::lowbit::populateLowbitToVectorPatterns(RewritePatternSet &patterns,
                                                  bool allowI32Requantize,
                                                  bool testPlantRoundingError) {
  patterns.add<
      FusedRequantizeKernelLowering<PackedFullyConnectedOp, KernelEmitter>>(
      patterns.getContext(), allowI32Requantize, testPlantRoundingError);
  populateDepthwiseConvToVectorPatterns(patterns, allowI32Requantize,
                                        testPlantRoundingError);
}
