// RUN: lowbit-opt --help | FileCheck %s

// Lowbit's passes and pipeline are registered with their summaries and
// options (passes, then pass pipelines).

// CHECK: Passes:
// CHECK: --convert-lowbit-to-linalg {{ *}}- {{ *}}Lower lowbit ops on quantized tensors to linalg and arith on their storage types
// CHECK-NEXT: --allow-i32-requantize {{ *}}- Use the 32-bit mulsi_extended requantize where it is exact
// CHECK: --lowbit-export-entry {{ *}}- {{ *}}Give the model function a C entry point and boundary helpers
// CHECK-NEXT: --function=<string>
// CHECK-NEXT: --name=<string>
// CHECK: --lowbit-set-rounding {{ *}}- {{ *}}Select the requantization rounding mode for a compile
// CHECK-NEXT: --mode=<value>
// CHECK-NEXT: =single
// CHECK-NEXT: =double
// CHECK: Pass Pipelines:
// CHECK: --lowbit-lower-to-llvm {{ *}}- {{ *}}Run every phase of lowbit-compile: quantize, export, pack, linalg, bufferize, llvm
// CHECK-NEXT: --bitpack=<string>
// CHECK-NEXT: --name=<string>

// The pipeline runs end to end from lowbit-opt as well.
// RUN: lowbit-opt %s --lowbit-lower-to-llvm=name=h | FileCheck %s --check-prefix=PIPE
// PIPE-NOT: lowbit.
// PIPE: llvm.func @h_run(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// PIPE: llvm.func @h_quantize_input(
// PIPE: llvm.func @h_dequantize_output(
// PIPE-NOT: func.func
func.func @m(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %acc = quant.scast %x : tensor<4x!quant.uniform<i8:f32, 1.0>> to tensor<4xi8>
  %wide = arith.extsi %acc : tensor<4xi8> to tensor<4xi32>
  %y = lowbit.requantize %wide multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0>>
}
