//===- PackedConv2D.cpp - Packed conv2d to a SIMD kernel --------*- C++ -*-===//
//
// lowbit.packed_conv2d becomes the loop nest of PackedKernel.h as an
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
// The epilogue stores each block of 16 channels of a pixel into the NCHW
// result (as [F, OH * OW]) one channel at a time.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"
#include "PackedKernel.h"

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {
class Conv2DEmitter : public PackedKernelEmitter {
public:
  Conv2DEmitter(PackedConv2DOp op, RequantizePath path,
                bool testPlantRoundingError)
      : PackedKernelEmitter(
            PackedKernelOperands::get(op,
                                      op.getOutput().getType().getDimSize(1),
                                      op.getKernel()[0] * op.getKernel()[1] *
                                          op.getPackedChannels()),
            op.getLoc(), path, testPlantRoundingError),
        op(op) {
    auto inputShape = op.getInput().getType().getShape();
    auto outputShape = op.getOutput().getType().getShape();
    channels = inputShape[1];
    height = inputShape[2];
    width = inputShape[3];
    outHeight = outputShape[2];
    outWidth = outputShape[3];
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
    Type i8 = b.getI8Type();
    Value stored = quant::StorageCastOp::create(
        b, loc, inputType.clone(operands.inputQuant.getStorageType()),
        op.getInput());
    Value zx = arith::ConstantOp::create(
        b, loc,
        b.getI8IntegerAttr(
            static_cast<int8_t>(operands.inputQuant.getZeroPoint())));
    Value empty = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{paddedHeight, paddedWidth, packedChannels},
        i8);
    Value padded = linalg::FillOp::create(b, loc, zx, empty).getResult(0);
    int64_t top = op.getPads()[0], left = op.getPads()[1];
    int64_t copyHeight = std::clamp<int64_t>(paddedHeight - top, 0, height);
    int64_t copyWidth = std::clamp<int64_t>(paddedWidth - left, 0, width);
    if (copyHeight > 0 && copyWidth > 0) {
      auto sourceType =
          RankedTensorType::get({channels, copyHeight, copyWidth}, i8);
      Value source = tensor::ExtractSliceOp::create(
          b, loc, sourceType, stored, ArrayRef<OpFoldResult>{
                                          b.getIndexAttr(0), b.getIndexAttr(0),
                                          b.getIndexAttr(0), b.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(channels),
                                 b.getIndexAttr(copyHeight),
                                 b.getIndexAttr(copyWidth)},
          ArrayRef<OpFoldResult>(SmallVector<OpFoldResult>(
              4, b.getIndexAttr(1))));
      SmallVector<OpFoldResult> offsets{b.getIndexAttr(top),
                                        b.getIndexAttr(left),
                                        b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes{b.getIndexAttr(copyHeight),
                                      b.getIndexAttr(copyWidth),
                                      b.getIndexAttr(channels)};
      SmallVector<OpFoldResult> ones(3, b.getIndexAttr(1));
      Value window = tensor::ExtractSliceOp::create(b, loc, padded, offsets,
                                                    sizes, ones);
      Value nhwc = linalg::TransposeOp::create(b, loc, source, window,
                                               ArrayRef<int64_t>{1, 2, 0})
                       .getResult()
                       .front();
      padded = tensor::InsertSliceOp::create(b, loc, nhwc, padded, offsets,
                                             sizes, ones);
    }
    paddedInput = padded;
    input = tensor::CollapseShapeOp::create(
        b, loc, padded, ArrayRef<ReassociationIndices>{{0, 1, 2}});
    return index(b, outHeight * outWidth);
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
    return tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{operands.channels, outHeight * outWidth},
        outputElement);
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

  Value storeChannels(OpBuilder &b, Value y, Value row, Value n0, bool masked,
                      Value out) override {
    int64_t valid =
        masked ? operands.channels % kPackedChannelBlock : kPackedChannelBlock;
    for (int64_t lane = 0; lane < valid; ++lane) {
      Value element =
          vector::ExtractOp::create(b, loc, y, ArrayRef<int64_t>{lane});
      Value channel = arith::AddIOp::create(b, loc, n0, index(b, lane));
      out = tensor::InsertOp::create(b, loc, element, out,
                                     ValueRange{channel, row});
    }
    return out;
  }

  Value finish(OpBuilder &b, Value out) override {
    auto type = RankedTensorType::get(op.getOutput().getType().getShape(),
                                      outputElement);
    return tensor::ExpandShapeOp::create(
        b, loc, type, out, ArrayRef<ReassociationIndices>{{0, 1}, {2, 3}});
  }

  PackedConv2DOp op;
  int64_t channels, height, width, outHeight, outWidth, packedChannels;
  int64_t paddedHeight, paddedWidth;
  Value paddedInput;
};
} // namespace

void mlir::lowbit::populatePackedConv2DLoweringPatterns(
    RewritePatternSet &patterns, bool allowI32Requantize,
    bool testPlantRoundingError) {
  patterns.add<FusedRequantizeKernelLowering<PackedConv2DOp, Conv2DEmitter>>(
      patterns.getContext(), allowI32Requantize, testPlantRoundingError);
}
