//===- Passes.td - Lowbit conversion passes ----------------*- tablegen -*-===//

#ifndef LOWBIT_CONVERSION_PASSES_TD
#define LOWBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLowbitToLinalg : Pass<"convert-lowbit-to-linalg",
                                 "::mlir::ModuleOp"> {
  let summary = "Lower lowbit ops on quantized tensors to linalg and arith "
                "on their storage types";
  let description = [{
    Replaces every `!quant.uniform` element type by its storage type (the
    scale and zero point have been consumed by then) and each lowbit op by
    linalg ops on integer tensors following docs/IntegerSemantics.md:

    - `lowbit.constant` becomes `arith.constant` of the stored values;
    - `lowbit.fully_connected` becomes a `linalg.generic` contraction that
      accumulates (q_in - Z_in)(q_w - Z_w) in i32 on top of the bias;
    - `lowbit.requantize` becomes an elementwise `linalg.generic` whose body
      is the fixed-point arithmetic of the op's rounding mode, using i64
      products, or, when every shift is at least 32 and the rounding is
      single, `arith.mulsi_extended` on i32 (same bits, no i64 multiply);
    - `quant.scast` disappears, and function signatures take storage types.

    ```mlir
    %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [2, 127]
        : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 0.1:2>>
    // becomes
    %y = linalg.generic {...} ins(%acc : tensor<4xi32>) outs(%e : tensor<4xi8>) {
    ^bb0(%x: i32, %o: i8):
      %lo, %hi = arith.mulsi_extended %x, %c1518500250 : i32
      ...
    } -> tensor<4xi8>
    ```
  }];
  let options = [
    Option<"allowI32Requantize", "allow-i32-requantize", "bool", "true",
           "Use the 32-bit mulsi_extended requantize where it is exact">,
    Option<"testPlantRoundingError", "test-plant-rounding-error", "bool",
           "false",
           "Test only: round ties down instead of up, to show that "
           "differential tests catch it">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // LOWBIT_CONVERSION_PASSES_TD
