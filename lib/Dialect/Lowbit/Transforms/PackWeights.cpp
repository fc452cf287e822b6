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

/// The values of a constant tensor defined by lowbit.constant,
/// lowbit.coded_constant or arith.constant.
static FailureOr<SmallVector<int64_t>> readConstant(Value value,
                                                    unsigned width,
                                                    bool isSigned) {
  if (auto coded = value.getDefiningOp<CodedConstantOp>())
    return coded.getDecodedValues();
  ElementsAttr attr;
  if (auto constant = value.getDefiningOp<ConstantOp>())
    attr = constant.getValue();
  else if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    attr = dyn_cast<ElementsAttr>(constant.getValue());
  if (!attr)
    return failure();
  return readStoredIntegers(attr, width, isSigned);
}

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
    auto inputType = fc.getInput().getType();
    auto weightType = fc.getWeight().getType();
    auto inputQuant =
        cast<quant::UniformQuantizedType>(inputType.getElementType());
    auto weightQuant = cast<quant::QuantizedType>(weightType.getElementType());
    if (inputQuant.getStorageTypeIntegralWidth() != 8 ||
        weightQuant.getStorageTypeIntegralWidth() != 8)
      return rewriter.notifyMatchFailure(op, "not 8-bit storage");
    if (!weightType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic weight shape");
    int64_t channels = weightType.getDimSize(0), depth = weightType.getDimSize(1);

    FailureOr<SmallVector<int64_t>> weights =
        readConstant(fc.getWeight(), 8, weightQuant.isSigned());
    if (failed(weights))
      return rewriter.notifyMatchFailure(op, "weights are not constant");
    SmallVector<int64_t> bias(channels, 0);
    if (Value biasValue = fc.getBias()) {
      FailureOr<SmallVector<int64_t>> values =
          readConstant(biasValue, 32, /*isSigned=*/true);
      if (failed(values))
        return rewriter.notifyMatchFailure(op, "bias is not constant");
      bias = *values;
    }
    SmallVector<int64_t> weightZeroPoints(channels);
    if (auto perAxis =
            dyn_cast<quant::UniformQuantizedPerAxisType>(weightQuant))
      llvm::copy(perAxis.getZeroPoints(), weightZeroPoints.begin());
    else
      llvm::fill(weightZeroPoints,
                 cast<quant::UniformQuantizedType>(weightQuant).getZeroPoint());

    // Pack, and fold the constant terms into the bias.
    auto coded = fc.getWeight().getDefiningOp<CodedConstantOp>();
    std::array<int64_t, 3> shape =
        getPackedWeightShape(isa, channels, depth);
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
      foldedBias[n] = static_cast<int32_t>(static_cast<uint32_t>(
          bias[n] - ax * columnSum + depth * zx * bw));
    }

    Location loc = op.getLoc();
    auto constant = [&](ArrayRef<int64_t> shape, auto values) -> Value {
      using T = typename decltype(values)::value_type;
      auto type = RankedTensorType::get(
          shape, rewriter.getIntegerType(sizeof(T) * 8));
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
      SmallVector<int8_t> table = llvm::map_to_vector(
          coded.getTable(), [&](int8_t stored) {
            int64_t w = weightQuant.isSigned() ? stored
                                               : static_cast<uint8_t>(stored);
            return static_cast<int8_t>(w - dw);
          });
      codeBits = rewriter.getI64IntegerAttr(bits);
      codeTable = rewriter.getDenseI8ArrayAttr(table);
    }
    Value packedWeight = constant(shape, ArrayRef<int8_t>(packed));
    Value biasValue = constant({padded}, ArrayRef<int32_t>(foldedBias));
    Value rowSums =
        hasRowSums ? constant({padded}, ArrayRef<int32_t>(rowSumWeights))
                   : Value();
    rewriter.replaceOpWithNewOp<PackedFullyConnectedOp>(
        op, op.getOutput().getType(), KernelIsaAttr::get(getContext(), isa),
        fc.getInput(), packedWeight, biasValue, rowSums,
        op.getMultiplierAttr(), op.getShiftAttr(), op.getClampMinAttr(),
        op.getClampMaxAttr(), op.getRoundingAttr(), codeBits, codeTable);
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
  patterns.add<PackFullyConnected>(patterns.getContext(), isa);
}
