// RUN: lowbit-opt %s --lowbit-export-entry | FileCheck %s

// Regression: with 32-bit input storage and Z = -5 the quantize helper used
// to clamp roundeven(x / s) to [qmin - Z, qmax - Z] = [-2^31 + 5, 2^31 + 4]
// in f32 and convert with fptosi to i32. The nearest f32 to 2^31 + 4 is 2^31,
// so large inputs overflowed fptosi (poison: x86 gave INT_MIN, AArch64
// saturated). Now the f32 value is clamped to +-2^40, converted to i64, and
// Z and the storage range are applied in i64, where all of them are exact.

// CHECK-LABEL: func.func @m_quantize_input(
// CHECK-NOT: to i32
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK-NEXT: arith.constant -5 : i64
// CHECK-NEXT: arith.addi
// CHECK-NEXT: arith.constant -2147483648 : i64
// CHECK-NEXT: arith.maxsi
// CHECK-NEXT: arith.constant 2147483647 : i64
// CHECK-NEXT: arith.minsi
// CHECK-NEXT: arith.trunci %{{.*}} : i64 to i32
func.func @m(%x: tensor<4x!quant.uniform<i32:f32, 1.0:-5>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %y = lowbit.constant dense<0> : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0>>
}
