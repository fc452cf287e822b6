//===- PackedKernel.cpp - Register-blocked packed dot-product kernel -*- C++ -*-===//
//
// The loop nest of PackedKernel.h. Panels and vector stores are in bounds;
// the last block, when N is not a multiple of 16, stores its valid channels
// as one shorter vector.
//
//===----------------------------------------------------------------------===//

#include "PackedKernel.h"

#include "KernelLowering.h"

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::lowbit;

PackedKernelEmitter::PackedKernelEmitter(const PackedKernelOperands &operands,
                                         Location loc, RequantizePath path,
                                         bool testPlantRoundingError)
    : operands(operands),
      kernel(operands.isa, operands.inputQuant.isSigned()), loc(loc),
      path(path), testPlantRoundingError(testPlantRoundingError) {}

Value PackedKernelEmitter::emit(OpBuilder &b) {
  outputElement = operands.outputQuant.getStorageType();
  if (operands.codeBits) {
    codeBits = *operands.codeBits;
    groupsPerByte = getCodesPerByte(codeBits);
    SmallVector<int8_t> table(16, 0);
    llvm::copy(*operands.codeTable, table.begin());
    codeTable = arith::ConstantOp::create(
        b, loc,
        DenseIntElementsAttr::get(VectorType::get({16}, b.getI8Type()),
                                  ArrayRef<int8_t>(table)));
  }
  rows = prepareInput(b);
  Value tileRows = index(b, kernel.getTileRows());
  mainRows = arith::SubIOp::create(
      b, loc, rows, arith::RemUIOp::create(b, loc, rows, tileRows));
  if (operands.rowSumWeights)
    rowSums = emitRowSums(b);

  // Requantize parameters; padded channels repeat the last channel's.
  int64_t channels = operands.channels;
  std::array<int64_t, 3> packedShape =
      getPackedWeightShape(operands.isa, channels, operands.depth);
  int64_t padded = packedShape[0] * kPackedChannelBlock;
  params = createRequantizeParamConstants(
      b, loc, operands.rounding, path, operands.multiplier, operands.shift,
      testPlantRoundingError, padded, kPackedChannelBlock);

  Value out = emitOutput(b);
  // A loop over panels of B blocks, then the blocks left as one panel at a
  // constant position, which also holds the partial last block (its store
  // is static, so it cannot be inside the loop): every activation broadcast
  // then feeds up to B blocks, where single-block panels for the rest would
  // broadcast it again per block. Coded weights keep a decoded weight vector
  // per block live next to the accumulators: at most 2 blocks per tile, so
  // that the registers hold them without spilling (AVX-512: 6 x 4
  // accumulators spilled).
  int64_t allBlocks = packedShape[0];
  bool partialLast = channels % kPackedChannelBlock != 0;
  int64_t panelBlocks = kernel.getTileBlocks();
  if (codeBits)
    panelBlocks = std::min<int64_t>(panelBlocks, 2);
  panelBlocks = std::max<int64_t>(1, std::min(panelBlocks, allBlocks));
  int64_t loopEnd = allBlocks / panelBlocks * panelBlocks;
  if (partialLast && loopEnd == allBlocks)
    loopEnd -= panelBlocks;
  out = emitPanels(b, 0, loopEnd, panelBlocks, /*maskLast=*/false, out);
  out = emitPanels(b, loopEnd, allBlocks, allBlocks - loopEnd, partialLast,
                   out);
  return out;
}

Value PackedKernelEmitter::emitPanels(OpBuilder &b, int64_t blockBegin,
                                      int64_t blockEnd, int64_t blocks,
                                      bool maskLast, Value out) {
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
                                            blocks, maskLast, args[0]));
            });
        // The rows left: one smaller tile when their number is known,
        // else one row at a time.
        Value result = tiles.getResult(0);
        if (std::optional<int64_t> staticRows = getStaticRows()) {
          if (int64_t rest = *staticRows % tileRows)
            result = emitTile(pb, index(pb, *staticRows - rest), block0, rest,
                              blocks, maskLast, result);
        } else {
          auto rest = scf::ForOp::create(
              pb, loc, mainRows, rows, index(pb, 1), ValueRange{result},
              [&](OpBuilder &tb, Location, Value row, ValueRange args) {
                scf::YieldOp::create(tb, loc,
                                     emitTile(tb, row, block0, 1, blocks,
                                              maskLast, args[0]));
              });
          result = rest.getResult(0);
        }
        scf::YieldOp::create(pb, loc, result);
      });
  return panels.getResult(0);
}

Value PackedKernelEmitter::emitTile(OpBuilder &b, Value row0, Value block0,
                                    int64_t tileRows, int64_t blocks,
                                    bool maskLast, Value out) {
  int64_t parts = kernel.getNumParts();
  VectorType partType = kernel.getPartType(b.getContext());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseIntElementsAttr::get(partType, APInt(32, 0)));
  SmallVector<Value> accs(tileRows * blocks * parts, zero);
  accs = emitTaps(b, row0, tileRows, accs,
                  [&](OpBuilder &tb, const PackedTap &tap, ValueRange args) {
                    return emitTapGroups(tb, tap, block0, blocks, args);
                  });
  for (int64_t r = 0; r < tileRows; ++r) {
    Value row = arith::AddIOp::create(b, loc, row0, index(b, r));
    for (int64_t j = 0; j < blocks; ++j) {
      Value block = arith::AddIOp::create(b, loc, block0, index(b, j));
      ArrayRef<Value> blockParts =
          ArrayRef<Value>(accs).slice((r * blocks + j) * parts, parts);
      out = emitEpilogue(b, row, block, blockParts,
                         maskLast && j == blocks - 1, out);
    }
  }
  return out;
}

SmallVector<Value> PackedKernelEmitter::emitTapGroups(OpBuilder &b,
                                                      const PackedTap &tap,
                                                      Value block0,
                                                      int64_t blocks,
                                                      ValueRange accs) {
  // Groups of the tap: a loop over super-groups of P groups (P = 1 for
  // int8 weights) with the P steps unrolled, the full groups left, then the
  // partial last group.
  int64_t group = kernel.getKGroup();
  int64_t fullGroups = tapDepth / group;
  int64_t fullSupers = fullGroups / groupsPerByte;
  SmallVector<Value> result(accs.begin(), accs.end());
  if (fullSupers > 0) {
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, fullSupers), index(b, 1), result,
        [&](OpBuilder &lb, Location, Value ks, ValueRange args) {
          SmallVector<Value> stepAccs(args.begin(), args.end());
          for (int64_t sub = 0; sub < groupsPerByte; ++sub) {
            Value kb = ks;
            if (groupsPerByte > 1)
              kb = arith::MulIOp::create(lb, loc, ks,
                                         index(lb, groupsPerByte));
            if (sub > 0)
              kb = arith::AddIOp::create(lb, loc, kb, index(lb, sub));
            stepAccs = emitStep(lb, tap, block0, blocks, kb, ks, sub,
                                /*inBounds=*/true, stepAccs);
          }
          scf::YieldOp::create(lb, loc, stepAccs);
        });
    result = llvm::to_vector_of<Value>(loop.getResults());
  }
  for (int64_t kb = fullSupers * groupsPerByte; kb < fullGroups; ++kb)
    result = emitStep(b, tap, block0, blocks, index(b, kb),
                      index(b, kb / groupsPerByte), kb % groupsPerByte,
                      /*inBounds=*/true, result);
  if (tapDepth % group)
    result = emitStep(b, tap, block0, blocks, index(b, fullGroups),
                      index(b, fullGroups / groupsPerByte),
                      fullGroups % groupsPerByte, /*inBounds=*/false, result);
  return result;
}

/// base + offset, or offset alone when base is the constant 0 (the one tap
/// of a fully-connected layer), so that its IR stays as simple as before.
static Value addToIndex(OpBuilder &b, Location loc, Value base, Value offset) {
  if (matchPattern(base, m_Zero()))
    return offset;
  return arith::AddIOp::create(b, loc, base, offset);
}

SmallVector<Value> PackedKernelEmitter::emitStep(
    OpBuilder &b, const PackedTap &tap, Value block0, int64_t blocks,
    Value localGroup, Value localSuper, int64_t sub, bool inBounds,
    ValueRange accs) {
  int64_t group = kernel.getKGroup();
  int64_t parts = kernel.getNumParts();
  Value k = arith::MulIOp::create(b, loc, localGroup, index(b, group));
  // Past the end of a row (the last, partial group) the padding is the
  // stored value that the instruction sees as 0 (a = x - dx = 0): padded
  // int8 weights are zero, but a code 0 may decode to any weight.
  int64_t dx =
      getActivationOffset(operands.isa, operands.inputQuant.isSigned());
  Value padding = arith::ConstantOp::create(
      b, loc, b.getI8IntegerAttr(static_cast<int8_t>(dx)));
  SmallVector<Value> activations;
  for (ArrayRef<Value> first : tap.rowIndices) {
    SmallVector<Value> indices(first.begin(), first.end());
    indices.back() = addToIndex(b, loc, indices.back(), k);
    Value values = vector::TransferReadOp::create(
        b, loc, VectorType::get({group}, b.getI8Type()), input, indices,
        padding, ArrayRef<bool>{inBounds});
    activations.push_back(kernel.broadcastActivations(b, loc, values));
  }
  // The group and code super-group in the packed weights.
  Value kb = addToIndex(b, loc, tap.firstGroup, localGroup);
  Value ks = localSuper;
  if (codeBits && !matchPattern(tap.firstGroup, m_Zero()))
    ks = arith::AddIOp::create(
        b, loc,
        arith::DivUIOp::create(b, loc, tap.firstGroup,
                               index(b, groupsPerByte)),
        localSuper);
  int64_t tileRows = tap.rowIndices.size();
  SmallVector<Value> result(accs.begin(), accs.end());
  for (int64_t j = 0; j < blocks; ++j) {
    Value block = arith::AddIOp::create(b, loc, block0, index(b, j));
    for (int64_t p = 0; p < parts; ++p) {
      Value weights =
          codeBits ? kernel.loadCodedWeights(b, loc, operands.packedWeight,
                                             block, ks, sub, p, codeBits,
                                             codeTable)
                   : kernel.loadWeights(b, loc, operands.packedWeight, block,
                                        kb, p);
      for (int64_t r = 0; r < tileRows; ++r) {
        Value &acc = result[(r * blocks + j) * parts + p];
        acc = kernel.accumulate(b, loc, acc, activations[r], weights);
      }
    }
  }
  return result;
}

Value PackedKernelEmitter::emitStoredSum(
    OpBuilder &b, ValueRange inputs, ArrayRef<int64_t> shape, ValueRange sizes,
    ArrayRef<AffineMap> maps, ArrayRef<utils::IteratorType> iterators) {
  Type i32 = b.getI32Type();
  Value empty = tensor::EmptyOp::create(b, loc, shape, i32, sizes);
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  bool isSigned = operands.inputQuant.isSigned();
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value x = isSigned
                             ? arith::ExtSIOp::create(nb, l, i32, args[0])
                                   .getResult()
                             : arith::ExtUIOp::create(nb, l, i32, args[0])
                                   .getResult();
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddIOp::create(nb, l, args.back(), x).getResult());
             })
      .getResult(0);
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

Value PackedKernelEmitter::emitEpilogue(OpBuilder &b, Value row, Value block,
                                        ArrayRef<Value> parts, bool masked,
                                        Value out) {
  auto lanes = [&](Type element) {
    return VectorType::get({kPackedChannelBlock}, element);
  };
  Type i32 = b.getI32Type();
  Value n0 = arith::MulIOp::create(b, loc, block,
                                   index(b, kPackedChannelBlock));
  auto readChannels = [&](Value tensor) {
    return readVector(b, loc, tensor, n0, kPackedChannelBlock);
  };

  Value acc = concatenate(b, loc, parts);
  acc = arith::AddIOp::create(b, loc, acc, readChannels(operands.bias));
  if (operands.rowSumWeights) {
    Value sum = tensor::ExtractOp::create(b, loc, rowSums, ValueRange{row});
    Value sums = vector::BroadcastOp::create(b, loc, lanes(i32), sum);
    acc = arith::SubIOp::create(
        b, loc, acc,
        arith::MulIOp::create(b, loc, readChannels(operands.rowSumWeights),
                              sums));
  }

  RequantizeOperands requantize{
      acc,
      {},
      static_cast<int32_t>(operands.outputQuant.getZeroPoint()),
      operands.clampMin,
      operands.clampMax,
      operands.rounding};
  setKernelRequantizeForms(requantize, operands.isa, operands.shift);
  bool perChannel = operands.multiplier.size() > 1;
  for (auto [param, value] : params)
    requantize.params[static_cast<unsigned>(param)] =
        perChannel ? readChannels(value) : value;
  Value y = buildRequantize(b, loc, requantize, path);
  if (outputElement != i32)
    y = arith::TruncIOp::create(b, loc, lanes(outputElement), y);
  // The partial last block stores its valid channels as a shorter vector,
  // which LLVM writes as in-bounds stores of 8, 4, 2 and 1 lanes: no masked
  // store (NEON has none, and LLVM 22 miscompiles the one-lane masked store
  // of a truncated <16 x i16> on AVX-512 into a 32-bit store, which
  // overwrote the next row's first output).
  if (int64_t valid = operands.channels % kPackedChannelBlock; masked)
    y = vector::ExtractStridedSliceOp::create(b, loc, y,
                                              ArrayRef<int64_t>{0},
                                              ArrayRef<int64_t>{valid},
                                              ArrayRef<int64_t>{1});
  return vector::TransferWriteOp::create(b, loc, y, out,
                                         getOutputIndices(b, row, n0),
                                         ArrayRef<bool>{true})
      .getResult();
}
