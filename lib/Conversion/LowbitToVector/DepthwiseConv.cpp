//===- DepthwiseConv.cpp - Depthwise conv2d to a vector stencil -*- C++ -*-===//
//
// lowbit.packed_depthwise_conv2d becomes, on tensors:
//
//   plane = [Hp, Wp] filled with Zx                  (once)
//   for each image n, input channel c
//     plane[pad_top.., pad_left..] = x[n, c]         (the borders stay Zx)
//     for each of its m output channels f
//       one vector<Vxi32> per tap: the weight, broadcast
//       for each tile of R output rows (then single rows)
//         for each tile of V output columns (the last one shifted left so
//         that it ends at OW: no partial tile, no mask)
//           R accumulators = bias; per distinct input row of the tile and
//           per kw, one load of V columns (stride s: V * s bytes and a
//           shuffle that keeps every s-th), widened to i32, multiplied by
//           the tap's weight and added to every output row that reads it
//           epilogue per row: buildRequantize on vector<Vxi32>, narrow,
//           store V outputs
//
// V = min(16, the largest power of two <= OW). The padded plane makes every
// load in bounds and turns padding taps into Zx, which the folded bias
// cancels exactly (see PackDepthwiseConv.cpp), so the inner loop has no
// masks and no border cases. The plane is Wp >= OW * s + (KW - 1) * d
// wide, enough for the last tile's strided loads.
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

#include "llvm/ADT/bit.h"

#include <map>

using namespace mlir;
using namespace mlir::lowbit;

/// The widest accumulator: 16 int32 lanes (one zmm, two ymm, four q
/// registers).
static constexpr int64_t kMaxLanes = 16;
/// Output rows per tile: consecutive rows share input rows (stride 1, 3x3:
/// 6 rows of loads for 4 rows of outputs instead of 12).
static constexpr int64_t kTileRows = 4;

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
  Value emitChannel(OpBuilder &b, Value n, Value f, Value plane, Value out);
  Value emitTile(OpBuilder &b, Value n, Value f, Value plane, Value oy0,
                 int64_t rows, Value ox0, Value out);

  Value index(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  VectorType lanesOf(Type element) { return VectorType::get({lanes}, element); }

  PackedDepthwiseConv2DOp op;
  RequantizePath path;
  bool testPlantRoundingError;
  Location loc = op.getLoc();

  Value input;
  Type storage, outputElement;
  bool inputSigned = false;
  int64_t channels = 0, multiplier = 1, height = 0, width = 0;
  int64_t kernelHeight = 0, kernelWidth = 0, outHeight = 0, outWidth = 0;
  int64_t lanes = 0;
  ArrayRef<int64_t> strides, dilations;
  /// Per requantize parameter: an [F] tensor (per channel) or a vector<V>
  /// splat (per tensor).
  SmallVector<std::pair<RequantizeParam, Value>> params;
  /// Per output channel (set by emitChannel): the weight of each tap (kh,
  /// kw row-major), the bias and the requantize parameters as vector<V>.
  SmallVector<Value> tapWeights;
  Value channelBias;
  std::array<Value, kNumRequantizeParams> channelParams;
};
} // namespace

Value DepthwiseKernelEmitter::emit(OpBuilder &b) {
  quant::UniformQuantizedType inputQuant = op.getInputQuantizedType();
  auto inputType = op.getInput().getType();
  auto outputType = op.getOutput().getType();
  storage = inputQuant.getStorageType();
  inputSigned = inputQuant.isSigned();
  outputElement = op.getOutputQuantizedType().getStorageType();
  input = quant::StorageCastOp::create(b, loc, inputType.clone(storage),
                                       op.getInput());
  int64_t images = inputType.getDimSize(0);
  channels = inputType.getDimSize(1);
  height = inputType.getDimSize(2);
  width = inputType.getDimSize(3);
  multiplier = op.getChannelMultiplier();
  kernelHeight = op.getWeight().getType().getDimSize(1);
  kernelWidth = op.getWeight().getType().getDimSize(2);
  outHeight = outputType.getDimSize(2);
  outWidth = outputType.getDimSize(3);
  strides = op.getStrides();
  dilations = op.getDilations();
  ArrayRef<int64_t> pads = op.getPads();

  Value out =
      tensor::EmptyOp::create(b, loc, outputType.getShape(), outputElement);
  if (outputType.getNumElements() == 0)
    return out;
  lanes = std::min<int64_t>(kMaxLanes, llvm::bit_floor(uint64_t(outWidth)));

  params = createRequantizeParamConstants(
      b, loc, op.getRounding(), path, op.getMultiplier(), op.getShift(),
      testPlantRoundingError, outputType.getDimSize(1), lanes);

  // The padded plane of one input channel, wide and tall enough for every
  // load of every tile.
  int64_t planeHeight =
      std::max(pads[0] + height, (outHeight - 1) * strides[0] +
                                     (kernelHeight - 1) * dilations[0] + 1);
  int64_t planeWidth =
      std::max(pads[1] + width,
               outWidth * strides[1] + (kernelWidth - 1) * dilations[1]);
  Value zeroPoint = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(storage, inputQuant.getZeroPoint()));
  Value plane =
      linalg::FillOp::create(
          b, loc, zeroPoint,
          tensor::EmptyOp::create(
              b, loc, ArrayRef<int64_t>{planeHeight, planeWidth}, storage)
              .getResult())
          .getResult(0);

  auto imageLoop = scf::ForOp::create(
      b, loc, index(b, 0), index(b, images), index(b, 1),
      ValueRange{plane, out},
      [&](OpBuilder &ib, Location, Value n, ValueRange imageArgs) {
        auto channelLoop = scf::ForOp::create(
            ib, loc, index(ib, 0), index(ib, channels), index(ib, 1), imageArgs,
            [&](OpBuilder &cb, Location, Value c, ValueRange args) {
              auto slice = tensor::ExtractSliceOp::create(
                  cb, loc, RankedTensorType::get({height, width}, storage),
                  input,
                  ArrayRef<OpFoldResult>{n, c, cb.getIndexAttr(0),
                                         cb.getIndexAttr(0)},
                  ArrayRef<OpFoldResult>{cb.getIndexAttr(1), cb.getIndexAttr(1),
                                         cb.getIndexAttr(height),
                                         cb.getIndexAttr(width)},
                  SmallVector<OpFoldResult>(4, cb.getIndexAttr(1)));
              Value filled = tensor::InsertSliceOp::create(
                  cb, loc, slice, args[0],
                  ArrayRef<OpFoldResult>{cb.getIndexAttr(pads[0]),
                                         cb.getIndexAttr(pads[1])},
                  ArrayRef<OpFoldResult>{cb.getIndexAttr(height),
                                         cb.getIndexAttr(width)},
                  SmallVector<OpFoldResult>(2, cb.getIndexAttr(1)));
              Value result = args[1];
              Value f0 =
                  arith::MulIOp::create(cb, loc, c, index(cb, multiplier));
              if (multiplier == 1) {
                result = emitChannel(cb, n, f0, filled, result);
              } else {
                auto filters = scf::ForOp::create(
                    cb, loc, index(cb, 0), index(cb, multiplier), index(cb, 1),
                    ValueRange{result},
                    [&](OpBuilder &fb, Location, Value j, ValueRange fArgs) {
                      Value f = arith::AddIOp::create(fb, loc, f0, j);
                      scf::YieldOp::create(
                          fb, loc, emitChannel(fb, n, f, filled, fArgs[0]));
                    });
                result = filters.getResult(0);
              }
              scf::YieldOp::create(cb, loc, ValueRange{filled, result});
            });
        scf::YieldOp::create(ib, loc, channelLoop.getResults());
      });
  return imageLoop.getResult(1);
}

Value DepthwiseKernelEmitter::emitChannel(OpBuilder &b, Value n, Value f,
                                          Value plane, Value out) {
  Type i32 = b.getI32Type();
  auto splat = [&](Value scalar) -> Value {
    return vector::BroadcastOp::create(b, loc, lanesOf(scalar.getType()),
                                       scalar);
  };
  Value offset;
  if (Value offsets = op.getWeightOffsets())
    offset = tensor::ExtractOp::create(b, loc, offsets, ValueRange{f});
  tapWeights.clear();
  for (int64_t kh = 0; kh < kernelHeight; ++kh) {
    for (int64_t kw = 0; kw < kernelWidth; ++kw) {
      Value w = tensor::ExtractOp::create(
          b, loc, op.getWeight(), ValueRange{f, index(b, kh), index(b, kw)});
      w = arith::ExtSIOp::create(b, loc, i32, w);
      if (offset)
        w = arith::SubIOp::create(b, loc, w, offset);
      tapWeights.push_back(splat(w));
    }
  }
  channelBias =
      splat(tensor::ExtractOp::create(b, loc, op.getBias(), ValueRange{f}));
  channelParams = {};
  for (auto [param, value] : params)
    channelParams[static_cast<unsigned>(param)] =
        op.isPerChannel()
            ? splat(tensor::ExtractOp::create(b, loc, value, ValueRange{f}))
            : value;

  // Tiles of R rows, then single rows; per row tile, full column tiles,
  // then the last one shifted to end at OW.
  int64_t mainRows = outHeight - outHeight % kTileRows;
  int64_t fullColumns = outWidth - outWidth % lanes;
  auto emitRows = [&](OpBuilder &rb, int64_t begin, int64_t end, int64_t rows,
                      Value result) -> Value {
    if (begin >= end)
      return result;
    auto rowLoop = scf::ForOp::create(
        rb, loc, index(rb, begin), index(rb, end), index(rb, rows),
        ValueRange{result},
        [&](OpBuilder &yb, Location, Value oy0, ValueRange rowArgs) {
          auto columns = scf::ForOp::create(
              yb, loc, index(yb, 0), index(yb, fullColumns), index(yb, lanes),
              rowArgs,
              [&](OpBuilder &xb, Location, Value ox0, ValueRange colArgs) {
                scf::YieldOp::create(
                    xb, loc,
                    emitTile(xb, n, f, plane, oy0, rows, ox0, colArgs[0]));
              });
          Value tiled = columns.getResult(0);
          if (fullColumns != outWidth)
            tiled = emitTile(yb, n, f, plane, oy0, rows,
                             index(yb, outWidth - lanes), tiled);
          scf::YieldOp::create(yb, loc, tiled);
        });
    return rowLoop.getResult(0);
  };
  out = emitRows(b, 0, mainRows, kTileRows, out);
  return emitRows(b, mainRows, outHeight, 1, out);
}

Value DepthwiseKernelEmitter::emitTile(OpBuilder &b, Value n, Value f,
                                       Value plane, Value oy0, int64_t rows,
                                       Value ox0, Value out) {
  Type i32 = b.getI32Type();
  int64_t stride = strides[1];
  SmallVector<Value> accs(rows, channelBias);

  // Which (output row, kh) of the tile read input row oy0 * s + offset.
  std::map<int64_t, SmallVector<std::pair<int64_t, int64_t>>> readers;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t kh = 0; kh < kernelHeight; ++kh)
      readers[r * strides[0] + kh * dilations[0]].push_back({r, kh});

  Value iy0 = arith::MulIOp::create(b, loc, oy0, index(b, strides[0]));
  Value ix0 = arith::MulIOp::create(b, loc, ox0, index(b, stride));
  Value padding =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(storage, 0));
  SmallVector<int64_t> everyStride;
  for (int64_t i = 0; i < lanes; ++i)
    everyStride.push_back(i * stride);
  for (const auto &[rowOffset, rowReaders] : readers) {
    Value iy = arith::AddIOp::create(b, loc, iy0, index(b, rowOffset));
    for (int64_t kw = 0; kw < kernelWidth; ++kw) {
      Value ix =
          arith::AddIOp::create(b, loc, ix0, index(b, kw * dilations[1]));
      Value x = vector::TransferReadOp::create(
          b, loc, VectorType::get({lanes * stride}, storage), plane,
          ValueRange{iy, ix}, padding, ArrayRef<bool>{true});
      if (stride > 1)
        x = vector::ShuffleOp::create(b, loc, x, x, everyStride);
      x = inputSigned
              ? arith::ExtSIOp::create(b, loc, lanesOf(i32), x).getResult()
              : arith::ExtUIOp::create(b, loc, lanesOf(i32), x).getResult();
      for (auto [r, kh] : rowReaders) {
        Value product =
            arith::MulIOp::create(b, loc, x, tapWeights[kh * kernelWidth + kw]);
        accs[r] = arith::AddIOp::create(b, loc, accs[r], product);
      }
    }
  }

  auto outputQuant = op.getOutputQuantizedType();
  for (int64_t r = 0; r < rows; ++r) {
    RequantizeOperands operands{
        accs[r],
        channelParams,
        static_cast<int32_t>(outputQuant.getZeroPoint()),
        static_cast<int32_t>(op.getClampMin()),
        static_cast<int32_t>(op.getClampMax()),
        op.getRounding()};
    Value y = buildRequantize(b, loc, operands, path);
    if (outputElement != i32)
      y = arith::TruncIOp::create(b, loc, lanesOf(outputElement), y);
    Value oy = arith::AddIOp::create(b, loc, oy0, index(b, r));
    out = vector::TransferWriteOp::create(
              b, loc, y, out, ValueRange{n, f, oy, ox0}, ArrayRef<bool>{true})
              .getResult();
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
