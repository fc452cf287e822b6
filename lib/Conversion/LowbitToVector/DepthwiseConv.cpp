//===- DepthwiseConv.cpp - Depthwise conv2d to a channel-vector stencil ---===//
//
// lowbit.packed_depthwise_conv2d (NHWC) becomes, on tensors:
//
//   padded = [Hp, Wp * C] filled with Zx            (once; only with pads)
//   for each image n
//     padded[pad_top.., pad_left * C..] = x[n]       (the borders stay Zx)
//     for each block of V output channels f0 (the last one shifted left so
//     that it ends at F: no partial block, no mask)
//       per tap: the weights [kh, kw, f0 : f0 + V] as vector<Vxi16>
//       for each tile of R output rows (then single rows)
//         for each tile of T output columns (the last one shifted left so
//         that it ends at OW)
//           R * T accumulators = bias; per distinct input pixel of the tile,
//           one load of its channels (with m = F / C > 1: V / m channels
//           and a shuffle that repeats each m times), widened to i32,
//           multiplied by the tap's weights and added to every output
//           that reads it
//           epilogue per output: buildRequantize on vector<Vxi32>, narrow,
//           store the V channels
//
// A vector holds consecutive channels of one pixel, so a strided or dilated
// window needs no shuffle and each tap's weights are one load; every
// output pixel needs the same work, so the borders need no masks: the
// padded copy makes every load in bounds and turns padding taps into Zx,
// which the folded bias cancels exactly (PackDepthwiseConv.cpp). Without
// pads the input is read in place. Its rows are contiguous in both
// tensors ([H, W * C] into [Hp, Wp * C]), so the copy is a row memcpy.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"
#include "lowbit/Conversion/LowbitToVector/LowbitToVector.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#include <map>

using namespace mlir;
using namespace mlir::lowbit;

/// The widest accumulator: 16 int32 lanes (one zmm, two ymm, four q
/// registers).
static constexpr int64_t kMaxLanes = 16;
/// Output rows and columns per tile. Neighbouring outputs share input
/// pixels (stride 1, 3x3: a 2 x 4 tile loads 4 x 6 pixels for 8 outputs
/// instead of 72), and 8 accumulators plus 9 tap weights fit the 32
/// vector registers of AVX-512.
static constexpr int64_t kTileRows = 2;
static constexpr int64_t kTileColumns = 4;

/// Output channels per vector: all F when they fit in one, else a multiple
/// of the channel multiplier m (so that every block starts at a whole input
/// channel).
static int64_t getChannelLanes(int64_t filters, int64_t multiplier) {
  if (filters <= kMaxLanes)
    return filters;
  if (multiplier <= kMaxLanes)
    return kMaxLanes - kMaxLanes % multiplier;
  return multiplier;
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
  Value emitBlock(OpBuilder &b, Value n, Value f0, Value source, Value out);
  Value emitRows(OpBuilder &b, Value n, Value f0, Value c0, Value source,
                 int64_t begin, int64_t end, int64_t rows, Value out);
  Value emitTile(OpBuilder &b, Value n, Value f0, Value c0, Value source,
                 Value oy0, int64_t rows, Value ox0, int64_t columns,
                 Value out);

  Value index(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  VectorType lanesOf(Type element) { return VectorType::get({lanes}, element); }
  /// vector<lanes x element> read from the [F] `channelVector` at f0.
  Value readChannels(OpBuilder &b, Value channelVector, Value f0);

  PackedDepthwiseConv2DOp op;
  RequantizePath path;
  bool testPlantRoundingError;
  Location loc = op.getLoc();

  Type storage, outputElement;
  bool inputSigned = false, padded = false;
  int64_t channels = 0, filters = 0, multiplier = 1;
  int64_t kernelHeight = 0, kernelWidth = 0, outHeight = 0, outWidth = 0;
  int64_t lanes = 0, tileColumns = 0;
  ArrayRef<int64_t> strides, dilations;
  /// Per requantize parameter: an [F] tensor (per channel) or a vector<V>
  /// splat (per tensor).
  SmallVector<std::pair<RequantizeParam, Value>> params;
  /// Per channel block (set by emitBlock): the weights of each tap (kh, kw
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
  outputElement = op.getOutputQuantizedType().getStorageType();
  int64_t images = inputType.getDimSize(0);
  int64_t height = inputType.getDimSize(1), width = inputType.getDimSize(2);
  channels = inputType.getDimSize(3);
  filters = outputType.getDimSize(3);
  multiplier = op.getChannelMultiplier();
  kernelHeight = op.getWeight().getType().getDimSize(0);
  kernelWidth = op.getWeight().getType().getDimSize(1);
  outHeight = outputType.getDimSize(1);
  outWidth = outputType.getDimSize(2);
  strides = op.getStrides();
  dilations = op.getDilations();
  ArrayRef<int64_t> pads = op.getPads();

  Value out =
      tensor::EmptyOp::create(b, loc, outputType.getShape(), outputElement);
  if (outputType.getNumElements() == 0)
    return out;
  lanes = getChannelLanes(filters, multiplier);
  tileColumns = std::min(kTileColumns, outWidth);
  params = createRequantizeParamConstants(
      b, loc, op.getRounding(), path, op.getMultiplier(), op.getShift(),
      testPlantRoundingError, filters, lanes);

  // The input as [N, H, W * C]: a pixel's channels and an image row are
  // contiguous.
  Value input = quant::StorageCastOp::create(b, loc, inputType.clone(storage),
                                             op.getInput());
  input = tensor::CollapseShapeOp::create(
      b, loc, input, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
  // With pads, a copy of each image in a buffer filled with Zx that is
  // tall and wide enough for every window.
  padded = llvm::any_of(pads, [](int64_t pad) { return pad != 0; });
  Value buffer;
  if (padded) {
    int64_t bufferHeight =
        std::max(pads[0] + height, (outHeight - 1) * strides[0] +
                                       (kernelHeight - 1) * dilations[0] + 1);
    int64_t bufferWidth =
        std::max(pads[1] + width, (outWidth - 1) * strides[1] +
                                      (kernelWidth - 1) * dilations[1] + 1);
    Value zeroPoint = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(storage, inputQuant.getZeroPoint()));
    buffer = linalg::FillOp::create(
                 b, loc, zeroPoint,
                 tensor::EmptyOp::create(
                     b, loc,
                     ArrayRef<int64_t>{bufferHeight, bufferWidth * channels},
                     storage)
                     .getResult())
                 .getResult(0);
  }

  int64_t fullBlocks = filters - filters % lanes;
  SmallVector<Value> imageInits{out};
  if (padded)
    imageInits.push_back(buffer);
  auto imageLoop = scf::ForOp::create(
      b, loc, index(b, 0), index(b, images), index(b, 1), imageInits,
      [&](OpBuilder &ib, Location, Value n, ValueRange imageArgs) {
        Value source = input;
        if (padded) {
          auto rowType =
              RankedTensorType::get({height, width * channels}, storage);
          SmallVector<OpFoldResult> ones(3, ib.getIndexAttr(1));
          Value image = tensor::ExtractSliceOp::create(
              ib, loc, rowType, input,
              ArrayRef<OpFoldResult>{n, ib.getIndexAttr(0),
                                     ib.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{ib.getIndexAttr(1),
                                     ib.getIndexAttr(height),
                                     ib.getIndexAttr(width * channels)},
              ones);
          source = tensor::InsertSliceOp::create(
              ib, loc, image, imageArgs[1],
              ArrayRef<OpFoldResult>{ib.getIndexAttr(pads[0]),
                                     ib.getIndexAttr(pads[1] * channels)},
              ArrayRef<OpFoldResult>{ib.getIndexAttr(height),
                                     ib.getIndexAttr(width * channels)},
              ArrayRef<OpFoldResult>(ones).drop_back());
        }
        Value result = imageArgs[0];
        if (fullBlocks > 0) {
          auto blocks = scf::ForOp::create(
              ib, loc, index(ib, 0), index(ib, fullBlocks), index(ib, lanes),
              ValueRange{result},
              [&](OpBuilder &fb, Location, Value f0, ValueRange blockArgs) {
                scf::YieldOp::create(
                    fb, loc, emitBlock(fb, n, f0, source, blockArgs[0]));
              });
          result = blocks.getResult(0);
        }
        if (fullBlocks != filters)
          result =
              emitBlock(ib, n, index(ib, filters - lanes), source, result);
        SmallVector<Value> yielded{result};
        if (padded)
          yielded.push_back(source);
        scf::YieldOp::create(ib, loc, yielded);
      });
  return imageLoop.getResult(0);
}

Value DepthwiseKernelEmitter::readChannels(OpBuilder &b, Value channelVector,
                                           Value f0) {
  auto type = cast<RankedTensorType>(channelVector.getType());
  Value padding = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type.getElementType(), 0));
  return vector::TransferReadOp::create(b, loc, lanesOf(type.getElementType()),
                                        channelVector, ValueRange{f0}, padding,
                                        ArrayRef<bool>{true});
}

Value DepthwiseKernelEmitter::emitBlock(OpBuilder &b, Value n, Value f0,
                                        Value source, Value out) {
  Type i16 = b.getI16Type();
  Value offsets;
  if (Value weightOffsets = op.getWeightOffsets())
    offsets = arith::TruncIOp::create(b, loc, lanesOf(i16),
                                      readChannels(b, weightOffsets, f0));
  // w - offset is in [-255, 255]: i16 tells LLVM that the products fit a
  // 16 x 16-bit multiply (vpmaddwd, vpdpwssd, smlal).
  Value padding = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
  tapWeights.clear();
  for (int64_t kh = 0; kh < kernelHeight; ++kh) {
    for (int64_t kw = 0; kw < kernelWidth; ++kw) {
      Value w = vector::TransferReadOp::create(
          b, loc, lanesOf(b.getI8Type()), op.getWeight(),
          ValueRange{index(b, kh), index(b, kw), f0}, padding,
          ArrayRef<bool>{true});
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

  // The first input channel of the block.
  Value c0 = multiplier == 1
                 ? f0
                 : arith::DivUIOp::create(b, loc, f0, index(b, multiplier))
                       .getResult();
  int64_t mainRows = outHeight - outHeight % kTileRows;
  out = emitRows(b, n, f0, c0, source, 0, mainRows, kTileRows, out);
  return emitRows(b, n, f0, c0, source, mainRows, outHeight, 1, out);
}

/// Output rows [begin, end) in tiles of `rows`: per row tile, full column
/// tiles, then the last one shifted to end at OW.
Value DepthwiseKernelEmitter::emitRows(OpBuilder &b, Value n, Value f0,
                                       Value c0, Value source, int64_t begin,
                                       int64_t end, int64_t rows, Value out) {
  if (begin >= end)
    return out;
  int64_t fullColumns = outWidth - outWidth % tileColumns;
  auto rowLoop = scf::ForOp::create(
      b, loc, index(b, begin), index(b, end), index(b, rows), ValueRange{out},
      [&](OpBuilder &yb, Location, Value oy0, ValueRange rowArgs) {
        auto columns = scf::ForOp::create(
            yb, loc, index(yb, 0), index(yb, fullColumns),
            index(yb, tileColumns), rowArgs,
            [&](OpBuilder &xb, Location, Value ox0, ValueRange colArgs) {
              scf::YieldOp::create(xb, loc,
                                   emitTile(xb, n, f0, c0, source, oy0, rows,
                                            ox0, tileColumns, colArgs[0]));
            });
        Value tiled = columns.getResult(0);
        if (fullColumns != outWidth)
          tiled = emitTile(yb, n, f0, c0, source, oy0, rows,
                           index(yb, outWidth - tileColumns), tileColumns,
                           tiled);
        scf::YieldOp::create(yb, loc, tiled);
      });
  return rowLoop.getResult(0);
}

Value DepthwiseKernelEmitter::emitTile(OpBuilder &b, Value n, Value f0,
                                       Value c0, Value source, Value oy0,
                                       int64_t rows, Value ox0,
                                       int64_t columns, Value out) {
  Type i32 = b.getI32Type();
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

  Value iy0 = arith::MulIOp::create(b, loc, oy0, index(b, strides[0]));
  Value ix0 = arith::MulIOp::create(b, loc, ox0, index(b, strides[1]));
  Value padding =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(storage, 0));
  // With m > 1, lane i is output channel f0 + i, which reads input channel
  // c0 + i / m.
  int64_t inputLanes = lanes / multiplier;
  SmallVector<int64_t> repeat;
  for (int64_t i = 0; i < lanes; ++i)
    repeat.push_back(i / multiplier);
  for (const auto &[offset, pixelReaders] : readers) {
    Value iy = arith::AddIOp::create(b, loc, iy0, index(b, offset.first));
    Value ix = arith::AddIOp::create(b, loc, ix0, index(b, offset.second));
    Value column = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, ix, index(b, channels)), c0);
    SmallVector<Value> indices{iy, column};
    if (!padded)
      indices.insert(indices.begin(), n);
    Value x = vector::TransferReadOp::create(
        b, loc, VectorType::get({inputLanes}, storage), source, indices,
        padding, ArrayRef<bool>{true});
    if (multiplier > 1)
      x = vector::ShuffleOp::create(b, loc, x, x, repeat);
    x = inputSigned
            ? arith::ExtSIOp::create(b, loc, lanesOf(i32), x).getResult()
            : arith::ExtUIOp::create(b, loc, lanesOf(i32), x).getResult();
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
    Value oy = arith::AddIOp::create(b, loc, oy0, index(b, r));
    for (int64_t t = 0; t < columns; ++t) {
      RequantizeOperands operands{
          accs[r * columns + t],
          blockParams,
          static_cast<int32_t>(outputQuant.getZeroPoint()),
          static_cast<int32_t>(op.getClampMin()),
          static_cast<int32_t>(op.getClampMax()),
          op.getRounding()};
      Value y = buildRequantize(b, loc, operands, path);
      if (outputElement != i32)
        y = arith::TruncIOp::create(b, loc, lanesOf(outputElement), y);
      Value ox = arith::AddIOp::create(b, loc, ox0, index(b, t));
      out = vector::TransferWriteOp::create(b, loc, y, out,
                                            ValueRange{n, oy, ox, f0},
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
