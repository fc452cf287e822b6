// RUN: lowbit-opt %s --convert-lowbit-to-linalg --canonicalize --split-input-file | FileCheck %s

// fully_connected on coded weights reads the code bytes [N, ceil(K / P)] at
// (n, k floordiv P) and decodes table[(byte >> b * (k mod P)) & mask] in the
// body; the decoded int8 weights are not materialized.
// CHECK-DAG: #[[CODES:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 4)>
// CHECK-LABEL: func.func @fully_connected
// CHECK-NOT: dense<{{\[\[}}-7, 7, 0]
// CHECK-DAG: %[[BYTES:.*]] = arith.constant dense<{{\[\[}}24], [37]]> : tensor<2x1xi8>
// CHECK-DAG: %[[TABLE:.*]] = arith.constant dense<[-7, 0, 7, 0]> : tensor<4xi8>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CODES]], #{{.*}}], {{.*}} ins(%arg0, %[[BYTES]] : tensor<1x3xi8>, tensor<2x1xi8>)
// CHECK: ^bb0(%[[X:.*]]: i8, %[[BYTE:.*]]: i8, %{{.*}}: i32):
// CHECK:   %[[K:.*]] = linalg.index 2 : index
// CHECK:   %[[SLOT:.*]] = arith.remui %[[K]], %c4
// CHECK:   %[[SHIFT:.*]] = arith.muli %[[SLOT]], %c2
// CHECK:   %[[S8:.*]] = arith.index_castui %[[SHIFT]] : index to i8
// CHECK:   %[[SHR:.*]] = arith.shrui %[[BYTE]], %[[S8]] : i8
// CHECK:   %[[CODE:.*]] = arith.andi %[[SHR]], %c3_i8 : i8
// CHECK:   %[[ENTRY:.*]] = arith.index_castui %[[CODE]] : i8 to index
// CHECK:   %[[W:.*]] = tensor.extract %[[TABLE]][%[[ENTRY]]] : tensor<4xi8>
// CHECK:   arith.extsi %[[W]] : i8 to i32
func.func @fully_connected(%x: tensor<1x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2xi32> {
  %w = lowbit.coded_constant dense<[[24], [37]]> : tensor<2x1xi8> bits 2 table [-7, 0, 7, 0] -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>> -> tensor<1x2xi32>
  return %acc : tensor<1x2xi32>
}

// -----

// conv2d [F, C, KH, KW] = [2, 1, 2, 2]: the position of (c, kh, kw) in its
// filter's row is (c * 2 + kh) * 2 + kw, the byte that position floordiv 8;
// an unread [C, KH, KW] operand gives the loops their extents.
// CHECK-DAG: #[[WMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, ((d4 * 2 + d5) * 2 + d6) floordiv 8)>
// CHECK-DAG: #[[EXTENT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6)>
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[BYTES:.*]] = arith.constant dense<{{\[\[}}5], [12]]> : tensor<2x1xi8>
// CHECK-DAG: %[[TABLE:.*]] = arith.constant dense<[-1, 1]> : tensor<2xi8>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[WMAP]], #[[EXTENT]], #{{.*}}], {{.*}} ins(%{{.*}}, %[[BYTES]], %{{.*}} : tensor<1x1x3x3xi8>, tensor<2x1xi8>, tensor<1x2x2xi8>)
// CHECK-DAG:   linalg.index 5
// CHECK-DAG:   linalg.index 6
// CHECK:   arith.remui %{{.*}}, %c8
// CHECK:   arith.shrui
// CHECK:   arith.andi %{{.*}}, %c1_i8
// CHECK:   tensor.extract %[[TABLE]]
func.func @conv(%x: tensor<1x1x3x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x2x2xi32> {
  %w = lowbit.coded_constant dense<[[5], [12]]> : tensor<2x1xi8> bits 1 table [-1, 1] -> tensor<2x1x2x2x!quant.uniform<i8:f32, 0.5>>
  %y = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x1x2x2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x2x2xi32>
  return %y : tensor<1x2x2x2xi32>
}

// -----

// Any other user gets the decoded values.
// CHECK-LABEL: func.func @other_use
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}-7, 7, 0], [0, 0, 7]]> : tensor<2x3xi8>
// CHECK: return %[[W]]
func.func @other_use() -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>> {
  %w = lowbit.coded_constant dense<[[24], [37]]> : tensor<2x1xi8> bits 2 table [-7, 0, 7, 0] -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>
  return %w : tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>
}
