//===- PackDepthwiseConv.cpp - Depthwise conv2d for its kernel --*- C++ -*-===//
//
// requantize(conv2d(x, W, b)) with group = C (a depthwise convolution, any
// channel multiplier m = F / C) and constant 8-bit W and b becomes
//
//   transpose(packed_depthwise_conv2d(transpose(x) to NHWC)) to NCHW
//
// The kernel is channels-last: its vectors hold consecutive channels of one
// pixel, so it needs no shuffles for strides and reads each tap's weights
// as one vector. The transposes are those of the pointwise convolutions
// (PackWeights.cpp); between two packed layers of a model they are inverse
// pairs that lowbit-sink-transposes removes. Per output channel f, with
// w' = w - Zw[f]:
//
//   sum_t (x_t - Zx) w'_t = sum_t x_t w'_t - Zx * sum_t w'_t
//
// over the KH * KW taps t, where a padded tap reads x_t = Zx. The second
// term depends on constants only and goes into the bias, so the kernel
// multiplies the stored activations as they are and pads with Zx. The
// weights are stored [KH, KW, F] as w - dw (int8, PackedLayout.h) and the
// rest of w', Zw[f] - dw, as `weight_offsets` (absent for symmetric int8
// weights). Coded weights (lowbit.coded_constant) are decoded here: the
// kernel reads one weight per tap and channel, so codes would save nothing
// but bytes.
//
// The taps are unrolled in the kernel: convolutions with more than
// kMaxDepthwiseTaps of them stay on the linalg loops.
//
//===----------------------------------------------------------------------===//

#include "PackedConstant.h"

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace mlir::lowbit;

/// The largest KH * KW the kernel unrolls.
static constexpr int64_t kMaxDepthwiseTaps = 64;

/// The zero point of each of the `channels` output channels of `type`.
static SmallVector<int64_t> getWeightZeroPoints(quant::QuantizedType type,
                                                int64_t channels) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    return llvm::to_vector(perAxis.getZeroPoints());
  return SmallVector<int64_t>(
      channels, cast<quant::UniformQuantizedType>(type).getZeroPoint());
}

/// The conv2d that defines `accumulator` if it is depthwise (group = C > 1,
/// one input channel per group; one group of one channel is an ordinary
/// convolution, left to the general kernels) with static shapes and 8-bit
/// quantized input and weights.
static Conv2DOp getDepthwiseConv(Value accumulator) {
  auto conv = accumulator.getDefiningOp<Conv2DOp>();
  if (!conv)
    return {};
  auto inputType = cast<RankedTensorType>(conv.getInput().getType());
  auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
  auto inputQuant =
      dyn_cast<quant::UniformQuantizedType>(inputType.getElementType());
  auto weightQuant =
      dyn_cast<quant::QuantizedType>(weightType.getElementType());
  int64_t channels = inputType.getDimSize(1);
  bool depthwise = inputQuant && weightQuant && inputType.hasStaticShape() &&
                   weightType.hasStaticShape() && channels > 1 &&
                   static_cast<int64_t>(conv.getGroup()) == channels &&
                   weightType.getDimSize(1) == 1 &&
                   inputQuant.getStorageTypeIntegralWidth() == 8 &&
                   weightQuant.getStorageTypeIntegralWidth() == 8;
  return depthwise ? conv : Conv2DOp();
}

namespace {
class PackDepthwiseConv : public OpRewritePattern<RequantizeOp> {
public:
  PackDepthwiseConv(MLIRContext *context, KernelIsa isa)
      : OpRewritePattern(context), isa(isa) {}

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    Conv2DOp conv = getDepthwiseConv(op.getInput());
    if (!conv || !conv->hasOneUse() ||
        !op.getOutput().getType().hasStaticShape())
      return rewriter.notifyMatchFailure(
          op, "not fed by a quantized 8-bit depthwise conv2d");
    if (op.isPerChannel() && op.getChannelDim() != 1)
      return rewriter.notifyMatchFailure(op, "not per output channel");
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    auto inputQuant = cast<quant::UniformQuantizedType>(
        conv.getInput().getType().getElementType());
    auto weightQuant = cast<quant::QuantizedType>(weightType.getElementType());
    int64_t filters = weightType.getDimSize(0);
    int64_t kh = weightType.getDimSize(2), kw = weightType.getDimSize(3);
    int64_t taps = kh * kw;
    if (taps > kMaxDepthwiseTaps)
      return rewriter.notifyMatchFailure(op, "kernel too large to unroll");

    FailureOr<SmallVector<int64_t>> weights =
        readConstantIntegers(conv.getWeight(), 8, weightQuant.isSigned());
    if (failed(weights))
      return rewriter.notifyMatchFailure(op, "weights are not constant");
    SmallVector<int64_t> bias(filters, 0);
    if (Value biasInput = conv.getBias()) {
      FailureOr<SmallVector<int64_t>> values =
          readConstantIntegers(biasInput, 32, /*isSigned=*/true);
      if (failed(values))
        return rewriter.notifyMatchFailure(op, "bias is not constant");
      bias = *values;
    }

    SmallVector<int64_t> zeroPoints = getWeightZeroPoints(weightQuant, filters);
    int64_t zx = inputQuant.getZeroPoint();
    int64_t dw = getWeightOffset(weightQuant.isSigned());
    // [KH, KW, F]: the weights of one tap are contiguous.
    SmallVector<int8_t> stored(taps * filters);
    SmallVector<int32_t> foldedBias(filters), offsets(filters);
    bool hasOffsets = false;
    for (int64_t f = 0; f < filters; ++f) {
      int64_t sum = 0;
      for (int64_t t = 0; t < taps; ++t) {
        int64_t w = (*weights)[f * taps + t];
        stored[t * filters + f] = static_cast<int8_t>(w - dw);
        sum += w - zeroPoints[f];
      }
      offsets[f] = static_cast<int32_t>(zeroPoints[f] - dw);
      hasOffsets |= offsets[f] != 0;
      // Exact modulo 2^32, which is all int32 accumulation needs.
      foldedBias[f] =
          static_cast<int32_t>(static_cast<uint32_t>(bias[f] - zx * sum));
    }

    Location loc = op.getLoc();
    Value offsetsValue =
        hasOffsets
            ? createPackedConstant<int32_t>(rewriter, loc, {filters}, offsets)
            : Value();
    auto inputType = cast<RankedTensorType>(conv.getInput().getType());
    auto outputType = op.getOutput().getType();
    auto toNhwc = [](RankedTensorType type) {
      ArrayRef<int64_t> s = type.getShape();
      return type.clone(ArrayRef<int64_t>{s[0], s[2], s[3], s[1]});
    };
    Value input =
        TransposeOp::create(rewriter, loc, toNhwc(inputType), conv.getInput(),
                            rewriter.getDenseI64ArrayAttr({0, 2, 3, 1}));
    Value packed = PackedDepthwiseConv2DOp::create(
        rewriter, loc, toNhwc(outputType),
        KernelIsaAttr::get(rewriter.getContext(), isa), input,
        createPackedConstant<int8_t>(rewriter, loc, {kh, kw, filters}, stored),
        createPackedConstant<int32_t>(rewriter, loc, {filters}, foldedBias),
        offsetsValue, conv.getStridesAttr(), conv.getPadsAttr(),
        conv.getDilationsAttr(), op.getMultiplierAttr(), op.getShiftAttr(),
        op.getClampMinAttr(), op.getClampMaxAttr(), op.getRoundingAttr());
    rewriter.replaceOpWithNewOp<TransposeOp>(
        op, outputType, packed, rewriter.getDenseI64ArrayAttr({0, 3, 1, 2}));
    return success();
  }

private:
  KernelIsa isa;
};
} // namespace

void mlir::lowbit::populatePackDepthwiseConvPatterns(
    RewritePatternSet &patterns, KernelIsa isa) {
  patterns.add<PackDepthwiseConv>(patterns.getContext(), isa);
}
