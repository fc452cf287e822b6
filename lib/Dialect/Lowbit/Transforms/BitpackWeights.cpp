//===- BitpackWeights.cpp - Weights as bit-packed codes ---------*- C++ -*-===//
//
// A constant weight tensor of 8-bit stored values with at most 16 distinct
// values becomes a lowbit.coded_constant: b-bit codes (the smallest b in
// {1, 2, 4} that can tell the values apart) into a table of the distinct
// values in increasing order, unused entries 0. Decoding is exact, so the
// integer semantics do not change.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITBITPACKWEIGHTS
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

/// Whether `use` is the weight operand of an op whose lowerings read coded
/// weights: fully_connected, or conv2d on quantized operands.
static bool isCodedWeightUse(OpOperand &use) {
  Operation *owner = use.getOwner();
  if (auto fc = dyn_cast<FullyConnectedOp>(owner))
    return &use == &fc.getWeightMutable();
  if (auto conv = dyn_cast<Conv2DOp>(owner))
    return &use == &conv.getWeightMutable() &&
           isa<quant::QuantizedType>(conv.getInput().getType().getElementType());
  return false;
}

namespace {
class BitpackWeightConstant : public OpRewritePattern<ConstantOp> {
public:
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConstantOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getResult().getType();
    auto quantized = dyn_cast<quant::QuantizedType>(type.getElementType());
    if (!quantized || quantized.getStorageTypeIntegralWidth() != 8)
      return rewriter.notifyMatchFailure(op, "not 8-bit quantized");
    if (!type.hasStaticShape() || type.getRank() < 1 ||
        type.getNumElements() == 0)
      return rewriter.notifyMatchFailure(op, "not a static, non-empty tensor");
    if (op->use_empty() || !llvm::all_of(op->getUses(), isCodedWeightUse))
      return rewriter.notifyMatchFailure(op, "not only used as a weight");
    FailureOr<SmallVector<int64_t>> values =
        readStoredIntegers(op.getValue(), 8, quantized.isSigned());
    if (failed(values))
      return rewriter.notifyMatchFailure(op, "unreadable values");

    SmallVector<int64_t> distinct(*values);
    llvm::sort(distinct);
    distinct.erase(llvm::unique(distinct), distinct.end());
    std::optional<int64_t> bits = chooseCodeBits(distinct.size());
    if (!bits)
      return rewriter.notifyMatchFailure(op, "more than 16 distinct values");

    SmallVector<int8_t> table(int64_t(1) << *bits, 0);
    for (auto [i, value] : llvm::enumerate(distinct))
      table[i] = static_cast<int8_t>(value);
    int64_t rows = type.getDimSize(0);
    int64_t rowLength = type.getNumElements() / rows;
    std::array<int64_t, 2> shape =
        getCodedConstantShape(rows, rowLength, *bits);
    int64_t perByte = getCodesPerByte(*bits);
    SmallVector<uint8_t> codes(shape[0] * shape[1], 0);
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t r = 0; r < rowLength; ++r) {
        int64_t code = llvm::lower_bound(distinct,
                                         (*values)[row * rowLength + r]) -
                       distinct.begin();
        codes[row * shape[1] + r / perByte] |= code << (*bits * (r % perByte));
      }
    auto codesType = RankedTensorType::get(shape, rewriter.getI8Type());
    auto codesAttr = DenseElementsAttr::get(
        codesType,
        ArrayRef<int8_t>(reinterpret_cast<const int8_t *>(codes.data()),
                         codes.size()));
    rewriter.replaceOpWithNewOp<CodedConstantOp>(
        op, type, codesAttr, rewriter.getI64IntegerAttr(*bits),
        rewriter.getDenseI8ArrayAttr(table));
    return success();
  }
};

struct BitpackWeightsPass
    : public lowbit::impl::LowbitBitpackWeightsBase<BitpackWeightsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (bitpack == "off")
      return;
    if (bitpack != "auto") {
      getOperation()->emitError("unknown bitpack '")
          << bitpack << "' (auto or off)";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateBitpackWeightsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::lowbit::populateBitpackWeightsPatterns(RewritePatternSet &patterns) {
  patterns.add<BitpackWeightConstant>(patterns.getContext());
}
