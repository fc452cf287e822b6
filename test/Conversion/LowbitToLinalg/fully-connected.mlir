// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s

// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[OUT2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[ACC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @with_bias
// CHECK-SAME: (%[[IN:.*]]: tensor<3x4xi8>, %[[WT:.*]]: tensor<2x4xi8>, %[[B:.*]]: tensor<2xi32>) -> tensor<3x2xi32>
func.func @with_bias(%x: tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, %w: tensor<2x4x!quant.uniform<i8:f32, 0.5:1>>, %b: tensor<2xi32>) -> tensor<3x2xi32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<3x2xi32>
  // CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #[[OUT2]]], iterator_types = ["parallel", "parallel"]} ins(%[[B]] : tensor<2xi32>) outs(%[[E]] : tensor<3x2xi32>)
  // CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[ACC]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[IN]], %[[WT]] : tensor<3x4xi8>, tensor<2x4xi8>) outs(%[[INIT]] : tensor<3x2xi32>)
  // CHECK: ^bb0(%[[A:.*]]: i8, %[[V:.*]]: i8, %[[S:.*]]: i32):
  // u8 input: zero extension, minus the zero point 128.
  // CHECK-DAG: %[[C128:.*]] = arith.constant 128 : i32
  // CHECK-DAG: %[[AE:.*]] = arith.extui %[[A]] : i8 to i32
  // CHECK: %[[AC:.*]] = arith.subi %[[AE]], %[[C128]] : i32
  // CHECK-DAG: %[[C1:.*]] = arith.constant 1 : i32
  // CHECK-DAG: %[[VE:.*]] = arith.extsi %[[V]] : i8 to i32
  // CHECK: %[[VC:.*]] = arith.subi %[[VE]], %[[C1]] : i32
  // CHECK: %[[P:.*]] = arith.muli %[[AC]], %[[VC]] : i32
  // CHECK: %[[SUM:.*]] = arith.addi %[[S]], %[[P]] : i32
  // CHECK: linalg.yield %[[SUM]] : i32
  %0 = lowbit.fully_connected %x, %w, %b : tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, tensor<2x4x!quant.uniform<i8:f32, 0.5:1>>, tensor<2xi32> -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

// Without bias the accumulator starts at zero; per-channel weight zero
// points enter as an [N] tensor indexed by the output channel.
// CHECK-DAG: #[[ZW:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @per_channel_zero_points
func.func @per_channel_zero_points(%x: tensor<1x4x!quant.uniform<i8:f32, 0.1>>, %w: tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>>) -> tensor<1x2xi32> {
  // CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
  // CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : i32)
  // CHECK: %[[ZPS:.*]] = arith.constant dense<[1, -2]> : tensor<2xi32>
  // CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[ZW]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}}, %[[ZPS]] : tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) outs(%[[FILL]] : tensor<1x2xi32>)
  // CHECK: ^bb0(%{{.*}}: i8, %[[V:.*]]: i8, %[[Z:.*]]: i32, %{{.*}}: i32):
  // CHECK: %[[VE:.*]] = arith.extsi %[[V]] : i8 to i32
  // CHECK: arith.subi %[[VE]], %[[Z]] : i32
  %0 = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i8:f32, 0.1>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>> -> tensor<1x2xi32>
  return %0 : tensor<1x2xi32>
}

// -----

// Quantized constants become arith constants of the stored values.
// CHECK-LABEL: func.func @constant
// CHECK: %[[C:.*]] = arith.constant dense<[1, -2]> : tensor<2xi8>
// CHECK: return %[[C]] : tensor<2xi8>
func.func @constant() -> tensor<2x!quant.uniform<i8:f32, 0.5>> {
  %0 = lowbit.constant dense<[1, -2]> : tensor<2xi8> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 0.5>>
}
