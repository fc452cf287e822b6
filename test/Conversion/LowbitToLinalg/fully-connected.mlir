// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s
// Nothing quantized is left anywhere in the output.
// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s --check-prefix=NOQUANT
// NOQUANT-NOT: !quant
// NOQUANT-NOT: lowbit.
// NOQUANT-NOT: quant.scast

// acc[m, n] = bias[n] + sum_k (x[m, k] - Zx) * (w[n, k] - Zw[n]) becomes a
// broadcast of the bias (or a zero fill) into [M, N], then a contraction
// over (m, n, k) on the storage types.

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
  // CHECK-NEXT: ^bb0(%[[BV:.*]]: i32, %{{.*}}: i32):
  // CHECK-NEXT: linalg.yield %[[BV]] : i32
  // CHECK-NEXT: } -> tensor<3x2xi32>
  // CHECK-NOT: linalg.fill
  // CHECK: %[[RES:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[ACC]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[IN]], %[[WT]] : tensor<3x4xi8>, tensor<2x4xi8>) outs(%[[INIT]] : tensor<3x2xi32>)
  // CHECK-NEXT: ^bb0(%[[A:.*]]: i8, %[[V:.*]]: i8, %[[S:.*]]: i32):
  // u8 input: zero extension, minus the zero point 128; i8 weight: sign
  // extension, minus the zero point 1.
  // CHECK-DAG: %[[C1:.*]] = arith.constant 1 : i32
  // CHECK-DAG: %[[C128:.*]] = arith.constant 128 : i32
  // CHECK-DAG: %[[AE:.*]] = arith.extui %[[A]] : i8 to i32
  // CHECK: %[[AC:.*]] = arith.subi %[[AE]], %[[C128]] : i32
  // CHECK-DAG: %[[VE:.*]] = arith.extsi %[[V]] : i8 to i32
  // CHECK: %[[VC:.*]] = arith.subi %[[VE]], %[[C1]] : i32
  // CHECK: %[[P:.*]] = arith.muli %[[AC]], %[[VC]] : i32
  // CHECK: %[[SUM:.*]] = arith.addi %[[S]], %[[P]] : i32
  // CHECK: linalg.yield %[[SUM]] : i32
  // CHECK-NEXT: } -> tensor<3x2xi32>
  // CHECK: return %[[RES]] : tensor<3x2xi32>
  %0 = lowbit.fully_connected %x, %w, %b : tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, tensor<2x4x!quant.uniform<i8:f32, 0.5:1>>, tensor<2xi32> -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

// Without bias the accumulator starts at zero; per-channel weight zero
// points enter as an [N] tensor indexed by the output channel.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[ZW:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[ACC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @per_channel_zero_points
// CHECK-SAME: (%[[IN:.*]]: tensor<1x4xi8>, %[[WT:.*]]: tensor<2x4xi8>) -> tensor<1x2xi32>
func.func @per_channel_zero_points(%x: tensor<1x4x!quant.uniform<i8:f32, 0.1>>, %w: tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>>) -> tensor<1x2xi32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2xi32>
  // CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
  // CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : i32) outs(%[[E]] : tensor<1x2xi32>) -> tensor<1x2xi32>
  // CHECK: %[[ZPS:.*]] = arith.constant dense<[1, -2]> : tensor<2xi32>
  // CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[ZW]], #[[ACC]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[IN]], %[[WT]], %[[ZPS]] : tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) outs(%[[FILL]] : tensor<1x2xi32>)
  // CHECK-NEXT: ^bb0(%[[A:.*]]: i8, %[[V:.*]]: i8, %[[Z:.*]]: i32, %[[S:.*]]: i32):
  // The input zero point 0 is still subtracted as a constant (folding is
  // left to canonicalization).
  // CHECK-DAG: %[[C0:.*]] = arith.constant 0 : i32
  // CHECK-DAG: %[[AE:.*]] = arith.extsi %[[A]] : i8 to i32
  // CHECK: %[[AC:.*]] = arith.subi %[[AE]], %[[C0]] : i32
  // CHECK: %[[VE:.*]] = arith.extsi %[[V]] : i8 to i32
  // CHECK: %[[VC:.*]] = arith.subi %[[VE]], %[[Z]] : i32
  // CHECK: %[[P:.*]] = arith.muli %[[AC]], %[[VC]] : i32
  // CHECK: %[[SUM:.*]] = arith.addi %[[S]], %[[P]] : i32
  // CHECK: linalg.yield %[[SUM]] : i32
  %0 = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i8:f32, 0.1>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>> -> tensor<1x2xi32>
  return %0 : tensor<1x2xi32>
}

// -----

// Per-axis weights whose zero points all agree need no zero-point tensor;
// a u8 weight is zero-extended, an i16 input sign-extended, and a dynamic
// batch takes its size from the input.
// CHECK-LABEL: func.func @equal_zero_points_dynamic_batch
// CHECK-SAME: (%[[IN:.*]]: tensor<?x4xi16>, %[[WT:.*]]: tensor<2x4xi8>) -> tensor<?x2xi32>
func.func @equal_zero_points_dynamic_batch(%x: tensor<?x4x!quant.uniform<i16:f32, 0.1:-7>>, %w: tensor<2x4x!quant.uniform<u8:f32:0, {0.5:128, 0.25:128}>>) -> tensor<?x2xi32> {
  // CHECK: %[[C0:.*]] = arith.constant 0 : index
  // CHECK: %[[M:.*]] = tensor.dim %[[IN]], %[[C0]] : tensor<?x4xi16>
  // CHECK: %[[E:.*]] = tensor.empty(%[[M]]) : tensor<?x2xi32>
  // CHECK: %[[FILL:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%[[E]] : tensor<?x2xi32>)
  // CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[IN]], %[[WT]] : tensor<?x4xi16>, tensor<2x4xi8>) outs(%[[FILL]] : tensor<?x2xi32>)
  // CHECK-NEXT: ^bb0(%[[A:.*]]: i16, %[[V:.*]]: i8, %{{.*}}: i32):
  // CHECK-DAG: %[[ZW:.*]] = arith.constant 128 : i32
  // CHECK-DAG: %[[ZX:.*]] = arith.constant -7 : i32
  // CHECK-DAG: %[[AE:.*]] = arith.extsi %[[A]] : i16 to i32
  // CHECK: arith.subi %[[AE]], %[[ZX]] : i32
  // CHECK-DAG: %[[VE:.*]] = arith.extui %[[V]] : i8 to i32
  // CHECK: arith.subi %[[VE]], %[[ZW]] : i32
  %0 = lowbit.fully_connected %x, %w : tensor<?x4x!quant.uniform<i16:f32, 0.1:-7>>, tensor<2x4x!quant.uniform<u8:f32:0, {0.5:128, 0.25:128}>> -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

// Quantized constants become arith constants of the stored values (blobs
// included); quant.scast disappears and signatures take storage types.
// CHECK-LABEL: func.func @constants
// CHECK-SAME: (%[[ARG:.*]]: tensor<2xi8>) -> (tensor<2xi8>, tensor<2x2xi8>, tensor<2xi8>, tensor<2xi8>)
// CHECK-DAG: %[[C:.*]] = arith.constant dense<[1, -2]> : tensor<2xi8>
// CHECK-DAG: %[[PA:.*]] = arith.constant dense<{{\[}}[1, -1], [0, 7]]> : tensor<2x2xi8>
// CHECK-DAG: %[[R:.*]] = arith.constant dense_resource<blob> : tensor<2xi8>
// CHECK-NOT: lowbit.
// CHECK-NOT: quant.scast
// CHECK: return %[[C]], %[[PA]], %[[R]], %[[ARG]] : tensor<2xi8>, tensor<2x2xi8>, tensor<2xi8>, tensor<2xi8>
func.func @constants(%arg: tensor<2xi8>) -> (tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x2x!quant.uniform<u8:f32:0, {0.5:128, 0.25:1}>>, tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2xi8>) {
  %0 = lowbit.constant dense<[1, -2]> : tensor<2xi8> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  %1 = lowbit.constant dense<[[1, 255], [0, 7]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<u8:f32:0, {0.5:128, 0.25:1}>>
  %2 = lowbit.constant dense_resource<blob> : tensor<2xi8> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  %3 = quant.scast %arg : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.5>>
  %4 = quant.scast %3 : tensor<2x!quant.uniform<i8:f32, 0.5>> to tensor<2xi8>
  return %0, %1, %2, %4 : tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x2x!quant.uniform<u8:f32:0, {0.5:128, 0.25:1}>>, tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2xi8>
}
{-#
  dialect_resources: {
    builtin: {
      blob: "0x0100000005FB"
    }
  }
#-}
