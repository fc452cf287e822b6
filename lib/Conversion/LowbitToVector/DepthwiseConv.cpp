//===- DepthwiseConv.cpp - Depthwise conv2d to a channel-vector stencil ---===//
//
// lowbit.packed_depthwise_conv2d (NHWC) becomes, on tensors:
//
//   for each image n
//     for each block of V output channels f0 (the last one shifted left so
//     that it ends at F: no partial block, no mask)
//       per tap: the weights [kh, kw, f0 : f0 + V] as vector<Vxi16>
//       for each tile of R output rows (border rows one at a time)
//         for each tile of T output columns (the last one shifted left so
//         that it ends at OW)
//           R * T accumulators = bias; per distinct input pixel of the tile,
//           one load of its channels (with m = F / C > 1: V / m channels
//           and a shuffle that repeats each m times), widened to i32,
//           multiplied by the tap's weights and added to every output
//           that reads it
//           epilogue per output: buildRequantize on vector<Vxi32> (in the
//           x86 form on x86, setKernelRequantizeForms), narrow, store the
//           V channels
//
// V, R and T come from the op's `isa` (getDepthwiseTile).
//
// A vector holds consecutive channels of one pixel, so a strided or dilated
// window needs no shuffle and each tap's weights are one load. The input is
// read in place: the tiles whose windows lie inside the image are a loop
// with no bounds checks, and the few tiles at the borders are emitted at
// constant positions, where each padding tap is known at compile time and
// multiplies the splat Zx instead of a load (the folded bias cancels it
// exactly, PackDepthwiseConv.cpp). No padded copy: for stride 2 that copy
// would move as many bytes as the whole layer reads.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"
#include "lowbit/Conversion/LowbitToVector/LowbitToVector.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#include <map>

using namespace mlir;
using namespace mlir::lowbit;

namespace {
/// The register tile of the kernel: int32 lanes per accumulator vector, and
/// output rows and columns per tile.
struct DepthwiseTile {
  int64_t lanes, rows, columns;
};
} // namespace

/// The tile for `isa`. Neighbouring outputs share input pixels (stride 1,
/// 3x3: a 2 x 8 tile loads 4 x 10 pixels for 16 outputs instead of 144),
/// so the tile is as wide as the registers allow:
/// - avx512vnni: 16 lanes (one zmm), 2 x 8 = 16 accumulators and the 9 tap
///   weights of a 3x3 kernel in the 32 zmm;
/// - avx2, neon_dotprod, neon: 8 lanes (one ymm, two q), 2 x 4 = 8
///   accumulators. With 16 lanes they alone would take the 16 ymm of AVX2
///   or the 32 q of AArch64 and the kernel would spill (AArch64: 1515
///   stack accesses in a 144-channel layer vs 93).
/// docs/Performance.md, "Depthwise convolution", has the measurements.
static DepthwiseTile getDepthwiseTile(KernelIsa isa) {
  switch (isa) {
  case KernelIsa::Avx512Vnni:
    return {16, 2, 8};
  case KernelIsa::Avx2:
  case KernelIsa::NeonDotprod:
  case KernelIsa::Neon:
    return {8, 2, 4};
  }
  llvm_unreachable("unknown kernel ISA");
}

/// Output channels per vector of `maxLanes`: all F when they fit in one,
/// else a multiple of the channel multiplier m (so that every block starts
/// at a whole input channel).
static int64_t getChannelLanes(int64_t filters, int64_t multiplier,
                               int64_t maxLanes) {
  if (filters <= maxLanes)
    return filters;
  if (multiplier <= maxLanes)
    return maxLanes - maxLanes % multiplier;
  return multiplier;
}

namespace {
/// The outputs along one spatial dimension whose windows lie inside the
/// input: [begin, end), empty when begin == end.
struct InteriorRange {
  int64_t begin, end;
};
} // namespace

/// The interior outputs of a dimension of `size` inputs.
static InteriorRange getInteriorRange(int64_t size, int64_t outputs,
                                      int64_t padBefore, int64_t kernel,
                                      int64_t stride, int64_t dilation) {
  int64_t begin =
      std::min<int64_t>(llvm::divideCeilSigned(padBefore, stride), outputs);
  // The last output o with o * stride - pad + (kernel - 1) * dilation in the
  // input.
  int64_t last = size - 1 + padBefore - (kernel - 1) * dilation;
  int64_t end = last < 0 ? 0 : std::min(last / stride + 1, outputs);
  return {begin, std::max(begin, end)};
}

namespace {
/// Builds the loop nest of one packed_depthwise_conv2d.
class DepthwiseKernelEmitter {
public:
  DepthwiseKernelEmitter(PackedDepthwiseConv2DOp op, RequantizePath path,
                         bool testPlantRoundingError)
      : op(op), path(path), testPlantRoundingError(testPlantRoundingError) {}

  /// Emits the kernel before `op` and returns its result (storage typed).
  Value emit(OpBuilder &b);

private:
  Value emitImage(OpBuilder &b, Value n, Value out);
  Value emitRowTile(OpBuilder &b, Value n, OpFoldResult oy0, int64_t rows,
                    Value out);
  /// Sets tapWeights, blockBias and blockParams for the block at f0.
  void loadBlock(OpBuilder &b, Value f0);
  Value emitColumns(OpBuilder &b, Value n, Value f0, Value c0, OpFoldResult oy0,
                    int64_t rows, Value out);
  Value emitTile(OpBuilder &b, Value n, Value f0, Value c0, OpFoldResult oy0,
                 int64_t rows, OpFoldResult ox0, Value out);

  Value index(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  /// base * scale + offset as an index.
  Value scaledIndex(OpBuilder &b, OpFoldResult base, int64_t scale,
                    int64_t offset);
  VectorType lanesOf(Type element) { return VectorType::get({lanes}, element); }
  /// vector<lanes x element> read from the [F] `channelVector` at f0.
  Value readChannels(OpBuilder &b, Value channelVector, Value f0);

  PackedDepthwiseConv2DOp op;
  RequantizePath path;
  bool testPlantRoundingError;
  Location loc = op.getLoc();

  /// The input as [N, H, W * C]: a pixel's channels are contiguous.
  Value input;
  Type storage, outputElement;
  bool inputSigned = false;
  int64_t zeroPoint = 0;
  int64_t height = 0, width = 0, channels = 0, filters = 0, multiplier = 1;
  int64_t kernelHeight = 0, kernelWidth = 0, outHeight = 0, outWidth = 0;
  int64_t lanes = 0, tileRows = 0, tileColumns = 0;
  ArrayRef<int64_t> strides, dilations, pads;
  InteriorRange interiorRows{0, 0}, interiorColumns{0, 0};
  /// Per requantize parameter: an [F] tensor (per channel) or a vector<V>
  /// splat (per tensor).
  SmallVector<std::pair<RequantizeParam, Value>> params;
  /// Per channel block (set by loadBlock): the weights of each tap (kh, kw
  /// row-major) as vector<Vxi16>, the bias and the requantize parameters as
  /// vector<V>.
  SmallVector<Value> tapWeights;
  Value blockBias;
  std::array<Value, kNumRequantizeParams> blockParams;
};
} // namespace

Value DepthwiseKernelEmitter::emit(OpBuilder &b) {
  quant::UniformQuantizedType inputQuant = op.getInputQuantizedType();
  auto inputType = op.getInput().getType();
  auto outputType = op.getOutput().getType();
  storage = inputQuant.getStorageType();
  inputSigned = inputQuant.isSigned();
  zeroPoint = inputQuant.getZeroPoint();
  outputElement = op.getOutputQuantizedType().getStorageType();
  int64_t images = inputType.getDimSize(0);
  height = inputType.getDimSize(1);
  width = inputType.getDimSize(2);
  channels = inputType.getDimSize(3);
  filters = outputType.getDimSize(3);
  multiplier = op.getChannelMultiplier();
  kernelHeight = op.getWeight().getType().getDimSize(0);
  kernelWidth = op.getWeight().getType().getDimSize(1);
  outHeight = outputType.getDimSize(1);
  outWidth = outputType.getDimSize(2);
  strides = op.getStrides();
  dilations = op.getDilations();
  pads = op.getPads();

  Value out =
      tensor::EmptyOp::create(b, loc, outputType.getShape(), outputElement);
  if (outputType.getNumElements() == 0)
    return out;
  DepthwiseTile tile = getDepthwiseTile(op.getIsa());
  lanes = getChannelLanes(filters, multiplier, tile.lanes);
  tileRows = tile.rows;
  tileColumns = std::min(tile.columns, outWidth);
  interiorRows = getInteriorRange(height, outHeight, pads[0], kernelHeight,
                                  strides[0], dilations[0]);
  interiorColumns = getInteriorRange(width, outWidth, pads[1], kernelWidth,
                                     strides[1], dilations[1]);
  params = createRequantizeParamConstants(
      b, loc, op.getRounding(), path, op.getMultiplier(), op.getShift(),
      testPlantRoundingError, filters, lanes);
  input = quant::StorageCastOp::create(b, loc, inputType.clone(storage),
                                       op.getInput());
  input = tensor::CollapseShapeOp::create(
      b, loc, input, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});

  auto imageLoop = scf::ForOp::create(
      b, loc, index(b, 0), index(b, images), index(b, 1), ValueRange{out},
      [&](OpBuilder &ib, Location, Value n, ValueRange imageArgs) {
        scf::YieldOp::create(ib, loc, emitImage(ib, n, imageArgs[0]));
      });
  return imageLoop.getResult(0);
}

Value DepthwiseKernelEmitter::scaledIndex(OpBuilder &b, OpFoldResult base,
                                          int64_t scale, int64_t offset) {
  if (std::optional<int64_t> value = getConstantIntValue(base))
    return index(b, *value * scale + offset);
  Value scaled =
      arith::MulIOp::create(b, loc, cast<Value>(base), index(b, scale));
  return arith::AddIOp::create(b, loc, scaled, index(b, offset));
}

Value DepthwiseKernelEmitter::readChannels(OpBuilder &b, Value channelVector,
                                           Value f0) {
  return readVector(b, loc, channelVector, f0, lanes);
}

/// Border rows one at a time at constant positions; the interior in a loop
/// over tiles of R rows, then single rows.
Value DepthwiseKernelEmitter::emitImage(OpBuilder &b, Value n, Value out) {
  for (int64_t oy = 0; oy < interiorRows.begin; ++oy)
    out = emitRowTile(b, n, b.getIndexAttr(oy), 1, out);
  int64_t tiledEnd =
      interiorRows.end - (interiorRows.end - interiorRows.begin) % tileRows;
  for (auto [begin, end, rows] :
       {std::tuple(interiorRows.begin, tiledEnd, tileRows),
        std::tuple(tiledEnd, interiorRows.end, int64_t(1))}) {
    if (begin == end)
      continue;
    auto rowLoop = scf::ForOp::create(
        b, loc, index(b, begin), index(b, end), index(b, rows), ValueRange{out},
        [&, rows = rows](OpBuilder &yb, Location, Value oy0,
                         ValueRange rowArgs) {
          scf::YieldOp::create(yb, loc,
                               emitRowTile(yb, n, oy0, rows, rowArgs[0]));
        });
    out = rowLoop.getResult(0);
  }
  for (int64_t oy = interiorRows.end; oy < outHeight; ++oy)
    out = emitRowTile(b, n, b.getIndexAttr(oy), 1, out);
  return out;
}

/// The blocks of V output channels of one row tile, in a loop whose last
/// block is shifted to end at F. Inside the row loop, so that the input
/// rows of the tile stay in cache while every block reads them.
Value DepthwiseKernelEmitter::emitRowTile(OpBuilder &b, Value n,
                                          OpFoldResult oy0, int64_t rows,
                                          Value out) {
  int64_t blocksEnd = llvm::divideCeil(filters, lanes) * lanes;
  auto blockLoop = scf::ForOp::create(
      b, loc, index(b, 0), index(b, blocksEnd), index(b, lanes),
      ValueRange{out},
      [&](OpBuilder &fb, Location, Value block, ValueRange blockArgs) {
        Value f0 = block;
        if (blocksEnd != filters)
          f0 = arith::MinUIOp::create(fb, loc, block,
                                      index(fb, filters - lanes));
        loadBlock(fb, f0);
        // The first input channel of the block.
        Value c0 =
            multiplier == 1
                ? f0
                : arith::DivUIOp::create(fb, loc, f0, index(fb, multiplier))
                      .getResult();
        scf::YieldOp::create(
            fb, loc, emitColumns(fb, n, f0, c0, oy0, rows, blockArgs[0]));
      });
  return blockLoop.getResult(0);
}

void DepthwiseKernelEmitter::loadBlock(OpBuilder &b, Value f0) {
  Type i16 = b.getI16Type();
  Value offsets;
  if (Value weightOffsets = op.getWeightOffsets())
    offsets = arith::TruncIOp::create(b, loc, lanesOf(i16),
                                      readChannels(b, weightOffsets, f0));
  // w - offset is in [-255, 255]: i16 tells LLVM that the products fit a
  // 16 x 16-bit multiply (vpmaddwd, vpdpwssd, smlal).
  tapWeights.clear();
  for (int64_t kh = 0; kh < kernelHeight; ++kh) {
    for (int64_t kw = 0; kw < kernelWidth; ++kw) {
      Value w = readVector(b, loc, op.getWeight(),
                           ValueRange{index(b, kh), index(b, kw), f0}, lanes);
      w = arith::ExtSIOp::create(b, loc, lanesOf(i16), w);
      if (offsets)
        w = arith::SubIOp::create(b, loc, w, offsets);
      tapWeights.push_back(w);
    }
  }
  blockBias = readChannels(b, op.getBias(), f0);
  blockParams = {};
  for (auto [param, value] : params)
    blockParams[static_cast<unsigned>(param)] =
        op.isPerChannel() ? readChannels(b, value, f0) : value;
}

/// One row tile: tiles of T columns, at constant positions over the left
/// border, in a loop over the interior, then at constant positions over
/// the right border (the last one shifted to end at OW).
Value DepthwiseKernelEmitter::emitColumns(OpBuilder &b, Value n, Value f0,
                                          Value c0, OpFoldResult oy0,
                                          int64_t rows, Value out) {
  int64_t ox = 0;
  auto emitBorderTile = [&] {
    out = emitTile(b, n, f0, c0, oy0, rows,
                   b.getIndexAttr(std::min(ox, outWidth - tileColumns)), out);
    ox += tileColumns;
  };
  while (ox < outWidth && ox < interiorColumns.begin)
    emitBorderTile();
  int64_t interiorTiles =
      std::max<int64_t>(interiorColumns.end - ox, 0) / tileColumns;
  if (interiorTiles > 0) {
    int64_t end = ox + interiorTiles * tileColumns;
    auto columnLoop = scf::ForOp::create(
        b, loc, index(b, ox), index(b, end), index(b, tileColumns),
        ValueRange{out},
        [&](OpBuilder &xb, Location, Value ox0, ValueRange colArgs) {
          scf::YieldOp::create(
              xb, loc, emitTile(xb, n, f0, c0, oy0, rows, ox0, colArgs[0]));
        });
    out = columnLoop.getResult(0);
    ox = end;
  }
  while (ox < outWidth)
    emitBorderTile();
  return out;
}

Value DepthwiseKernelEmitter::emitTile(OpBuilder &b, Value n, Value f0,
                                       Value c0, OpFoldResult oy0, int64_t rows,
                                       OpFoldResult ox0, Value out) {
  Type i32 = b.getI32Type();
  int64_t columns = tileColumns;
  SmallVector<Value> accs(rows * columns, blockBias);

  // Which (output, tap) of the tile read the input pixel at (row, column)
  // offset from the tile's first window.
  struct Reader {
    int64_t output, tap;
  };
  std::map<std::pair<int64_t, int64_t>, SmallVector<Reader>> readers;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t t = 0; t < columns; ++t)
      for (int64_t kh = 0; kh < kernelHeight; ++kh)
        for (int64_t kw = 0; kw < kernelWidth; ++kw)
          readers[{r * strides[0] + kh * dilations[0],
                   t * strides[1] + kw * dilations[1]}]
              .push_back({r * columns + t, kh * kernelWidth + kw});

  // A tile at a constant position may read padding (a tile in a loop is
  // inside the input): the pixel is then Zx.
  std::optional<int64_t> staticRow = getConstantIntValue(oy0);
  std::optional<int64_t> staticColumn = getConstantIntValue(ox0);
  auto isPadding = [](std::optional<int64_t> origin, int64_t stride,
                      int64_t pad, int64_t offset, int64_t size) {
    if (!origin)
      return false;
    int64_t position = *origin * stride - pad + offset;
    return position < 0 || position >= size;
  };
  Value zeroPointSplat = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(lanesOf(i32), b.getI32IntegerAttr(zeroPoint)));
  // With m > 1, lane i is output channel f0 + i, which reads input channel
  // c0 + i / m.
  int64_t inputLanes = lanes / multiplier;
  SmallVector<int64_t> repeat;
  for (int64_t i = 0; i < lanes; ++i)
    repeat.push_back(i / multiplier);
  for (const auto &[offset, pixelReaders] : readers) {
    auto [rowOffset, columnOffset] = offset;
    Value x;
    if (isPadding(staticRow, strides[0], pads[0], rowOffset, height) ||
        isPadding(staticColumn, strides[1], pads[1], columnOffset, width)) {
      if (zeroPoint == 0)
        continue;
      x = zeroPointSplat;
    } else {
      Value iy = scaledIndex(b, oy0, strides[0], rowOffset - pads[0]);
      Value column = arith::AddIOp::create(
          b, loc,
          scaledIndex(b, ox0, strides[1] * channels,
                      (columnOffset - pads[1]) * channels),
          c0);
      x = readVector(b, loc, input, ValueRange{n, iy, column}, inputLanes);
      if (multiplier > 1)
        x = vector::ShuffleOp::create(b, loc, x, x, repeat);
      x = inputSigned
              ? arith::ExtSIOp::create(b, loc, lanesOf(i32), x).getResult()
              : arith::ExtUIOp::create(b, loc, lanesOf(i32), x).getResult();
    }
    for (Reader reader : pixelReaders) {
      Value w =
          arith::ExtSIOp::create(b, loc, lanesOf(i32), tapWeights[reader.tap]);
      Value product = arith::MulIOp::create(b, loc, x, w);
      accs[reader.output] =
          arith::AddIOp::create(b, loc, accs[reader.output], product);
    }
  }

  auto outputQuant = op.getOutputQuantizedType();
  for (int64_t r = 0; r < rows; ++r) {
    Value oy = scaledIndex(b, oy0, 1, r);
    for (int64_t t = 0; t < columns; ++t) {
      RequantizeOperands operands{
          accs[r * columns + t],
          blockParams,
          static_cast<int32_t>(outputQuant.getZeroPoint()),
          static_cast<int32_t>(op.getClampMin()),
          static_cast<int32_t>(op.getClampMax()),
          op.getRounding()};
      setKernelRequantizeForms(operands, op.getIsa(), op.getShift());
      Value y = buildRequantize(b, loc, operands, path);
      if (outputElement != i32)
        y = arith::TruncIOp::create(b, loc, lanesOf(outputElement), y);
      out =
          vector::TransferWriteOp::create(
              b, loc, y, out, ValueRange{n, oy, scaledIndex(b, ox0, 1, t), f0},
              ArrayRef<bool>{true})
              .getResult();
    }
  }
  return out;
}

void mlir::lowbit::populateDepthwiseConvToVectorPatterns(
    RewritePatternSet &patterns, bool allowI32Requantize,
    bool testPlantRoundingError) {
  patterns.add<FusedRequantizeKernelLowering<PackedDepthwiseConv2DOp,
                                             DepthwiseKernelEmitter>>(
      patterns.getContext(), allowI32Requantize, testPlantRoundingError);
}
