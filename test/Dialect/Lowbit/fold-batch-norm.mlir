// RUN: lowbit-opt %s --lowbit-fold-batch-norm --split-input-file | FileCheck %s

// g = scale / sqrt(var + eps): channel 0: 2 / sqrt(3 + 1) = 1,
// channel 1: 3 / sqrt(8 + 1) = 1.
// w' = w * g, b' = (b - mean) * g + beta.
// With g = [1, 1]: w' = w, b' = [0.5 - 1 + 10, -1 - 2 + 20] = [9.5, 17].
// CHECK-LABEL: func.func @conv_bn
// CHECK-NOT: lowbit.batch_norm
// CHECK: %[[W:.*]] = lowbit.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00]]], {{\[\[\[}}3.000000e+00, 4.000000e+00]]]]> : tensor<2x1x1x2xf32>
// CHECK: %[[B:.*]] = lowbit.constant dense<[9.500000e+00, 1.700000e+01]> : tensor<2xf32>
// CHECK: %[[C:.*]] = lowbit.conv2d %{{.*}}, %[[W]], %[[B]] {{.*}}lowbit.range = array<f64: -1.000000e+00, 1.000000e+00>{{.*}} -> tensor<1x2x3x2xf32>
// CHECK: return %[[C]]
func.func @conv_bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x2xf32> {
  %w = lowbit.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32> -> tensor<2x1x1x2xf32>
  %b = lowbit.constant dense<[0.5, -1.0]> : tensor<2xf32> -> tensor<2xf32>
  %scale = lowbit.constant dense<[2.0, 3.0]> : tensor<2xf32> -> tensor<2xf32>
  %beta = lowbit.constant dense<[10.0, 20.0]> : tensor<2xf32> -> tensor<2xf32>
  %mean = lowbit.constant dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<2xf32>
  %var = lowbit.constant dense<[3.0, 8.0]> : tensor<2xf32> -> tensor<2xf32>
  %c = lowbit.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x3x3xf32>, tensor<2x1x1x2xf32>, tensor<2xf32> -> tensor<1x2x3x2xf32>
  %y = lowbit.batch_norm %c, %scale, %beta, %mean, %var epsilon 1.0 {lowbit.range = array<f64: -1.0, 1.0>} : tensor<1x2x3x2xf32>, tensor<2xf32> -> tensor<1x2x3x2xf32> loc("bn")
  return %y : tensor<1x2x3x2xf32>
}

// -----

// No bias: b' = (0 - mean) * g + beta; g = 1 / sqrt(0.25) = 2.
// CHECK-LABEL: func.func @gemm_bn
// CHECK: lowbit.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00]]> : tensor<1x2xf32>
// CHECK: lowbit.constant dense<-3.000000e+00> : tensor<1xf32>
// CHECK: lowbit.gemm {{.*}} {trans_b}
// CHECK-NOT: lowbit.batch_norm
func.func @gemm_bn(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %w = lowbit.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32> -> tensor<1x2xf32>
  %one = lowbit.constant dense<1.0> : tensor<1xf32> -> tensor<1xf32>
  %zero = lowbit.constant dense<0.0> : tensor<1xf32> -> tensor<1xf32>
  %mean = lowbit.constant dense<2.0> : tensor<1xf32> -> tensor<1xf32>
  %var = lowbit.constant dense<0.25> : tensor<1xf32> -> tensor<1xf32>
  %g = lowbit.gemm %x, %w {trans_b} : tensor<1x2xf32>, tensor<1x2xf32> -> tensor<1x1xf32>
  %y = lowbit.batch_norm %g, %one, %one, %mean, %var epsilon 0.0 : tensor<1x1xf32>, tensor<1xf32> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// A conv with another user keeps its own output: nothing folds.
// CHECK-LABEL: func.func @shared
// CHECK: lowbit.batch_norm
func.func @shared(%x: tensor<1x1x1x1xf32>) -> (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) {
  %w = lowbit.constant dense<1.0> : tensor<1x1x1x1xf32> -> tensor<1x1x1x1xf32>
  %p = lowbit.constant dense<1.0> : tensor<1xf32> -> tensor<1xf32>
  %c = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32> -> tensor<1x1x1x1xf32>
  %y = lowbit.batch_norm %c, %p, %p, %p, %p epsilon 0.0 : tensor<1x1x1x1xf32>, tensor<1xf32> -> tensor<1x1x1x1xf32>
  return %c, %y : tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>
}
