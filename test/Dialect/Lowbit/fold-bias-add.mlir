// RUN: lowbit-opt %s --lowbit-fold-bias-add --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul_add
// CHECK-SAME: (%[[X:.*]]: tensor<1x3xf32>)
// CHECK: %[[W:.*]] = lowbit.constant {{.*}} : tensor<3x2xf32>
// CHECK: %[[B:.*]] = lowbit.constant {{.*}} : tensor<2xf32>
// CHECK: %[[G:.*]] = lowbit.gemm %[[X]], %[[W]], %[[B]] : tensor<1x3xf32>, tensor<3x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
// CHECK-NOT: lowbit.add
// CHECK: return %[[G]]
func.func @matmul_add(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = lowbit.constant dense<1.0> : tensor<3x2xf32> -> tensor<3x2xf32>
  %b = lowbit.constant dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<2xf32>
  %m = lowbit.matmul %x, %w : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
  %y = lowbit.add %b, %m : tensor<2xf32>, tensor<1x2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A gemm without bias takes the vector as c, keeping alpha and transposes.
// CHECK-LABEL: func.func @gemm_add
// CHECK: lowbit.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, trans_b} : tensor<1x3xf32>, tensor<2x3xf32>, tensor<1x2xf32> -> tensor<1x2xf32>
func.func @gemm_add(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = lowbit.constant dense<1.0> : tensor<2x3xf32> -> tensor<2x3xf32>
  %b = lowbit.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32> -> tensor<1x2xf32>
  %g = lowbit.gemm %x, %w {alpha = 0.5 : f32, trans_b} : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<1x2xf32>
  %y = lowbit.add %g, %b : tensor<1x2xf32>, tensor<1x2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Not folded: an activation added (not a constant), a product with another
// user, a non-constant weight.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-3: lowbit.add
func.func @kept(%x: tensor<1x3xf32>, %v: tensor<2xf32>, %w2: tensor<3x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = lowbit.constant dense<1.0> : tensor<3x2xf32> -> tensor<3x2xf32>
  %b = lowbit.constant dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<2xf32>
  %m = lowbit.matmul %x, %w : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
  %y = lowbit.add %m, %v : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  %m2 = lowbit.matmul %x, %w : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
  %y2 = lowbit.add %m2, %b : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  %m3 = lowbit.matmul %x, %w2 : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
  %y3 = lowbit.add %m3, %b : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  return %y, %y2, %m2, %y3 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}
