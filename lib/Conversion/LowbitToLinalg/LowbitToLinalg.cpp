//===- LowbitToLinalg.cpp - Lowbit to linalg conversion pass ----*- C++ -*-===//

#include "PatternsInternal.h"

#include "lowbit/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

namespace mlir::lowbit {
#define GEN_PASS_DEF_CONVERTLOWBITTOLINALG
#include "lowbit/Conversion/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

QuantStorageTypeConverter::QuantStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](quant::QuantizedType type) -> Type {
    return type.getStorageType();
  });
  addConversion([this](RankedTensorType type) -> Type {
    return type.clone(convertType(type.getElementType()));
  });
}

namespace {
/// lowbit.constant -> arith.constant of the stored values.
class ConstantLowering : public OpConversionPattern<ConstantOp> {
public:
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

/// quant.scast only reinterprets; on storage types it is the identity.
class StorageCastLowering : public OpConversionPattern<quant::StorageCastOp> {
public:
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (resultType != adaptor.getInput().getType())
      return rewriter.notifyMatchFailure(op, "not a storage reinterpretation");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct ConvertLowbitToLinalgPass
    : public lowbit::impl::ConvertLowbitToLinalgBase<ConvertLowbitToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    QuantStorageTypeConverter converter;
    ConversionTarget target(*context);
    target.addIllegalDialect<LowbitDialect>();
    // Steps of the packed kernels (convert-lowbit-to-vector) stay until
    // convert-lowbit-dot-to-llvm.
    target.addLegalOp<DotAccumulateOp, DecodeCodesOp>();
    target.addIllegalOp<quant::StorageCastOp>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(context);
    populateLowbitToLinalgConversionPatterns(
        converter, patterns, allowI32Requantize, testPlantRoundingError);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::lowbit::populateLowbitToLinalgConversionPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    bool allowI32Requantize, bool testPlantRoundingError) {
  patterns.add<ConstantLowering, StorageCastLowering>(converter,
                                                      patterns.getContext());
  populateCodedConstantLoweringPatterns(converter, patterns);
  populateFullyConnectedLoweringPatterns(converter, patterns);
  populateGraphOpLoweringPatterns(converter, patterns);
  populateBinaryOpLoweringPatterns(converter, patterns);
  populateSoftmaxLoweringPatterns(converter, patterns);
  populateRequantizeLoweringPatterns(converter, patterns, allowI32Requantize,
                                     testPlantRoundingError);
}
