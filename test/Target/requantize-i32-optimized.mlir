// RUN: lowbit-compile %s --emit=llvm --mtriple=x86_64-linux-gnu --entry-name=rq -o - | FileCheck %s

// Regression: LLVM's O3, run in process on the module exactly as MLIR's
// translation built it, folded this 32-bit requantization to a constant
// store. lib/Target/MachineCode.cpp round-trips the module through bitcode
// before optimizing. The code must still read its input and compute
// round(x * 2^30 * 2^-33) = (x >> 2 + 1) >> 1.

// CHECK-LABEL: define {{.*}}i32 @rq_run(ptr
// CHECK-NOT: store i32 -2139062144
// CHECK: load i32
// CHECK: ashr i32 %{{.*}}, 2
// CHECK: add nsw i32 %{{.*}}, 1
// CHECK: ashr i32 %{{.*}}, 1
// CHECK: ret i32 0
func.func @rq(%x: tensor<4x!quant.uniform<i32:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %a = quant.scast %x : tensor<4x!quant.uniform<i32:f32, 1.0>> to tensor<4xi32>
  %y = lowbit.requantize %a multiplier [1073741824] shift [33] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0>>
}
