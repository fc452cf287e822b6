//===- BinaryKernels.cpp - Binary layers to XOR-popcount kernels -*- C++ -*-=//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// lowbit.binary_fully_connected and lowbit.binary_conv2d with constant
// weights become register-tiled loop nests on tensors. The weights are
// repacked at compile time so that one vector<8xi64> holds the same word of
// 8 output channels (BinaryWeightLayout below); a word of the input,
// broadcast to the 8 lanes, meets them with one XOR and one popcount
// (math.ctpop on vector<8xi64>: vpopcntq with AVX512-VPOPCNTDQ, cnt and
// pairwise adds on NEON, LLVM's nibble lookup on AVX2). The popcounts are
// summed in vector<8xi64> accumulators (scf.for iter_args, i.e. registers)
// over the words, and the epilogue forms K - 2 * sum + bias in int32:
//
//   fully connected: for each panel of B blocks of 8 channels
//                      for each tile of R rows (then single rows)
//                        R x B accumulators; for each word w: B weight
//                        loads, R broadcasts, R x B (xor, ctpop, add)
//   convolution:     for each panel of B blocks, image, output row, tile
//                      of R columns whose window rows lie inside the input
//                      (then single columns at the borders):
//                      R x B accumulators; for each tap inside the input
//                      (loop bounds computed per row, and per column at
//                      the borders, so padding taps are skipped, as the
//                      definition wants) and word: B weight loads, R
//                      broadcasts; per block, the R x 8 values transposed
//                      in registers and stored as one vector of R columns
//                      per channel into NCHW (8 scalar stores for a single
//                      column)
//
// The fully-connected results are written into a buffer padded to whole
// blocks of channels and then cut; the convolution stores its valid
// channels one by one into the NCHW result.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Conversion/LowbitToVector/LowbitToVector.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::lowbit;

/// Output channels per vector (8 x i64 = 512 bits).
static constexpr int64_t kBinaryChannelBlock = 8;

namespace {

/// Register tile of the kernels: rows (fully connected) and blocks of 8
/// channels. 4 x 4 accumulators fill half of AVX-512's 32 zmm registers;
/// elsewhere a vector<8xi64> takes 2 (AVX2) or 4 (NEON) registers.
struct BinaryTile {
  int64_t rows;
  int64_t blocks;
};

BinaryTile getBinaryTile(KernelIsa isa) {
  if (isa == KernelIsa::Avx512Vnni)
    return {4, 4};
  return {2, 2};
}

/// The weights [O, R..., W] (R: the kernel's spatial dimensions, if any)
/// repacked as [ceil(O / 8), R..., W, 8]: lane c of [ob, r, w] is word w
/// at r of channel 8 ob + c; padded channels are zero.
Value packBinaryWeights(OpBuilder &b, Location loc, RankedTensorType type,
                        ArrayRef<int64_t> words) {
  int64_t channels = type.getDimSize(0);
  int64_t perChannel = type.getNumElements() / channels;
  int64_t blocks = llvm::divideCeil(channels, kBinaryChannelBlock);
  SmallVector<int64_t> packed(blocks * perChannel * kBinaryChannelBlock, 0);
  for (int64_t o = 0; o < channels; ++o)
    for (int64_t k = 0; k < perChannel; ++k)
      packed[((o / kBinaryChannelBlock) * perChannel + k) *
                 kBinaryChannelBlock +
             o % kBinaryChannelBlock] = words[o * perChannel + k];
  SmallVector<int64_t> shape{blocks};
  llvm::append_range(shape, type.getShape().drop_front());
  shape.push_back(kBinaryChannelBlock);
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(shape, b.getI64Type()),
                             ArrayRef<int64_t>(packed)));
}

/// Shared pieces of the two kernels.
class BinaryKernelBuilder {
public:
  BinaryKernelBuilder(OpBuilder &b, Location loc, BinaryTile tile)
      : b(b), loc(loc), tile(tile) {}

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  VectorType wordsType() {
    return VectorType::get({kBinaryChannelBlock}, b.getI64Type());
  }
  VectorType accType() {
    return VectorType::get({kBinaryChannelBlock}, b.getI32Type());
  }
  Value zeroCounts() {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(wordsType(), b.getI64IntegerAttr(0)));
  }

  /// counts + popcount(broadcast(word) XOR weights), lane by lane.
  Value accumulate(OpBuilder &nb, Value counts, Value word, Value weights) {
    Value broadcast = vector::BroadcastOp::create(nb, loc, wordsType(), word);
    Value different = arith::XOrIOp::create(nb, loc, broadcast, weights);
    return arith::AddIOp::create(nb, loc, counts,
                                 math::CtPopOp::create(nb, loc, different));
  }

  /// The 8 channels of `bias` from `n0` (zero past its end), or zeros.
  Value readBias(OpBuilder &nb, Value bias, Value n0) {
    Value zero = arith::ConstantOp::create(nb, loc, nb.getI32IntegerAttr(0));
    if (!bias)
      return vector::BroadcastOp::create(nb, loc, accType(), zero);
    return vector::TransferReadOp::create(
        nb, loc, accType(), bias, ValueRange{n0}, zero, ArrayRef<bool>{false});
  }

  /// signs - 2 * counts + bias as vector<8xi32>; `signs` is an i32 scalar.
  Value finish(OpBuilder &nb, Value counts, Value signs, Value bias) {
    Value narrow = arith::TruncIOp::create(nb, loc, accType(), counts);
    Value twice = arith::AddIOp::create(nb, loc, narrow, narrow);
    Value base = vector::BroadcastOp::create(nb, loc, accType(), signs);
    return arith::AddIOp::create(
        nb, loc, arith::SubIOp::create(nb, loc, base, twice), bias);
  }

  /// for (iv = begin; iv < end; iv += step) state = body(iv, state), as an
  /// scf.for threading one value; no loop (just `init`) if it is empty.
  Value stepLoop(OpBuilder &nb, int64_t begin, int64_t end, int64_t step,
                 Value init,
                 function_ref<Value(OpBuilder &, Value, Value)> body) {
    if (begin >= end)
      return init;
    return scf::ForOp::create(
               nb, loc, index(begin), index(end), index(step), ValueRange{init},
               [&](OpBuilder &lb, Location, Value iv, ValueRange args) {
                 scf::YieldOp::create(lb, loc, body(lb, iv, args[0]));
               })
        .getResult(0);
  }

  /// Calls `body(builder, firstBlock, blocks, lanes, out)` for the panels
  /// of `tile.blocks` whole blocks of 8 channels that fit in `channels`,
  /// then for the remaining whole blocks one at a time, then for the last,
  /// partial block (lanes = channels % 8 valid channels; 8 otherwise);
  /// threads the result tensor through.
  Value forEachPanel(
      int64_t channels, Value out,
      function_ref<Value(OpBuilder &, Value, int64_t, int64_t, Value)> body) {
    int64_t wholeBlocks = channels / kBinaryChannelBlock;
    int64_t panelEnd = wholeBlocks / tile.blocks * tile.blocks;
    auto loop = [&](int64_t begin, int64_t end, int64_t blocks, int64_t lanes,
                    Value init) {
      return stepLoop(b, begin, end, blocks, init,
                      [&](OpBuilder &pb, Value block0, Value state) {
                        return body(pb, block0, blocks, lanes, state);
                      });
    };
    out = loop(0, panelEnd, tile.blocks, kBinaryChannelBlock, out);
    out = loop(panelEnd, wholeBlocks, 1, kBinaryChannelBlock, out);
    return loop(wholeBlocks, wholeBlocks + 1, 1, channels % kBinaryChannelBlock,
                out);
  }

  OpBuilder &b;
  Location loc;
  BinaryTile tile;
};

//===----------------------------------------------------------------------===//
// binary_fully_connected
//===----------------------------------------------------------------------===//

class BinaryFullyConnectedKernel
    : public OpRewritePattern<BinaryFullyConnectedOp> {
public:
  BinaryFullyConnectedKernel(MLIRContext *context, BinaryTile tile)
      : OpRewritePattern(context), tile(tile) {}

  LogicalResult matchAndRewrite(BinaryFullyConnectedOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<int64_t>> words =
        readConstantIntegers(op.getWeight(), 64, /*isSigned=*/true);
    auto resultType = op.getResult().getType();
    if (failed(words) || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs constant weights and "
                                             "static shapes");
    Location loc = op.getLoc();
    BinaryKernelBuilder k(rewriter, loc, tile);
    Value packed =
        packBinaryWeights(rewriter, loc, op.getWeight().getType(), *words);
    Value input = op.getInput(), bias = op.getBias();
    int64_t rows = resultType.getDimSize(0);
    int64_t channels = resultType.getDimSize(1);
    int64_t wordsPerRow = op.getInput().getType().getDimSize(1);
    int64_t blocks = llvm::divideCeil(channels, kBinaryChannelBlock);
    Value depth = arith::ConstantOp::create(
        rewriter, loc, rewriter.getI32IntegerAttr(op.getDepth()));
    Value out = tensor::EmptyOp::create(
        rewriter, loc, ArrayRef<int64_t>{rows, blocks * kBinaryChannelBlock},
        rewriter.getI32Type());

    // One tile: `tileRows` rows from row0 and `tileBlocks` blocks from
    // block0.
    auto emitTile = [&](OpBuilder &b, Value row0, Value block0,
                        int64_t tileRows, int64_t tileBlocks,
                        Value result) -> Value {
      SmallVector<Value> counts(tileRows * tileBlocks, k.zeroCounts());
      auto loop = scf::ForOp::create(
          b, loc, k.index(0), k.index(wordsPerRow), k.index(1), counts,
          [&](OpBuilder &lb, Location, Value w, ValueRange accs) {
            SmallVector<Value> weights, next(accs);
            Value zero =
                arith::ConstantOp::create(lb, loc, lb.getI64IntegerAttr(0));
            for (int64_t j = 0; j < tileBlocks; ++j) {
              Value block = arith::AddIOp::create(lb, loc, block0, k.index(j));
              weights.push_back(vector::TransferReadOp::create(
                  lb, loc, k.wordsType(), packed,
                  ValueRange{block, w, k.index(0)}, zero,
                  ArrayRef<bool>{true}));
            }
            for (int64_t r = 0; r < tileRows; ++r) {
              Value row = arith::AddIOp::create(lb, loc, row0, k.index(r));
              Value word =
                  tensor::ExtractOp::create(lb, loc, input, ValueRange{row, w});
              for (int64_t j = 0; j < tileBlocks; ++j)
                next[r * tileBlocks + j] = k.accumulate(
                    lb, next[r * tileBlocks + j], word, weights[j]);
            }
            scf::YieldOp::create(lb, loc, next);
          });
      for (int64_t r = 0; r < tileRows; ++r) {
        Value row = arith::AddIOp::create(b, loc, row0, k.index(r));
        for (int64_t j = 0; j < tileBlocks; ++j) {
          Value block = arith::AddIOp::create(b, loc, block0, k.index(j));
          Value n0 = arith::MulIOp::create(b, loc, block,
                                           k.index(kBinaryChannelBlock));
          Value acc = k.finish(b, loop.getResult(r * tileBlocks + j), depth,
                               k.readBias(b, bias, n0));
          result = vector::TransferWriteOp::create(b, loc, acc, result,
                                                   ValueRange{row, n0},
                                                   ArrayRef<bool>{true})
                       .getResult();
        }
      }
      return result;
    };

    int64_t mainRows = rows / tile.rows * tile.rows;
    out = k.forEachPanel(channels, out,
                         [&](OpBuilder &pb, Value block0, int64_t panelBlocks,
                             int64_t, Value result) {
                           auto rowLoop = [&](int64_t begin, int64_t end,
                                              int64_t step, Value init) {
                             return k.stepLoop(
                                 pb, begin, end, step, init,
                                 [&](OpBuilder &tb, Value row0, Value state) {
                                   return emitTile(tb, row0, block0, step,
                                                   panelBlocks, state);
                                 });
                           };
                           result = rowLoop(0, mainRows, tile.rows, result);
                           return rowLoop(mainRows, rows, 1, result);
                         });

    if (blocks * kBinaryChannelBlock != channels)
      out = tensor::ExtractSliceOp::create(
          rewriter, loc, resultType, out,
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0),
                                 rewriter.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(rows),
                                 rewriter.getIndexAttr(channels)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(1)});
    rewriter.replaceOp(op, out);
    return success();
  }

private:
  BinaryTile tile;
};

//===----------------------------------------------------------------------===//
// binary_conv2d
//===----------------------------------------------------------------------===//

class BinaryConv2DKernel : public OpRewritePattern<BinaryConv2DOp> {
public:
  BinaryConv2DKernel(MLIRContext *context, BinaryTile tile)
      : OpRewritePattern(context), tile(tile) {}

  LogicalResult matchAndRewrite(BinaryConv2DOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<int64_t>> words =
        readConstantIntegers(op.getWeight(), 64, /*isSigned=*/true);
    auto resultType = op.getResult().getType();
    if (failed(words) || !resultType.hasStaticShape() ||
        !op.getInput().getType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs constant weights and "
                                             "static shapes");
    Location loc = op.getLoc();
    BinaryKernelBuilder k(rewriter, loc, tile);
    auto weightType = op.getWeight().getType();
    Value packed = packBinaryWeights(rewriter, loc, weightType, *words);
    Value input = op.getInput(), bias = op.getBias();
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    int64_t batch = inShape[0], height = inShape[1], width = inShape[2],
            wordsPerTap = inShape[3];
    int64_t filters = resultType.getDimSize(1);
    int64_t outH = resultType.getDimSize(2), outW = resultType.getDimSize(3);
    int64_t kernelH = weightType.getDimSize(1),
            kernelW = weightType.getDimSize(2);
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();
    Value channels = arith::ConstantOp::create(
        rewriter, loc, rewriter.getI32IntegerAttr(op.getChannels()));
    Value out = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                        rewriter.getI32Type());

    // The taps [lo, hi) of one window dimension that fall inside the
    // input: lo = max(0, ceil((pad - o * s) / d)),
    // hi = max(lo, min(kernel, floor((size - 1 + pad - o * s) / d) + 1)).
    auto tapRange = [&](OpBuilder &b, Value position, int64_t dim, int64_t size,
                        int64_t kernel) {
      Value start = arith::SubIOp::create(
          b, loc, k.index(pads[dim]),
          arith::MulIOp::create(b, loc, position, k.index(strides[dim])));
      Value lo = arith::MaxSIOp::create(
          b, loc, k.index(0),
          arith::CeilDivSIOp::create(b, loc, start, k.index(dilations[dim])));
      Value last = arith::AddIOp::create(b, loc, start, k.index(size - 1));
      Value hi = arith::MinSIOp::create(
          b, loc, k.index(kernel),
          arith::AddIOp::create(b, loc,
                                arith::FloorDivSIOp::create(
                                    b, loc, last, k.index(dilations[dim])),
                                k.index(1)));
      hi = arith::MaxSIOp::create(b, loc, lo, hi);
      // The input coordinate of tap t is t * d - start.
      return std::make_tuple(lo, hi, start);
    };

    // A nest of scf.for threading `values` through; `body` gets the
    // induction variables and the values and returns the new values.
    using NestBody =
        function_ref<SmallVector<Value>(OpBuilder &, ValueRange, ValueRange)>;
    std::function<SmallVector<Value>(OpBuilder &, ArrayRef<Value>,
                                     ArrayRef<Value>, SmallVector<Value> &,
                                     ValueRange, NestBody)>
        nest = [&](OpBuilder &b, ArrayRef<Value> lbs, ArrayRef<Value> ubs,
                   SmallVector<Value> &ivs, ValueRange values,
                   NestBody body) -> SmallVector<Value> {
      if (lbs.empty())
        return body(b, ivs, values);
      auto loop = scf::ForOp::create(
          b, loc, lbs.front(), ubs.front(), k.index(1), values,
          [&](OpBuilder &lb, Location, Value iv, ValueRange args) {
            ivs.push_back(iv);
            scf::YieldOp::create(
                lb, loc,
                nest(lb, lbs.drop_front(), ubs.drop_front(), ivs, args, body));
            ivs.pop_back();
          });
      return llvm::to_vector_of<Value>(loop.getResults());
    };

    // Output columns whose whole window row lies inside the input (no
    // left or right padding tap): [fullBegin, fullEnd). Tiles of
    // `tile.rows` such columns share the weights loaded for a tap.
    int64_t fullBegin =
        std::min(outW, llvm::divideCeilSigned(pads[1], strides[1]));
    int64_t fullEnd = std::clamp<int64_t>(
        llvm::divideFloorSigned(
            width - 1 + pads[1] - (kernelW - 1) * dilations[1], strides[1]) +
            1,
        fullBegin, outW);
    int64_t tileColumns =
        tile.rows > 1 && fullEnd - fullBegin >= tile.rows ? tile.rows : 1;
    int64_t tilesEnd =
        fullBegin + (fullEnd - fullBegin) / tileColumns * tileColumns;

    out = k.forEachPanel(
        filters, out,
        [&](OpBuilder &pb, Value block0, int64_t panelBlocks, int64_t lanes,
            Value result) -> Value {
          // `columns` output positions from (n, y, x0): one with its own
          // tap range, or several whose window row is all inside.
          auto emitPositions = [&](OpBuilder &b, Value n, Value y, Value x0,
                                   int64_t columns, Value current) -> Value {
            auto [iLo, iHi, yStart] = tapRange(b, y, 0, height, kernelH);
            Value jLo = k.index(0), jHi = k.index(kernelW);
            SmallVector<Value> xStarts;
            for (int64_t p = 0; p < columns; ++p) {
              Value x = arith::AddIOp::create(b, loc, x0, k.index(p));
              if (columns == 1) {
                Value xStart;
                std::tie(jLo, jHi, xStart) = tapRange(b, x, 1, width, kernelW);
                xStarts.push_back(xStart);
              } else {
                xStarts.push_back(arith::SubIOp::create(
                    b, loc, k.index(pads[1]),
                    arith::MulIOp::create(b, loc, x, k.index(strides[1]))));
              }
            }
            SmallVector<Value> zeros(columns * panelBlocks, k.zeroCounts());
            SmallVector<Value> tapIvs;
            SmallVector<Value> counts = nest(
                b, {iLo, jLo, k.index(0)}, {iHi, jHi, k.index(wordsPerTap)},
                tapIvs, zeros,
                [&](OpBuilder &lb, ValueRange tap,
                    ValueRange accs) -> SmallVector<Value> {
                  Value i = tap[0], j = tap[1], w = tap[2];
                  Value iy = arith::SubIOp::create(
                      lb, loc,
                      arith::MulIOp::create(lb, loc, i, k.index(dilations[0])),
                      yStart);
                  Value jd =
                      arith::MulIOp::create(lb, loc, j, k.index(dilations[1]));
                  Value zero = arith::ConstantOp::create(
                      lb, loc, lb.getI64IntegerAttr(0));
                  SmallVector<Value> weights;
                  for (int64_t jb = 0; jb < panelBlocks; ++jb) {
                    Value block =
                        arith::AddIOp::create(lb, loc, block0, k.index(jb));
                    weights.push_back(vector::TransferReadOp::create(
                        lb, loc, k.wordsType(), packed,
                        ValueRange{block, i, j, w, k.index(0)}, zero,
                        ArrayRef<bool>{true}));
                  }
                  SmallVector<Value> next(accs);
                  for (int64_t p = 0; p < columns; ++p) {
                    Value ix = arith::SubIOp::create(lb, loc, jd, xStarts[p]);
                    Value word = tensor::ExtractOp::create(
                        lb, loc, input, ValueRange{n, iy, ix, w});
                    for (int64_t jb = 0; jb < panelBlocks; ++jb)
                      next[p * panelBlocks + jb] = k.accumulate(
                          lb, next[p * panelBlocks + jb], word, weights[jb]);
                  }
                  return next;
                });
            // C signs per tap inside the input.
            Value taps = arith::MulIOp::create(
                b, loc, arith::SubIOp::create(b, loc, iHi, iLo),
                arith::SubIOp::create(b, loc, jHi, jLo));
            Value signs = arith::MulIOp::create(
                b, loc,
                arith::IndexCastOp::create(b, loc, b.getI32Type(), taps),
                channels);
            for (int64_t jb = 0; jb < panelBlocks; ++jb) {
              Value block = arith::AddIOp::create(b, loc, block0, k.index(jb));
              Value o0 = arith::MulIOp::create(b, loc, block,
                                               k.index(kBinaryChannelBlock));
              Value biasLanes = k.readBias(b, bias, o0);
              SmallVector<Value> accs;
              for (int64_t p = 0; p < columns; ++p)
                accs.push_back(k.finish(b, counts[p * panelBlocks + jb], signs,
                                        biasLanes));
              if (columns == 1) {
                // Channel by channel into NCHW.
                for (int64_t lane = 0; lane < lanes; ++lane) {
                  Value value = vector::ExtractOp::create(
                      b, loc, accs[0], ArrayRef<int64_t>{lane});
                  Value o = arith::AddIOp::create(b, loc, o0, k.index(lane));
                  current = tensor::InsertOp::create(b, loc, value, current,
                                                     ValueRange{n, o, y, x0});
                }
                continue;
              }
              // The tile's [columns, 8] values transposed in registers: per
              // channel, its `columns` consecutive outputs of row y are one
              // vector store into NCHW.
              auto tileType = VectorType::get({columns, kBinaryChannelBlock},
                                              b.getI32Type());
              Value tileValues = arith::ConstantOp::create(
                  b, loc,
                  DenseElementsAttr::get(tileType, b.getI32IntegerAttr(0)));
              for (int64_t p = 0; p < columns; ++p)
                tileValues = vector::InsertOp::create(
                    b, loc, accs[p], tileValues, ArrayRef<int64_t>{p});
              Value perChannel = vector::TransposeOp::create(
                  b, loc, tileValues, ArrayRef<int64_t>{1, 0});
              for (int64_t lane = 0; lane < lanes; ++lane) {
                Value row = vector::ExtractOp::create(b, loc, perChannel,
                                                      ArrayRef<int64_t>{lane});
                Value o = arith::AddIOp::create(b, loc, o0, k.index(lane));
                current = vector::TransferWriteOp::create(
                              b, loc, row, current, ValueRange{n, o, y, x0},
                              ArrayRef<bool>{true})
                              .getResult();
              }
            }
            return current;
          };

          SmallVector<Value> ivs;
          return nest(pb, {k.index(0), k.index(0)},
                      {k.index(batch), k.index(outH)}, ivs, ValueRange{result},
                      [&](OpBuilder &b, ValueRange pos,
                          ValueRange args) -> SmallVector<Value> {
                        Value n = pos[0], y = pos[1], current = args[0];
                        auto columnLoop = [&](int64_t begin, int64_t end,
                                              int64_t columns) {
                          current = k.stepLoop(
                              b, begin, end, columns, current,
                              [&](OpBuilder &cb, Value x0, Value state) {
                                return emitPositions(cb, n, y, x0, columns,
                                                     state);
                              });
                        };
                        columnLoop(0, fullBegin, 1);
                        columnLoop(fullBegin, tilesEnd, tileColumns);
                        columnLoop(tilesEnd, outW, 1);
                        return {current};
                      })
              .front();
        });

    rewriter.replaceOp(op, out);
    return success();
  }

private:
  BinaryTile tile;
};

//===----------------------------------------------------------------------===//
// binarize along the innermost axis
//===----------------------------------------------------------------------===//

/// A per-tensor quantized `binarize` whose axis is the innermost one (the
/// input of a binary fully-connected layer, [M, K]): each word is one
/// vector<64xi8> load, one compare with Z (vector<64xi1>, bit 1 = q < Z)
/// and a bitcast of the 64 lanes to one i64, lane b to bit b. LLVM selects
/// vpcmpub/vpcmpb into a mask register and kmovq on AVX-512, vpmovmskb on
/// AVX2. The last word of a row, if partial, is read with Z as padding,
/// whose bit is 0. Other axes take the linalg lowering.
class BinarizeInnermostKernel : public OpRewritePattern<BinarizeOp> {
public:
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BinarizeOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = op.getInput().getType();
    auto quantized =
        dyn_cast<quant::UniformQuantizedType>(inputType.getElementType());
    int64_t rank = inputType.getRank();
    if (!quantized || !inputType.hasStaticShape() || op.getAxis() != rank - 1 ||
        quantized.getStorageTypeIntegralWidth() != 8)
      return rewriter.notifyMatchFailure(
          op, "needs a static 8-bit quantized input packed along its "
              "innermost axis");
    Location loc = op.getLoc();
    auto resultType = op.getResult().getType();
    int64_t signs = inputType.getDimSize(rank - 1);
    int64_t words = resultType.getDimSize(rank - 1);
    int64_t rows = inputType.getNumElements() / std::max<int64_t>(signs, 1);
    Type storage = quantized.getStorageType();
    auto index = [&](OpBuilder &b, int64_t value) -> Value {
      return arith::ConstantIndexOp::create(b, loc, value);
    };

    // [rows, signs] storage values, [rows, words] result.
    Value input = quant::StorageCastOp::create(
        rewriter, loc, inputType.clone(storage), op.getInput());
    auto flatten = [&](Value value, int64_t inner) -> Value {
      auto type = cast<RankedTensorType>(value.getType());
      auto flat = RankedTensorType::get({rows, inner}, type.getElementType());
      if (rank == 2)
        return value;
      if (rank == 1)
        return tensor::ExpandShapeOp::create(rewriter, loc, flat, value,
                                             {{0, 1}});
      ReassociationIndices leading =
          llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
      return tensor::CollapseShapeOp::create(
          rewriter, loc, flat, value,
          ArrayRef<ReassociationIndices>{leading, {rank - 1}});
    };
    input = flatten(input, signs);
    Value out = tensor::EmptyOp::create(
        rewriter, loc, ArrayRef<int64_t>{rows, words}, rewriter.getI64Type());

    auto signsType = VectorType::get({kSignsPerWord}, storage);
    Value zeroPoint = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getIntegerAttr(storage, quantized.getZeroPoint()));
    Value zeroPoints =
        vector::BroadcastOp::create(rewriter, loc, signsType, zeroPoint);
    auto predicate = quantized.isSigned() ? arith::CmpIPredicate::slt
                                          : arith::CmpIPredicate::ult;
    auto packWord = [&](OpBuilder &b, Value row, Value w, bool inBounds,
                        Value current) -> Value {
      Value first = arith::MulIOp::create(b, loc, w, index(b, kSignsPerWord));
      Value values = vector::TransferReadOp::create(
          b, loc, signsType, input, ValueRange{row, first}, zeroPoint,
          ArrayRef<bool>{inBounds});
      Value negative =
          arith::CmpIOp::create(b, loc, predicate, values, zeroPoints);
      Value packed = vector::BitCastOp::create(
          b, loc, VectorType::get({1}, b.getI64Type()), negative);
      Value word =
          vector::ExtractOp::create(b, loc, packed, ArrayRef<int64_t>{0});
      return tensor::InsertOp::create(b, loc, word, current,
                                      ValueRange{row, w});
    };
    int64_t wholeWords = signs / kSignsPerWord;
    out = scf::ForOp::create(
              rewriter, loc, index(rewriter, 0), index(rewriter, rows),
              index(rewriter, 1), ValueRange{out},
              [&](OpBuilder &rb, Location, Value row, ValueRange rowArgs) {
                Value current = rowArgs[0];
                if (wholeWords > 0)
                  current = scf::ForOp::create(
                                rb, loc, index(rb, 0), index(rb, wholeWords),
                                index(rb, 1), ValueRange{current},
                                [&](OpBuilder &wb, Location, Value w,
                                    ValueRange wordArgs) {
                                  scf::YieldOp::create(
                                      wb, loc,
                                      packWord(wb, row, w, /*inBounds=*/true,
                                               wordArgs[0]));
                                })
                                .getResult(0);
                if (wholeWords < words)
                  current = packWord(rb, row, index(rb, wholeWords),
                                     /*inBounds=*/false, current);
                scf::YieldOp::create(rb, loc, current);
              })
              .getResult(0);

    if (rank != 2) {
      SmallVector<ReassociationIndices> reassociation;
      if (rank == 1)
        reassociation = {{0, 1}};
      else
        reassociation = {llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)),
                         {rank - 1}};
      out = rank == 1 ? Value(tensor::CollapseShapeOp::create(
                            rewriter, loc, resultType, out, reassociation))
                      : Value(tensor::ExpandShapeOp::create(
                            rewriter, loc, resultType, out, reassociation));
    }
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void mlir::lowbit::populateLowbitBinaryToVectorPatterns(
    RewritePatternSet &patterns, KernelIsa isa) {
  BinaryTile tile = getBinaryTile(isa);
  patterns.add<BinaryFullyConnectedKernel, BinaryConv2DKernel>(
      patterns.getContext(), tile);
  patterns.add<BinarizeInnermostKernel>(patterns.getContext());
}
