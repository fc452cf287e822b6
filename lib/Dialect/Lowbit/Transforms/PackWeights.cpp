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
// transposes (NCHW <-> [H * W, C]). Coded weights (lowbit.coded_constant)
// are repacked as codes in the kernel's coded layout.
//
//===----------------------------------------------------------------------===//

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

/// The codes of coded weights [N, K] in the kernel layout of PackedLayout.h
/// ("Coded weights").
static SmallVector<int8_t> packCodes(ArrayRef<uint8_t> codes, KernelIsa isa,
                                     int64_t channels, int64_t depth,
                                     int64_t bits) {
  std::array<int64_t, 3> shape =
      getPackedCodeShape(isa, channels, depth, bits);
  int64_t group = getPackedKGroup(isa), perByte = getCodesPerByte(bits);
  SmallVector<uint8_t> packed(shape[0] * shape[1] * shape[2], 0);
  for (int64_t n = 0; n < channels; ++n) {
    int64_t block = n / kPackedChannelBlock, c = n % kPackedChannelBlock;
    for (int64_t k = 0; k < depth; ++k) {
      int64_t kb = k / group;
      packed[(block * shape[1] + kb / perByte) * shape[2] + c * group +
             k % group] |= codes[n * depth + k] << (bits * (kb % perByte));
    }
  }
  return SmallVector<int8_t>(packed.begin(), packed.end());
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
  auto weightQuant = cast<quant::QuantizedType>(weightType.getElementType());
  if (inputQuant.getStorageTypeIntegralWidth() != 8 ||
      weightQuant.getStorageTypeIntegralWidth() != 8 ||
      !weightType.hasStaticShape())
    return failure();
  int64_t channels = weightType.getDimSize(0);
  int64_t depth = weightType.getNumElements() / channels;

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

  // Pack, and fold the constant terms into the bias.
  auto coded = weight.getDefiningOp<CodedConstantOp>();
  std::array<int64_t, 3> shape = getPackedWeightShape(isa, channels, depth);
  int64_t group = getPackedKGroup(isa);
  int64_t padded = shape[0] * kPackedChannelBlock;
  int64_t zx = inputQuant.getZeroPoint();
  int64_t ax = zx - getActivationOffset(isa, inputQuant.isSigned());
  int64_t dw = getWeightOffset(weightQuant.isSigned());
  SmallVector<int8_t> packed(shape[0] * shape[1] * shape[2], 0);
  SmallVector<int32_t> foldedBias(padded, 0), rowSumWeights(padded, 0);
  bool hasRowSums = false;
  for (int64_t n = 0; n < channels; ++n) {
    int64_t block = n / kPackedChannelBlock, c = n % kPackedChannelBlock;
    int64_t columnSum = 0;
    for (int64_t k = 0; k < depth; ++k) {
      int64_t w = (*weights)[n * depth + k] - dw;
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

  Location loc = op.getLoc();
  auto constant = [&](ArrayRef<int64_t> shape, auto values) -> Value {
    using T = typename decltype(values)::value_type;
    auto type =
        RankedTensorType::get(shape, rewriter.getIntegerType(sizeof(T) * 8));
    return arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(type, ArrayRef<T>(values)));
  };
  IntegerAttr codeBits;
  DenseI8ArrayAttr codeTable;
  if (coded) {
    // The same weights as b-bit codes; the table holds w - dw.
    int64_t bits = coded.getBits();
    packed = packCodes(coded.getElementCodes(), isa, channels, depth, bits);
    shape = getPackedCodeShape(isa, channels, depth, bits);
    SmallVector<int8_t> table =
        llvm::map_to_vector(coded.getTable(), [&](int8_t stored) {
          int64_t w =
              weightQuant.isSigned() ? stored : static_cast<uint8_t>(stored);
          return static_cast<int8_t>(w - dw);
        });
    codeBits = rewriter.getI64IntegerAttr(bits);
    codeTable = rewriter.getDenseI8ArrayAttr(table);
  }
  Value packedWeight = constant(shape, ArrayRef<int8_t>(packed));
  Value biasValue = constant({padded}, ArrayRef<int32_t>(foldedBias));
  Value rowSums = hasRowSums
                      ? constant({padded}, ArrayRef<int32_t>(rowSumWeights))
                      : Value();
  return PackedFullyConnectedOp::create(
             rewriter, loc, resultType,
             KernelIsaAttr::get(rewriter.getContext(), isa), makeInput(),
             packedWeight, biasValue, rowSums, op.getMultiplierAttr(),
             op.getShiftAttr(), op.getClampMinAttr(), op.getClampMaxAttr(),
             op.getRoundingAttr(), codeBits, codeTable)
      .getResult();
}

namespace {
class PackFullyConnected : public OpRewritePattern<RequantizeOp> {
public:
  PackFullyConnected(MLIRContext *context, KernelIsa isa)
      : OpRewritePattern(context), isa(isa) {}

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

private:
  KernelIsa isa;
};

/// requantize(conv2d) of a pointwise convolution (1x1 kernel, stride 1, no
/// padding, one group, one image) is a fully-connected layer over the
/// pixels: x [1, C, H, W] transposed to [H * W, C], the packed kernel, and
/// the result [H * W, F] transposed back to [1, F, H, W].
class PackPointwiseConv : public OpRewritePattern<RequantizeOp> {
public:
  PackPointwiseConv(MLIRContext *context, KernelIsa isa)
      : OpRewritePattern(context), isa(isa) {}

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not fed by a conv2d");
    auto inputType = cast<RankedTensorType>(conv.getInput().getType());
    auto inputQuant =
        dyn_cast<quant::UniformQuantizedType>(inputType.getElementType());
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    auto isOne = [](int64_t v) { return v == 1; };
    if (!inputQuant || !inputType.hasStaticShape() ||
        inputType.getDimSize(0) != 1 || conv.getGroup() != 1 ||
        weightType.getDimSize(2) != 1 || weightType.getDimSize(3) != 1 ||
        !llvm::all_of(conv.getStrides(), isOne) ||
        !llvm::all_of(conv.getDilations(), isOne) ||
        !llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; }))
      return rewriter.notifyMatchFailure(op, "not a pointwise conv2d");
    if (op.isPerChannel() && op.getChannelDim() != 1)
      return rewriter.notifyMatchFailure(op, "not per output channel");
    int64_t c = inputType.getDimSize(1), h = inputType.getDimSize(2),
            w = inputType.getDimSize(3), f = weightType.getDimSize(0);
    Location loc = op.getLoc();
    auto outputType = op.getOutput().getType();
    Type outputElement = outputType.getElementType();
    auto makeInput = [&]() -> Value {
      Value nhwc = TransposeOp::create(
          rewriter, loc,
          RankedTensorType::get({1, h, w, c}, inputType.getElementType()),
          conv.getInput(), rewriter.getDenseI64ArrayAttr({0, 2, 3, 1}));
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
    rewriter.replaceOpWithNewOp<TransposeOp>(
        op, outputType, nhwc, rewriter.getDenseI64ArrayAttr({0, 3, 1, 2}));
    return success();
  }

private:
  KernelIsa isa;
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
  patterns.add<PackFullyConnected, PackPointwiseConv>(patterns.getContext(),
                                                      isa);
  populatePackDepthwiseConvPatterns(patterns);
}
