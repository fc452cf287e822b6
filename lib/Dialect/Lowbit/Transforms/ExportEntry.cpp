//===- ExportEntry.cpp - C entry point and boundary helpers -----*- C++ -*-===//
//
// Gives the model function the C interface of the compiled object: an
// integer-only `<name>_run` taking and filling caller-owned buffers of stored
// values, and the two float boundary helpers that quantize the input and
// dequantize the output with the rounding of docs/IntegerSemantics.md.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"

#include <cmath>

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITEXPORTENTRY
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

static MemRefType getMemRefType(const BoundaryTensor &tensor,
                                Type elementType) {
  return MemRefType::get(tensor.shape, elementType);
}

/// Creates a public function `symbol` at the end of `module`.
static func::FuncOp createFunction(OpBuilder &builder, ModuleOp module,
                                   Location loc, StringRef symbol,
                                   TypeRange inputs, TypeRange results) {
  builder.setInsertionPointToEnd(module.getBody());
  auto function = func::FuncOp::create(
      builder, loc, symbol, builder.getFunctionType(inputs, results));
  builder.setInsertionPointToStart(function.addEntryBlock());
  return function;
}

/// An elementwise linalg.generic from `input` to `output` (memrefs of the
/// same shape) whose body is built by `buildBody(builder, loc, in) -> out`.
static void
buildElementwise(OpBuilder &builder, Location loc, Value input, Value output,
                 function_ref<Value(OpBuilder &, Location, Value)> buildBody) {
  unsigned rank = cast<MemRefType>(input.getType()).getRank();
  AffineMap identity = builder.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  linalg::GenericOp::create(
      builder, loc, ValueRange{input}, ValueRange{output},
      ArrayRef<AffineMap>{identity, identity}, iterators,
      [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        linalg::YieldOp::create(b, bodyLoc, buildBody(b, bodyLoc, args[0]));
      });
}

/// q = clamp(roundHalfToEven(x / scale) + Z, qmin, qmax), NaN -> Z.
static Value buildQuantize(OpBuilder &b, Location loc, Value real,
                           quant::UniformQuantizedType type) {
  Type f32 = b.getF32Type(), i64 = b.getI64Type();
  auto f32Constant = [&](double value) -> Value {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, value));
  };
  auto i64Constant = [&](int64_t value) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
  };
  Value scaled = arith::DivFOp::create(
      b, loc, real, f32Constant(static_cast<float>(type.getScale())));
  Value rounded = math::RoundEvenOp::create(b, loc, scaled);
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO,
                                      rounded, rounded);
  rounded = arith::SelectOp::create(b, loc, isNaN, f32Constant(0.0), rounded);
  // Clamping to +-2^40 (exact in f32, far outside any 32-bit storage range
  // shifted by its zero point) keeps fptosi to i64 defined for any input; the
  // zero point is added and the storage range applied in i64, where nothing
  // wraps and no bound is rounded.
  constexpr double kWideBound = 1099511627776.0; // 2^40
  rounded = arith::MaximumFOp::create(b, loc, rounded, f32Constant(-kWideBound));
  rounded = arith::MinimumFOp::create(b, loc, rounded, f32Constant(kWideBound));
  Value centered = arith::FPToSIOp::create(b, loc, i64, rounded);
  Value stored = arith::AddIOp::create(b, loc, centered,
                                       i64Constant(type.getZeroPoint()));
  stored = arith::MaxSIOp::create(b, loc, stored,
                                  i64Constant(type.getStorageTypeMin()));
  stored = arith::MinSIOp::create(b, loc, stored,
                                  i64Constant(type.getStorageTypeMax()));
  return arith::TruncIOp::create(b, loc, type.getStorageType(), stored);
}

/// y = scale * (float)(q - Z), with q - Z formed in i64: for 32-bit storage
/// it needs 33 bits.
static Value buildDequantize(OpBuilder &b, Location loc, Value stored,
                             quant::UniformQuantizedType type) {
  Type f32 = b.getF32Type(), i64 = b.getI64Type();
  Value wide = type.isSigned()
                   ? arith::ExtSIOp::create(b, loc, i64, stored).getResult()
                   : arith::ExtUIOp::create(b, loc, i64, stored).getResult();
  Value centered = arith::SubIOp::create(
      b, loc, wide,
      arith::ConstantOp::create(b, loc,
                                b.getI64IntegerAttr(type.getZeroPoint())));
  Value real = arith::SIToFPOp::create(b, loc, f32, centered);
  Value scale = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(f32, static_cast<float>(type.getScale())));
  return arith::MulFOp::create(b, loc, scale, real);
}

namespace {
struct ExportEntryPass : public lowbit::impl::LowbitExportEntryBase<ExportEntryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<ModelInterface> model =
        getModelInterface(module, function, name);
    if (failed(model))
      return signalPassFailure();
    for (StringRef symbol :
         {model->getRunSymbol(), model->getQuantizeInputSymbol(),
          model->getDequantizeOutputSymbol()})
      if (module.lookupSymbol(symbol)) {
        module.emitError("the module already defines '") << symbol << "'";
        return signalPassFailure();
      }

    OpBuilder builder(&getContext());
    Location loc = model->function.getLoc();
    buildRunFunction(builder, module, loc, *model);
    buildBoundaryHelpers(builder, module, loc, *model);
    model->function.setPrivate();
  }

  /// int <name>_run(in_t *input, out_t *output): reads the stored input,
  /// calls the model and writes the stored result into `output`.
  void buildRunFunction(OpBuilder &builder, ModuleOp module, Location loc,
                        ModelInterface &model) {
    const BoundaryTensor &in = model.input, &out = model.output;
    MemRefType inType = getMemRefType(in, in.type.getStorageType());
    MemRefType outType = getMemRefType(out, out.type.getStorageType());
    func::FuncOp run =
        createFunction(builder, module, loc, model.getRunSymbol(),
                       {inType, outType}, {builder.getI32Type()});
    Value storedInput = bufferization::ToTensorOp::create(
        builder, loc, in.getStorageTensorType(), run.getArgument(0),
        builder.getUnitAttr());
    Value input = quant::StorageCastOp::create(
        builder, loc, model.function.getFunctionType().getInput(0),
        storedInput);
    Value result =
        func::CallOp::create(builder, loc, model.function, ValueRange{input})
            .getResult(0);
    Value storedResult = quant::StorageCastOp::create(
        builder, loc, out.getStorageTensorType(), result);
    bufferization::MaterializeInDestinationOp::create(
        builder, loc, /*result=*/Type(), storedResult, run.getArgument(1),
        /*restrict=*/true, /*writable=*/true);
    Value ok = arith::ConstantOp::create(builder, loc,
                                         builder.getI32IntegerAttr(0));
    func::ReturnOp::create(builder, loc, ok);
  }

  /// The float helpers at the boundary: <name>_quantize_input and
  /// <name>_dequantize_output.
  void buildBoundaryHelpers(OpBuilder &builder, ModuleOp module, Location loc,
                            ModelInterface &model) {
    Type f32 = builder.getF32Type();
    const BoundaryTensor &in = model.input, &out = model.output;

    func::FuncOp quantize = createFunction(
        builder, module, loc, model.getQuantizeInputSymbol(),
        {getMemRefType(in, f32), getMemRefType(in, in.type.getStorageType())},
        {});
    buildElementwise(builder, loc, quantize.getArgument(0),
                     quantize.getArgument(1),
                     [&](OpBuilder &b, Location l, Value real) {
                       return buildQuantize(b, l, real, in.type);
                     });
    func::ReturnOp::create(builder, loc);

    func::FuncOp dequantize = createFunction(
        builder, module, loc, model.getDequantizeOutputSymbol(),
        {getMemRefType(out, out.type.getStorageType()),
         getMemRefType(out, f32)},
        {});
    buildElementwise(builder, loc, dequantize.getArgument(0),
                     dequantize.getArgument(1),
                     [&](OpBuilder &b, Location l, Value stored) {
                       return buildDequantize(b, l, stored, out.type);
                     });
    func::ReturnOp::create(builder, loc);
  }
};
} // namespace
