// RUN: lowbit-opt %s --lowbit-collapse-elementwise --split-input-file | FileCheck %s

// An NHWC residual add: one loop over the 1*4*4*24 = 384 elements.
// CHECK-LABEL: func.func @add_nhwc
// CHECK-DAG: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3]] : tensor<1x4x4x24xi8> into tensor<384xi8>
// CHECK-DAG: %[[B:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1, 2, 3]] : tensor<1x4x4x24xi8> into tensor<384xi8>
// CHECK: %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["parallel"]{{.*}} ins(%[[A]], %[[B]] : tensor<384xi8>, tensor<384xi8>)
// CHECK: arith.addi
// CHECK: tensor.expand_shape %[[S]] {{\[\[}}0, 1, 2, 3]] output_shape [1, 4, 4, 24] : tensor<384xi8> into tensor<1x4x4x24xi8>
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @add_nhwc(%a: tensor<1x4x4x24xi8>, %b: tensor<1x4x4x24xi8>) -> tensor<1x4x4x24xi8> {
  %e = tensor.empty() : tensor<1x4x4x24xi8>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %b : tensor<1x4x4x24xi8>, tensor<1x4x4x24xi8>) outs(%e : tensor<1x4x4x24xi8>) {
  ^bb0(%x: i8, %y: i8, %o: i8):
    %r = arith.addi %x, %y : i8
    linalg.yield %r : i8
  } -> tensor<1x4x4x24xi8>
  return %s : tensor<1x4x4x24xi8>
}

// -----

// Left alone: a per-channel operand (broadcast map), a reduction, a
// transposing map.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: tensor.collapse_shape
// CHECK-NOT: tensor.expand_shape
#nhwc = affine_map<(n, h, w, c) -> (n, h, w, c)>
#chan = affine_map<(n, h, w, c) -> (c)>
#swap = affine_map<(i, j) -> (j, i)>
#id2 = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
func.func @kept(%a: tensor<1x4x4x24xi32>, %m: tensor<24xi32>, %t: tensor<3x5xi8>) -> (tensor<1x4x4x24xi32>, tensor<3xi32>, tensor<5x3xi8>) {
  %e = tensor.empty() : tensor<1x4x4x24xi32>
  %scaled = linalg.generic {indexing_maps = [#nhwc, #chan, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %m : tensor<1x4x4x24xi32>, tensor<24xi32>) outs(%e : tensor<1x4x4x24xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %r = arith.muli %x, %y : i32
    linalg.yield %r : i32
  } -> tensor<1x4x4x24xi32>
  %z = arith.constant 0 : i32
  %e1 = tensor.empty() : tensor<3xi32>
  %init = linalg.fill ins(%z : i32) outs(%e1 : tensor<3xi32>) -> tensor<3xi32>
  %sum = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%t : tensor<3x5xi8>) outs(%init : tensor<3xi32>) {
  ^bb0(%x: i8, %acc: i32):
    %w = arith.extsi %x : i8 to i32
    %r = arith.addi %acc, %w : i32
    linalg.yield %r : i32
  } -> tensor<3xi32>
  %e2 = tensor.empty() : tensor<5x3xi8>
  %tr = linalg.generic {indexing_maps = [#swap, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<3x5xi8>) outs(%e2 : tensor<5x3xi8>) {
  ^bb0(%x: i8, %o: i8):
    linalg.yield %x : i8
  } -> tensor<5x3xi8>
  return %scaled, %sum, %tr : tensor<1x4x4x24xi32>, tensor<3xi32>, tensor<5x3xi8>
}
