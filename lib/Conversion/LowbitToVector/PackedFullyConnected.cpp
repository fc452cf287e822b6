//===- PackedFullyConnected.cpp - Packed FC to a SIMD kernel ----*- C++ -*-===//
//
// lowbit.packed_fully_connected becomes the loop nest of PackedKernel.h with
// one tap of K values per row of the input [M, K] and the [M, N] result.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"
#include "PackedKernel.h"

#include "lowbit/Conversion/LowbitToVector/LowbitToVector.h"
#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {
class FullyConnectedEmitter : public PackedKernelEmitter {
public:
  FullyConnectedEmitter(PackedFullyConnectedOp op, RequantizePath path,
                        bool testPlantRoundingError)
      : PackedKernelEmitter(
            PackedKernelOperands::get(
                op, op.getOutput().getType().getDimSize(1),
                op.getInput().getType().getDimSize(1)),
            op.getLoc(), path, testPlantRoundingError),
        op(op) {
    tapDepth = operands.depth;
  }

private:
  Value prepareInput(OpBuilder &b) override {
    auto inputType = op.getInput().getType();
    input = quant::StorageCastOp::create(
        b, loc, inputType.clone(operands.inputQuant.getStorageType()),
        op.getInput());
    return tensor::DimOp::create(b, loc, input, 0);
  }

  std::optional<int64_t> getStaticRows() override {
    int64_t rows = op.getInput().getType().getDimSize(0);
    return ShapedType::isDynamic(rows) ? std::nullopt
                                       : std::optional<int64_t>(rows);
  }

  // sum_k x[m, k] as stored, for the weight zero-point term.
  Value emitRowSums(OpBuilder &b) override {
    MLIRContext *context = b.getContext();
    int64_t rows = cast<RankedTensorType>(input.getType()).getDimSize(0);
    AffineExpr m, k;
    bindDims(context, m, k);
    return emitStoredSum(
        b, ValueRange{input}, {rows},
        ShapedType::isDynamic(rows)
            ? ValueRange{tensor::DimOp::create(b, loc, input, 0).getResult()}
            : ValueRange{},
        {AffineMap::get(2, 0, {m, k}, context),
         AffineMap::get(2, 0, {m}, context)},
        {utils::IteratorType::parallel, utils::IteratorType::reduction});
  }

  Value emitOutput(OpBuilder &b) override {
    auto shape = op.getOutput().getType().getShape();
    return tensor::EmptyOp::create(
        b, loc, shape, outputElement,
        ShapedType::isDynamic(shape[0])
            ? ValueRange{tensor::DimOp::create(b, loc, input, 0).getResult()}
            : ValueRange{});
  }

  SmallVector<Value> emitTaps(OpBuilder &b, Value row0, int64_t tileRows,
                              ValueRange accs, TapBody body) override {
    PackedTap tap;
    tap.firstGroup = index(b, 0);
    for (int64_t r = 0; r < tileRows; ++r)
      tap.rowIndices.push_back(
          {arith::AddIOp::create(b, loc, row0, index(b, r)), index(b, 0)});
    return body(b, tap, accs);
  }

  PackedFullyConnectedOp op;
};

} // namespace

void mlir::lowbit::populateLowbitToVectorPatterns(RewritePatternSet &patterns,
                                                  bool allowI32Requantize,
                                                  bool testPlantRoundingError) {
  patterns.add<
      FusedRequantizeKernelLowering<PackedFullyConnectedOp, FullyConnectedEmitter>>(
      patterns.getContext(), allowI32Requantize, testPlantRoundingError);
  populatePackedConv2DLoweringPatterns(patterns, allowI32Requantize,
                                       testPlantRoundingError);
  populateDepthwiseConvToVectorPatterns(patterns, allowI32Requantize,
                                        testPlantRoundingError);
}
