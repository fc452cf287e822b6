//===- Passes.td - Lowbit dialect passes -------------------*- tablegen -*-===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowbitSetRounding : Pass<"lowbit-set-rounding"> {
  let summary = "Select the requantization rounding mode for a compile";
  let description = [{
    Sets the `rounding` attribute of every `lowbit.requantize` op, so that the
    rounding mode (docs/IntegerSemantics.md) is a per-compile choice.

    ```mlir
    // --lowbit-set-rounding=mode=double
    %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127]
        : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
    // becomes
    %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127]
        rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
    ```
  }];
  let options = [
    Option<"mode", "mode", "::mlir::lowbit::RoundingMode",
           "::mlir::lowbit::RoundingMode::Single",
           "Rounding mode of every requantize op",
           [{::llvm::cl::values(
             clEnumValN(::mlir::lowbit::RoundingMode::Single, "single",
                        "one 64-bit multiply-round-shift"),
             clEnumValN(::mlir::lowbit::RoundingMode::Double, "double",
                        "gemmlowp/TFLite doubling high multiply, then "
                        "rounding right shift"))}]>
  ];
}

def LowbitExportEntry : Pass<"lowbit-export-entry", "::mlir::ModuleOp"> {
  let summary = "Give the model function a C entry point and boundary helpers";
  let description = [{
    Wraps the model function (the module's only public function, or the one
    named by `function`) taking and returning quantized tensors into the C
    interface of the compiled object, for the prefix `name`:

    - `int <name>_run(const in_t *input, out_t *output)`: integer-only; reads
      the stored input values and writes the stored output values; returns 0.
    - `void <name>_quantize_input(const float *x, in_t *q)` and
      `void <name>_dequantize_output(const out_t *q, float *y)`: the only
      functions with floating point, at the boundary of the model.

    The model function becomes private, to be inlined into `<name>_run`.

    ```mlir
    func.func @mlp(%x: tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>)
        -> tensor<1x4x!quant.uniform<i8:f32, 0.1:2>>
    // gains
    func.func @mlp_run(%in: memref<1x8xi8>, %out: memref<1x4xi8>) -> i32
    func.func @mlp_quantize_input(%x: memref<1x8xf32>, %q: memref<1x8xi8>)
    func.func @mlp_dequantize_output(%q: memref<1x4xi8>, %y: memref<1x4xf32>)
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", "\"\"",
           "The model function (default: the only public function)">,
    Option<"name", "name", "std::string", "\"\"",
           "Prefix of the C symbols (default: the model function's name)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::quant::QuantDialect", "::mlir::tensor::TensorDialect"
  ];
}

def LowbitPackWeights : Pass<"lowbit-pack-weights"> {
  let summary = "Pack constant fully-connected weights for the target's int8 "
                "dot-product instruction";
  let description = [{
    Replaces `lowbit.requantize(lowbit.fully_connected(x, W, b))`, where the
    weights and the bias are constants, x and W have 8-bit storage and the
    accumulator has no other use, by `lowbit.packed_fully_connected` for
    `target-isa`: the weights are packed at compile time into the layout of
    the kernel (include/lowbit/Dialect/Lowbit/IR/PackedLayout.h), and every
    zero-point and offset term that depends only on constants is folded into
    the bias (docs/IntegerSemantics.md, "Folding the zero points"). With
    `target-isa=generic` (the default) the pass changes nothing.

    ```mlir
    // --lowbit-pack-weights=target-isa=avx512vnni
    %w = lowbit.constant dense<...> : tensor<4x8xi8> -> tensor<4x8x!quant.uniform<i8:f32, 0.1>>
    %acc = lowbit.fully_connected %x, %w : tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>,
        tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<1x4xi32>
    %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127]
        : tensor<1x4xi32> -> tensor<1x4x!quant.uniform<i8:f32, 0.1:2>>
    // becomes
    %packed = arith.constant dense<...> : tensor<1x2x64xi8>
    %bias = arith.constant dense<...> : tensor<16xi32>   // -3 * sum_k w[n, k]
    %y = lowbit.packed_fully_connected <avx512vnni> %x, %packed, %bias
        multiplier [1518500250] shift [38] clamp [-128, 127] : ...
    ```
  }];
  let options = [
    Option<"targetIsa", "target-isa", "std::string", "\"generic\"",
           "The dot-product instruction set: generic (no packing), "
           "avx512vnni, avx2, neon-dotprod or neon">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD
