// RUN: lowbit-opt %s --lowbit-export-entry | FileCheck %s

// Regression: with 32-bit output storage and Z = -5 the dequantize helper computes
// q - Z with `arith.subi ... : i32`, which wraps for q > 2^31 - 6: the
// stored value 2147483647 (real value 2147483652) dequantizes to
// -2147483644.0 instead of about +2.1474836e9. The difference q - Z needs 33
// bits; it is now formed in i64.

// CHECK-LABEL: func.func @m_dequantize_output(
// CHECK-SAME: %{{.*}}: memref<4xi32>, %{{.*}}: memref<4xf32>)
// CHECK-NOT: arith.subi %{{.*}}, %{{.*}} : i32
// CHECK: arith.mulf
func.func @m(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i32:f32, 1.0:-5>> {
  %y = lowbit.constant dense<0> : tensor<4xi32> -> tensor<4x!quant.uniform<i32:f32, 1.0:-5>>
  return %y : tensor<4x!quant.uniform<i32:f32, 1.0:-5>>
}
