//===- LowbitDialect.td - Lowbit dialect definition --------*- tablegen -*-===//
//
// The lowbit dialect: quantized neural-network ops on tensors whose element
// types are upstream MLIR's quantized types (!quant.uniform).
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def Lowbit_Dialect : Dialect {
  let name = "lowbit";
  let cppNamespace = "::mlir::lowbit";
  let summary = "Quantized neural-network operations for integer-only code";
  let description = [{
    The lowbit dialect holds the graph-level operations of a quantized neural
    network. Tensors of quantized values use upstream MLIR's quantized element
    types (`!quant.uniform<i8:f32, scale:zero_point>` and the per-axis
    `!quant.uniform<i8:f32:axis, {...}>`): a stored value q stands for the
    real value scale * (q - zero_point). Integer accumulators are plain
    `i32` tensors. Layouts are channels-last: per-channel parameters apply to
    the innermost dimension of a tensor. The integer arithmetic of every op is
    defined in docs/IntegerSemantics.md.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Type constraints shared by the ops.
//===----------------------------------------------------------------------===//

def Lowbit_QuantizedElement : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "uniform quantized type">;

def Lowbit_PerTensorQuantizedElement : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType>($_self)">,
    "per-tensor uniform quantized type">;

def Lowbit_QuantizedTensor : RankedTensorOf<[Lowbit_QuantizedElement]>;
def Lowbit_PerTensorQuantizedTensor
    : RankedTensorOf<[Lowbit_PerTensorQuantizedElement]>;
def Lowbit_AccumulatorTensor : RankedTensorOf<[I32]>;

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITDIALECT_TD
