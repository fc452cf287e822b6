//===- PackWeights.cpp - Pack constant weights for SIMD kernels -*- C++ -*-===//
//
// requantize(fully_connected(x, W, b)) with constant W and b becomes
// packed_fully_connected: W in the layout of PackedLayout.h and a bias that
// holds every term of docs/IntegerSemantics.md that depends on constants
// only. With a = x - dx (the activation as the instruction sees it) and
// w' = w - dw (the packed weight):
//
//   sum_k (x - Zx)(w - Zw) = sum_k a w' - Bw * sum_k x - Ax * sum_k w'
//                            + K * Zx * Bw
//
// where Ax = Zx - dx and Bw = Zw - dw. The last two terms go into the bias,
// Bw becomes `row_sum_weights` (the kernel subtracts Bw * sum_k x at run
// time). All of it is computed in int64 and wrapped to int32, which is exact
// modulo 2^32 (the true accumulator fits int32, see the overflow section).
//
// A pointwise conv2d (1x1, stride 1, unpadded, one group, one image) is the
// same product over the pixels and becomes the same kernel between two
// transposes (NCHW <-> [H * W, C]). Any other one-group conv2d of one image
// becomes packed_conv2d, the same product over the output pixels with K in
// (kh, kw, c) order (an implicit GEMM): its padded positions (spatial
// padding, channels padded to a whole group) read Zx, so they add
// (Zx - Zx)(w - Zw) = 0 to the true accumulator, and the formula above holds
// with K counting them; it takes and produces NHWC, between transposes of
// the NCHW conv2d's input and result (lowbit-sink-transposes cancels them
// between layers). Coded weights (lowbit.coded_constant) are repacked as
// codes in the kernel's coded layout.
//
//===----------------------------------------------------------------------===//

#include "PackedConstant.h"

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITPACKWEIGHTS
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

/// Where packed position k of a weight row comes from: the index in the
/// row of the weight tensor, or -1 for a padded position.
using WeightSource = function_ref<int64_t(int64_t)>;

/// The codes of coded weights (rows of `rowLength` codes) in the kernel
/// layout of PackedLayout.h ("Coded weights") for N = `channels` and K =
/// `depth`; padded positions hold code 0.
static SmallVector<int8_t> packCodes(ArrayRef<uint8_t> codes, KernelIsa isa,
                                     int64_t channels, int64_t rowLength,
                                     int64_t depth, int64_t bits,
                                     WeightSource sourceOf) {
  std::array<int64_t, 3> shape =
      getPackedCodeShape(isa, channels, depth, bits);
  int64_t group = getPackedKGroup(isa), perByte = getCodesPerByte(bits);
  SmallVector<uint8_t> packed(shape[0] * shape[1] * shape[2], 0);
  for (int64_t n = 0; n < channels; ++n) {
    int64_t block = n / kPackedChannelBlock, c = n % kPackedChannelBlock;
    for (int64_t k = 0; k < depth; ++k) {
      int64_t source = sourceOf(k);
      if (source < 0)
        continue;
      int64_t kb = k / group;
      packed[(block * shape[1] + kb / perByte) * shape[2] + c * group +
             k % group] |= codes[n * rowLength + source]
                           << (bits * (kb % perByte));
    }
  }
  return SmallVector<int8_t>(packed.begin(), packed.end());
}

namespace {
/// The operands of a packed kernel made from constant weights.
struct PackedOperands {
  Value weight, bias, rowSumWeights;
  IntegerAttr codeBits;
  DenseI8ArrayAttr codeTable;
};
} // namespace

/// The operands of a packed kernel for `isa` that multiplies activations of
/// type `inputQuant` [M, depth] by the constant weights `weight` (N rows:
/// [N, K] or [F, C, KH, KW]; packed position k of a row is element
/// sourceOf(k) of the weight row, or padding) and adds the optional
/// constant `biasInput`. A padded position holds weight 0 (code 0 for
/// coded weights) and is read with activation Zx by the kernel: it adds
/// nothing to the accumulator, and the bias folding below counts it like
/// any other position of K. Fails when the weights or the bias are not
/// 8-bit constants.
static FailureOr<PackedOperands>
packOperands(PatternRewriter &rewriter, Location loc, KernelIsa isa,
             quant::UniformQuantizedType inputQuant, Value weight,
             Value biasInput, int64_t depth, WeightSource sourceOf) {
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto weightQuant = cast<quant::QuantizedType>(weightType.getElementType());
  if (inputQuant.getStorageTypeIntegralWidth() != 8 ||
      weightQuant.getStorageTypeIntegralWidth() != 8 ||
      !weightType.hasStaticShape())
    return failure();
  int64_t channels = weightType.getDimSize(0);
  int64_t rowLength = weightType.getNumElements() / channels;

  FailureOr<SmallVector<int64_t>> weights =
      readConstantIntegers(weight, 8, weightQuant.isSigned());
  if (failed(weights))
    return failure();
  SmallVector<int64_t> bias(channels, 0);
  if (biasInput) {
    FailureOr<SmallVector<int64_t>> values =
        readConstantIntegers(biasInput, 32, /*isSigned=*/true);
    if (failed(values))
      return failure();
    bias = *values;
  }
  SmallVector<int64_t> weightZeroPoints(channels);
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(weightQuant))
    llvm::copy(perAxis.getZeroPoints(), weightZeroPoints.begin());
  else
    llvm::fill(weightZeroPoints,
               cast<quant::UniformQuantizedType>(weightQuant).getZeroPoint());

  // The weights as the kernel multiplies them (w - dw); coded weights give
  // their table, minus dw, and code 0 at padded positions.
  auto coded = weight.getDefiningOp<CodedConstantOp>();
  int64_t dw = getWeightOffset(weightQuant.isSigned());
  SmallVector<int8_t> table;
  if (coded)
    table = llvm::map_to_vector(coded.getTable(), [&](int8_t stored) {
      int64_t w =
          weightQuant.isSigned() ? stored : static_cast<uint8_t>(stored);
      return static_cast<int8_t>(w - dw);
    });
  int64_t paddedWeight = coded ? table.front() : 0;

  // Pack, and fold the constant terms into the bias.
  std::array<int64_t, 3> shape = getPackedWeightShape(isa, channels, depth);
  int64_t group = getPackedKGroup(isa);
  int64_t padded = shape[0] * kPackedChannelBlock;
  int64_t zx = inputQuant.getZeroPoint();
  int64_t ax = zx - getActivationOffset(isa, inputQuant.isSigned());
  SmallVector<int8_t> packed(shape[0] * shape[1] * shape[2], 0);
  SmallVector<int32_t> foldedBias(padded, 0), rowSumWeights(padded, 0);
  bool hasRowSums = false;
  for (int64_t n = 0; n < channels; ++n) {
    int64_t block = n / kPackedChannelBlock, c = n % kPackedChannelBlock;
    int64_t columnSum = 0;
    for (int64_t k = 0; k < depth; ++k) {
      int64_t source = sourceOf(k);
      int64_t w = source < 0 ? paddedWeight
                             : (*weights)[n * rowLength + source] - dw;
      columnSum += w;
      packed[(block * shape[1] + k / group) * shape[2] + c * group +
             k % group] = static_cast<int8_t>(w);
    }
    int64_t bw = weightZeroPoints[n] - dw;
    hasRowSums |= bw != 0;
    rowSumWeights[n] = static_cast<int32_t>(bw);
    foldedBias[n] = static_cast<int32_t>(
        static_cast<uint32_t>(bias[n] - ax * columnSum + depth * zx * bw));
  }

  PackedOperands operands;
  if (coded) {
    // The same weights as b-bit codes.
    int64_t bits = coded.getBits();
    packed = packCodes(coded.getElementCodes(), isa, channels, rowLength,
                       depth, bits, sourceOf);
    shape = getPackedCodeShape(isa, channels, depth, bits);
    operands.codeBits = rewriter.getI64IntegerAttr(bits);
    operands.codeTable = rewriter.getDenseI8ArrayAttr(table);
  }
  operands.weight = createPackedConstant<int8_t>(rewriter, loc, shape, packed);
  operands.bias =
      createPackedConstant<int32_t>(rewriter, loc, {padded}, foldedBias);
  if (hasRowSums)
    operands.rowSumWeights =
        createPackedConstant<int32_t>(rewriter, loc, {padded}, rowSumWeights);
  return operands;
}

/// packed_fully_connected for `isa` replacing the requantize `op` of the
/// accumulator of x [M, K] (made by `makeInput`, of element type
/// `inputQuant`) times the constant weights `weight` (N rows of K values:
/// [N, K], or [F, C, 1, 1] for a pointwise conv2d) plus the optional
/// constant `bias`, with result type `resultType` [M, N]. Creates nothing
/// and fails when the weights or the bias are not constants.
static FailureOr<Value>
buildPackedFullyConnected(PatternRewriter &rewriter, KernelIsa isa,
                          RequantizeOp op,
                          quant::UniformQuantizedType inputQuant,
                          function_ref<Value()> makeInput, Value weight,
                          Value biasInput, Type resultType) {
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t depth = weightType.getNumElements() / weightType.getDimSize(0);
  FailureOr<PackedOperands> operands =
      packOperands(rewriter, op.getLoc(), isa, inputQuant, weight, biasInput,
                   depth, [](int64_t k) { return k; });
  if (failed(operands))
    return failure();
  return PackedFullyConnectedOp::create(
             rewriter, op.getLoc(), resultType,
             KernelIsaAttr::get(rewriter.getContext(), isa), makeInput(),
             operands->weight, operands->bias, operands->rowSumWeights,
             op.getMultiplierAttr(), op.getShiftAttr(), op.getClampMinAttr(),
             op.getClampMaxAttr(), op.getRoundingAttr(), operands->codeBits,
             operands->codeTable)
      .getResult();
}

/// Whether `conv` is a one-group conv2d of one image with a static,
/// per-tensor quantized input, the only user of its accumulator being
/// `op`, which requantizes per tensor or along the channels.
static bool isPackableConv(RequantizeOp op, Conv2DOp conv) {
  auto inputType = cast<RankedTensorType>(conv.getInput().getType());
  return conv->hasOneUse() &&
         isa<quant::UniformQuantizedType>(inputType.getElementType()) &&
         inputType.hasStaticShape() && inputType.getDimSize(0) == 1 &&
         conv.getGroup() == 1 &&
         (!op.isPerChannel() || op.getChannelDim() == 1);
}

/// Whether a one-group conv2d is pointwise: 1x1, stride 1, no padding.
static bool isPointwise(Conv2DOp conv) {
  auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
  auto isOne = [](int64_t v) { return v == 1; };
  return weightType.getDimSize(2) == 1 && weightType.getDimSize(3) == 1 &&
         llvm::all_of(conv.getStrides(), isOne) &&
         llvm::all_of(conv.getDilations(), isOne) &&
         llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; });
}

/// The NHWC type of the NCHW tensor type `nchw`.
static RankedTensorType getNHWCType(RankedTensorType nchw) {
  ArrayRef<int64_t> shape = nchw.getShape();
  return nchw.clone({shape[0], shape[2], shape[3], shape[1]});
}

/// `nchw` [N, C, H, W] transposed to [N, H, W, C].
static Value transposeToNHWC(PatternRewriter &rewriter, Location loc,
                             Value nchw) {
  return TransposeOp::create(
      rewriter, loc, getNHWCType(cast<RankedTensorType>(nchw.getType())),
      nchw, rewriter.getDenseI64ArrayAttr({0, 2, 3, 1}));
}

/// Replaces the requantize `op` (NCHW) by `nhwc`, its NHWC value.
static void replaceWithNCHW(PatternRewriter &rewriter, RequantizeOp op,
                            Value nhwc) {
  rewriter.replaceOpWithNewOp<TransposeOp>(
      op, op.getOutput().getType(), nhwc,
      rewriter.getDenseI64ArrayAttr({0, 3, 1, 2}));
}

namespace {
/// A rewrite of a requantize into a packed kernel for one target ISA.
class PackPattern : public OpRewritePattern<RequantizeOp> {
public:
  PackPattern(MLIRContext *context, KernelIsa isa)
      : OpRewritePattern(context), isa(isa) {}

protected:
  KernelIsa isa;
};

class PackFullyConnected : public PackPattern {
public:
  using PackPattern::PackPattern;

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto fc = op.getInput().getDefiningOp<FullyConnectedOp>();
    if (!fc || !fc->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not fed by a fully_connected");
    auto inputQuant = cast<quant::UniformQuantizedType>(
        fc.getInput().getType().getElementType());
    FailureOr<Value> packed = buildPackedFullyConnected(
        rewriter, isa, op, inputQuant, [&] { return fc.getInput(); },
        fc.getWeight(), fc.getBias(), op.getOutput().getType());
    if (failed(packed))
      return rewriter.notifyMatchFailure(
          op, "not 8-bit storage or not constant weights and bias");
    rewriter.replaceOp(op, *packed);
    return success();
  }
};

/// requantize(conv2d) of a pointwise convolution (1x1 kernel, stride 1, no
/// padding, one group, one image) is a fully-connected layer over the
/// pixels: x [1, C, H, W] transposed to [H * W, C], the packed kernel, and
/// the result [H * W, F] transposed back to [1, F, H, W].
class PackPointwiseConv : public PackPattern {
public:
  using PackPattern::PackPattern;

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !isPackableConv(op, conv) || !isPointwise(conv))
      return rewriter.notifyMatchFailure(op, "not a pointwise conv2d");
    auto inputType = cast<RankedTensorType>(conv.getInput().getType());
    auto inputQuant =
        cast<quant::UniformQuantizedType>(inputType.getElementType());
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t c = inputType.getDimSize(1), h = inputType.getDimSize(2),
            w = inputType.getDimSize(3), f = weightType.getDimSize(0);
    Location loc = op.getLoc();
    auto outputType = op.getOutput().getType();
    Type outputElement = outputType.getElementType();
    auto makeInput = [&]() -> Value {
      Value nhwc = transposeToNHWC(rewriter, loc, conv.getInput());
      return ReshapeOp::create(
          rewriter, loc,
          RankedTensorType::get({h * w, c}, inputType.getElementType()),
          nhwc);
    };
    FailureOr<Value> packed = buildPackedFullyConnected(
        rewriter, isa, op, inputQuant, makeInput, conv.getWeight(),
        conv.getBias(), RankedTensorType::get({h * w, f}, outputElement));
    if (failed(packed))
      return rewriter.notifyMatchFailure(
          op, "not 8-bit storage or not constant weights and bias");
    Value nhwc = ReshapeOp::create(
        rewriter, loc, RankedTensorType::get({1, h, w, f}, outputElement),
        *packed);
    replaceWithNCHW(rewriter, op, nhwc);
    return success();
  }
};

/// requantize(conv2d) of any other one-group convolution of one image is
/// packed_conv2d: the implicit GEMM of the output pixels and K = (kh, kw, c)
/// with the channels padded to Cp (getPackedConvChannels), in NHWC: x
/// [1, C, H, W] transposed to [1, H, W, C], the packed kernel, and its
/// result [1, OH, OW, F] transposed back to [1, F, OH, OW].
class PackConv : public PackPattern {
public:
  using PackPattern::PackPattern;

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !isPackableConv(op, conv) || isPointwise(conv))
      return rewriter.notifyMatchFailure(
          op, "not a one-group, non-pointwise conv2d of one image");
    auto inputType = cast<RankedTensorType>(conv.getInput().getType());
    auto inputQuant =
        cast<quant::UniformQuantizedType>(inputType.getElementType());
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    if (!weightType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "weights of dynamic shape");
    int64_t c = inputType.getDimSize(1);
    int64_t kh = weightType.getDimSize(2), kw = weightType.getDimSize(3);
    std::optional<int64_t> codeBits;
    if (auto coded = conv.getWeight().getDefiningOp<CodedConstantOp>())
      codeBits = coded.getBits();
    int64_t cp = getPackedConvChannels(isa, c, codeBits);
    // Packed k = (i * KW + j) * Cp + ch reads w[f, ch, i, j].
    Location loc = op.getLoc();
    FailureOr<PackedOperands> operands = packOperands(
        rewriter, loc, isa, inputQuant, conv.getWeight(), conv.getBias(),
        kh * kw * cp, [&](int64_t k) -> int64_t {
          int64_t tap = k / cp, ch = k % cp;
          return ch < c ? ch * kh * kw + tap : -1;
        });
    if (failed(operands))
      return rewriter.notifyMatchFailure(
          op, "not 8-bit storage or not constant weights and bias");
    Value packed = PackedConv2DOp::create(
        rewriter, loc, getNHWCType(op.getOutput().getType()),
        KernelIsaAttr::get(rewriter.getContext(), isa),
        transposeToNHWC(rewriter, loc, conv.getInput()),
        operands->weight, operands->bias, operands->rowSumWeights,
        rewriter.getDenseI64ArrayAttr({kh, kw}), conv.getStridesAttr(),
        conv.getPadsAttr(), conv.getDilationsAttr(), op.getMultiplierAttr(),
        op.getShiftAttr(), op.getClampMinAttr(), op.getClampMaxAttr(),
        op.getRoundingAttr(), operands->codeBits, operands->codeTable);
    replaceWithNCHW(rewriter, op, packed);
    return success();
  }
};

struct PackWeightsPass
    : public lowbit::impl::LowbitPackWeightsBase<PackWeightsPass> {
  using Base::Base;
  void runOnOperation() override {
    FailureOr<std::optional<KernelIsa>> isa = parseTargetIsa(targetIsa);
    if (failed(isa)) {
      getOperation()->emitError("unknown target-isa '") << targetIsa << "'";
      return signalPassFailure();
    }
    if (!*isa)
      return;
    RewritePatternSet patterns(&getContext());
    populatePackWeightsPatterns(patterns, **isa);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::lowbit::populatePackWeightsPatterns(RewritePatternSet &patterns,
                                               KernelIsa isa) {
  patterns.add<PackFullyConnected, PackPointwiseConv, PackConv>(
      patterns.getContext(), isa);
  populatePackDepthwiseConvPatterns(patterns, isa);
}
