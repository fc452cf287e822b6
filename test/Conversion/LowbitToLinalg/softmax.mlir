// RUN: lowbit-opt %s --convert-lowbit-to-linalg | FileCheck %s

// quantized_softmax along axis 1 of a [2, 3, 4] u8 tensor: the row maximum
// (init: the storage minimum 0; unsigned storage widened with extui), the
// row sum of table[m - q], then (256 * e + (sum >> 1)) / sum + Z clamped,
// all in i32 with an unsigned division, no float.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:.*]]: tensor<2x3x4xi8>) -> tensor<2x3x4xi8>
// CHECK-DAG: %[[TABLE:.*]] = arith.constant dense<[65536, 32768, 16384, 8192]> : tensor<4xi32>
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<2x3x4xi8>) outs(%{{.*}} : tensor<2x4xi32>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.maxsi
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]], %[[MAX]] : tensor<2x3x4xi8>, tensor<2x4xi32>) outs(%{{.*}} : tensor<2x4xi32>)
// CHECK: ^bb0(%[[Q:.*]]: i8, %[[M:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK: %[[QW:.*]] = arith.extui %[[Q]] : i8 to i32
// CHECK: %[[D:.*]] = arith.subi %[[M]], %[[QW]] : i32
// CHECK: %[[I:.*]] = arith.index_cast %[[D]] : i32 to index
// CHECK: %[[E:.*]] = tensor.extract %[[TABLE]][%[[I]]] : tensor<4xi32>
// CHECK: arith.addi %[[ACC]], %[[E]] : i32
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<2x3x4xi8>, tensor<2x4xi32>, tensor<2x4xi32>) outs(%{{.*}} : tensor<2x3x4xi8>)
// CHECK: ^bb0(%[[Q2:.*]]: i8, %[[M2:.*]]: i32, %[[S:.*]]: i32, %{{.*}}: i8):
// CHECK: %[[E2:.*]] = tensor.extract %[[TABLE]]
// CHECK: %[[SCALED:.*]] = arith.muli %[[E2]], %{{.*}} : i32
// CHECK: %[[HALF:.*]] = arith.shrui %[[S]], %{{.*}} : i32
// CHECK: %[[DIVIDEND:.*]] = arith.addi %[[SCALED]], %[[HALF]] : i32
// CHECK: %[[QUOT:.*]] = arith.divui %[[DIVIDEND]], %[[S]] : i32
// CHECK: arith.addi %[[QUOT]]
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @softmax(%x: tensor<2x3x4x!quant.uniform<u8<0:3>:f32, 0.693147180559945>>) -> tensor<2x3x4x!quant.uniform<u8:f32, 0.00390625>> {
  %p = lowbit.quantized_softmax %x axis 1 exp_table [65536, 32768, 16384, 8192] : tensor<2x3x4x!quant.uniform<u8<0:3>:f32, 0.693147180559945>> -> tensor<2x3x4x!quant.uniform<u8:f32, 0.00390625>>
  return %p : tensor<2x3x4x!quant.uniform<u8:f32, 0.00390625>>
}
