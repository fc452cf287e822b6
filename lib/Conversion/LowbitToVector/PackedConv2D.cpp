//===- PackedConv2D.cpp - Packed conv2d to a SIMD kernel --------*- C++ -*-===//
//
// lowbit.packed_conv2d (NHWC) becomes the loop nest of PackedKernel.h as an
// implicit GEMM: the rows are the OH * OW output pixels, K is (kh, kw, c)
// with c innermost, one tap per (kh, kw) of Cp channels.
//
// The input is first copied once into an NHWC tensor [Hp, Wp, Cp] padded
// with its zero point Zx (spatially, and along the channels C..Cp), where
// Hp = (OH - 1) * sh + (KH - 1) * dh + 1 covers every row a window reads
// (rows past it, that floor division drops, are not copied). Output pixel
// p = (oh, ow) reads the Cp values of tap (kh, kw) at the flat offset
//
//   ((oh sh + kh dh) * Wp + ow sw + kw dw) * Cp
//
// so a group of G values of K is G consecutive channels of one pixel and a
// tap is one contiguous run: no im2col matrix is formed. Every value a
// window reads outside the image is Zx, which is what the reference
// convolution's skipped positions amount to (x - Zx = 0); the bias folded
// by lowbit-pack-weights counts these positions as part of K.
//
// The copy is a loop over the input rows with vector loads and stores:
// when C = Cp an input row is one contiguous run of the padded row; else
// groups of pixels are widened from C to Cp channels by one shuffle with
// Zx (C = 3 of a network's stem: 16 pixels of 3 bytes to 16 of 4), or,
// for wide pixels, copied pixel by pixel. The epilogue stores the 16
// channels of a pixel as one vector into the NHWC result.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"
#include "PackedKernel.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::lowbit;

/// Bytes per vector load and store of the copy.
static constexpr int64_t kCopyVectorBytes = 64;

namespace {
class Conv2DEmitter : public PackedKernelEmitter {
public:
  Conv2DEmitter(PackedConv2DOp op, RequantizePath path,
                bool testPlantRoundingError)
      : PackedKernelEmitter(
            PackedKernelOperands::get(op, op.getOutputChannels(),
                                      op.getKernel()[0] * op.getKernel()[1] *
                                          op.getPackedChannels()),
            op.getLoc(), path, testPlantRoundingError),
        op(op) {
    auto inputShape = op.getInput().getType().getShape();
    auto outputShape = op.getOutput().getType().getShape();
    height = inputShape[1];
    width = inputShape[2];
    channels = inputShape[3];
    outHeight = outputShape[1];
    outWidth = outputShape[2];
    packedChannels = op.getPackedChannels();
    tapDepth = packedChannels;
    paddedHeight = (outHeight - 1) * op.getStrides()[0] +
                   (op.getKernel()[0] - 1) * op.getDilations()[0] + 1;
    paddedWidth = (outWidth - 1) * op.getStrides()[1] +
                  (op.getKernel()[1] - 1) * op.getDilations()[1] + 1;
  }

private:
  Value prepareInput(OpBuilder &b) override {
    auto inputType = op.getInput().getType();
    Value stored = quant::StorageCastOp::create(
        b, loc, inputType.clone(operands.inputQuant.getStorageType()),
        op.getInput());
    Value source = tensor::CollapseShapeOp::create(
        b, loc, stored, ArrayRef<ReassociationIndices>{{0, 1, 2, 3}});
    Value zx = arith::ConstantOp::create(
        b, loc,
        b.getI8IntegerAttr(
            static_cast<int8_t>(operands.inputQuant.getZeroPoint())));
    Value empty = tensor::EmptyOp::create(
        b, loc,
        ArrayRef<int64_t>{paddedHeight * paddedWidth * packedChannels},
        b.getI8Type());
    Value padded = linalg::FillOp::create(b, loc, zx, empty).getResult(0);
    int64_t top = op.getPads()[0], left = op.getPads()[1];
    int64_t copyHeight = std::clamp<int64_t>(paddedHeight - top, 0, height);
    int64_t copyWidth = std::clamp<int64_t>(paddedWidth - left, 0, width);
    if (copyHeight > 0 && copyWidth > 0) {
      auto rows = scf::ForOp::create(
          b, loc, index(b, 0), index(b, copyHeight), index(b, 1),
          ValueRange{padded},
          [&](OpBuilder &rb, Location, Value h, ValueRange args) {
            Value from = arith::MulIOp::create(rb, loc, h,
                                               index(rb, width * channels));
            Value to = arith::MulIOp::create(
                rb, loc, arith::AddIOp::create(rb, loc, h, index(rb, top)),
                index(rb, paddedWidth * packedChannels));
            to = arith::AddIOp::create(rb, loc, to,
                                       index(rb, left * packedChannels));
            scf::YieldOp::create(
                rb, loc,
                copyRow(rb, source, from, args[0], to, copyWidth, zx));
          });
      padded = rows.getResult(0);
    }
    input = padded;
    return index(b, outHeight * outWidth);
  }

  /// Copies `pixels` pixels of C channels from `source` at `from` into
  /// `dest` at `to` as pixels of Cp channels (padded with `zx`).
  Value copyRow(OpBuilder &b, Value source, Value from, Value dest, Value to,
                int64_t pixels, Value zx) {
    if (channels == packedChannels)
      return copyBytes(b, source, from, dest, to, pixels * channels);
    // Wide pixels: C bytes each, the padded channels keep the fill's Zx.
    int64_t perVector = kCopyVectorBytes / packedChannels;
    if (perVector < 2)
      return forEach(b, pixels, 1, dest,
                     [&](OpBuilder &pb, Value pixel, Value out) {
                       return copyBytes(
                           pb, source, offset(pb, from, pixel, channels), out,
                           offset(pb, to, pixel, packedChannels), channels);
                     });
    // Groups of pixels widened by one shuffle, then the pixels left.
    int64_t groups = pixels / perVector;
    dest = forEach(b, groups, perVector, dest,
                   [&](OpBuilder &gb, Value pixel, Value out) {
                     return widenPixels(gb, source,
                                        offset(gb, from, pixel, channels),
                                        out,
                                        offset(gb, to, pixel, packedChannels),
                                        perVector, zx);
                   });
    if (int64_t rest = pixels % perVector) {
      Value pixel = index(b, groups * perVector);
      dest = widenPixels(b, source, offset(b, from, pixel, channels), dest,
                         offset(b, to, pixel, packedChannels), rest, zx);
    }
    return dest;
  }

  /// Copies `length` bytes from `source` at `from` to `dest` at `to`:
  /// vectors of kCopyVectorBytes, then one shorter vector.
  Value copyBytes(OpBuilder &b, Value source, Value from, Value dest, Value to,
                  int64_t length) {
    int64_t full = length / kCopyVectorBytes;
    dest = forEach(b, full, kCopyVectorBytes, dest,
                   [&](OpBuilder &vb, Value at, Value out) {
                     return moveVector(vb, source, offset(vb, from, at, 1),
                                       out, offset(vb, to, at, 1),
                                       kCopyVectorBytes);
                   });
    if (int64_t rest = length % kCopyVectorBytes) {
      Value at = index(b, full * kCopyVectorBytes);
      dest = moveVector(b, source, offset(b, from, at, 1), dest,
                        offset(b, to, at, 1), rest);
    }
    return dest;
  }

  /// `bytes` bytes of `source` at `from` written to `dest` at `to` as one
  /// vector.
  Value moveVector(OpBuilder &b, Value source, Value from, Value dest,
                   Value to, int64_t bytes) {
    return write(b, read(b, source, from, bytes), dest, to);
  }

  /// `pixels` pixels of C channels of `source` at `from` written to `dest`
  /// at `to` as pixels of Cp channels, the channels C..Cp being `zx`.
  Value widenPixels(OpBuilder &b, Value source, Value from, Value dest,
                    Value to, int64_t pixels, Value zx) {
    Value narrow = read(b, source, from, pixels * channels);
    Value padding = vector::BroadcastOp::create(
        b, loc, VectorType::get({1}, b.getI8Type()), zx);
    SmallVector<int64_t> lanes;
    for (int64_t p = 0; p < pixels; ++p)
      for (int64_t c = 0; c < packedChannels; ++c)
        lanes.push_back(c < channels ? p * channels + c : pixels * channels);
    Value wide = vector::ShuffleOp::create(b, loc, narrow, padding, lanes);
    return write(b, wide, dest, to);
  }

  Value read(OpBuilder &b, Value source, Value at, int64_t bytes) {
    return readVector(b, loc, source, at, bytes);
  }

  Value write(OpBuilder &b, Value vector, Value dest, Value at) {
    return vector::TransferWriteOp::create(b, loc, vector, dest,
                                           ValueRange{at},
                                           ArrayRef<bool>{true})
        .getResult();
  }

  /// base + i * scale (base when i is the constant 0).
  Value offset(OpBuilder &b, Value base, Value i, int64_t scale) {
    if (matchPattern(i, m_Zero()))
      return base;
    if (scale != 1)
      i = arith::MulIOp::create(b, loc, i, index(b, scale));
    return arith::AddIOp::create(b, loc, base, i);
  }

  /// Threads `dest` through `body(i)` for i = 0, step, ..., (count - 1) *
  /// step: inline for one iteration, else an scf.for.
  Value forEach(OpBuilder &b, int64_t count, int64_t step, Value dest,
                function_ref<Value(OpBuilder &, Value, Value)> body) {
    if (count == 0)
      return dest;
    if (count == 1)
      return body(b, index(b, 0), dest);
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, count * step), index(b, step),
        ValueRange{dest},
        [&](OpBuilder &lb, Location, Value i, ValueRange args) {
          scf::YieldOp::create(lb, loc, body(lb, i, args[0]));
        });
    return loop.getResult(0);
  }

  std::optional<int64_t> getStaticRows() override {
    return outHeight * outWidth;
  }

  // sum over the window of every output pixel of the padded input, as
  // stored (padding included: it is part of K).
  Value emitRowSums(OpBuilder &b) override {
    MLIRContext *context = b.getContext();
    Type i32 = b.getI32Type();
    AffineExpr oh, ow, kh, kw, c;
    bindDims(context, oh, ow, kh, kw, c);
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    AffineMap window = AffineMap::get(
        5, 0,
        {oh * strides[0] + kh * dilations[0],
         ow * strides[1] + kw * dilations[1], c},
        context);
    auto parallel = utils::IteratorType::parallel;
    auto reduction = utils::IteratorType::reduction;
    Value paddedInput = tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get({paddedHeight, paddedWidth, packedChannels},
                              b.getI8Type()),
        input, ArrayRef<ReassociationIndices>{{0, 1, 2}});
    // The kernel's extents enter through an unread [KH, KW] operand.
    Value extents = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{op.getKernel()[0], op.getKernel()[1]}, i32);
    Value sums = emitStoredSum(
        b, ValueRange{paddedInput, extents}, {outHeight, outWidth}, {},
        {window, AffineMap::get(5, 0, {kh, kw}, context),
         AffineMap::get(5, 0, {oh, ow}, context)},
        {parallel, parallel, reduction, reduction, reduction});
    return tensor::CollapseShapeOp::create(
        b, loc, sums, ArrayRef<ReassociationIndices>{{0, 1}});
  }

  Value emitOutput(OpBuilder &b) override {
    return tensor::EmptyOp::create(b, loc, op.getOutput().getType().getShape(),
                                   outputElement);
  }

  // Output pixel `row` is (row / OW, row % OW), as in emitTaps (the same
  // values, which CSE shares).
  SmallVector<Value> getOutputIndices(OpBuilder &b, Value row,
                                      Value n0) override {
    return {index(b, 0),
            arith::DivUIOp::create(b, loc, row, index(b, outWidth)),
            arith::RemUIOp::create(b, loc, row, index(b, outWidth)), n0};
  }

  SmallVector<Value> emitTaps(OpBuilder &b, Value row0, int64_t tileRows,
                              ValueRange accs, TapBody body) override {
    ArrayRef<int64_t> kernelSize = op.getKernel(), strides = op.getStrides(),
                      dilations = op.getDilations();
    // The flat offset of each row's (output pixel's) window origin.
    SmallVector<Value> origins;
    for (int64_t r = 0; r < tileRows; ++r) {
      Value pixel = arith::AddIOp::create(b, loc, row0, index(b, r));
      Value oh = arith::DivUIOp::create(b, loc, pixel, index(b, outWidth));
      Value ow = arith::RemUIOp::create(b, loc, pixel, index(b, outWidth));
      Value origin = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(b, loc, oh,
                                index(b, strides[0] * paddedWidth)),
          arith::MulIOp::create(b, loc, ow, index(b, strides[1])));
      origins.push_back(
          arith::MulIOp::create(b, loc, origin, index(b, packedChannels)));
    }
    int64_t groupsPerTap = packedChannels / kernel.getKGroup();
    auto rowsOfTaps = scf::ForOp::create(
        b, loc, index(b, 0), index(b, kernelSize[0]), index(b, 1), accs,
        [&](OpBuilder &hb, Location, Value kh, ValueRange hArgs) {
          auto columnsOfTaps = scf::ForOp::create(
              hb, loc, index(hb, 0), index(hb, kernelSize[1]), index(hb, 1),
              hArgs,
              [&](OpBuilder &wb, Location, Value kw, ValueRange wArgs) {
                Value offset = arith::AddIOp::create(
                    wb, loc,
                    arith::MulIOp::create(
                        wb, loc, kh,
                        index(wb,
                              dilations[0] * paddedWidth * packedChannels)),
                    arith::MulIOp::create(
                        wb, loc, kw,
                        index(wb, dilations[1] * packedChannels)));
                Value tapIndex = arith::AddIOp::create(
                    wb, loc,
                    arith::MulIOp::create(wb, loc, kh,
                                          index(wb, kernelSize[1])),
                    kw);
                PackedTap tap;
                tap.firstGroup = arith::MulIOp::create(
                    wb, loc, tapIndex, index(wb, groupsPerTap));
                for (Value origin : origins)
                  tap.rowIndices.push_back(
                      {arith::AddIOp::create(wb, loc, origin, offset)});
                scf::YieldOp::create(wb, loc, body(wb, tap, wArgs));
              });
          scf::YieldOp::create(hb, loc, columnsOfTaps.getResults());
        });
    return llvm::to_vector_of<Value>(rowsOfTaps.getResults());
  }

  PackedConv2DOp op;
  int64_t height, width, channels, outHeight, outWidth, packedChannels;
  int64_t paddedHeight, paddedWidth;
};
} // namespace

void mlir::lowbit::populatePackedConv2DLoweringPatterns(
    RewritePatternSet &patterns, bool allowI32Requantize,
    bool testPlantRoundingError) {
  patterns.add<FusedRequantizeKernelLowering<PackedConv2DOp, Conv2DEmitter>>(
      patterns.getContext(), allowI32Requantize, testPlantRoundingError);
}
