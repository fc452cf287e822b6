// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s

// The graph-level ops print and parse back unchanged.

// CHECK-LABEL: func.func @cnn
// CHECK: lowbit.constant dense<{{.*}}> : tensor<4x1x3x3xf32> -> tensor<4x1x3x3xf32>
// CHECK: lowbit.conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32> -> tensor<1x4x4x4xf32>
// CHECK: lowbit.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} epsilon 9.99999974E-6 : tensor<1x4x4x4xf32>, tensor<4xf32> -> tensor<1x4x4x4xf32>
// CHECK: lowbit.relu %{{.*}} : tensor<1x4x4x4xf32>
// CHECK: lowbit.clip %{{.*}}[0.000000e+00, 6.000000e+00] : tensor<1x4x4x4xf32>
// CHECK: lowbit.max_pool %{{.*}} {ceil_mode, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x4x4x4xf32> -> tensor<1x4x2x2xf32>
// CHECK: lowbit.average_pool %{{.*}} {count_include_pad, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 1, 1>} : tensor<1x4x2x2xf32> -> tensor<1x4x2x2xf32>
// CHECK: lowbit.global_average_pool %{{.*}} : tensor<1x4x2x2xf32> -> tensor<1x4x1x1xf32>
// CHECK: lowbit.reshape %{{.*}} : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
// CHECK: lowbit.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, trans_b} : tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32> -> tensor<1x3xf32>
// CHECK: lowbit.hard_swish %{{.*}} : tensor<1x3xf32>
// CHECK: lowbit.softmax %{{.*}} axis 1 : tensor<1x3xf32>
func.func @cnn(%x: tensor<1x1x8x8xf32>) -> tensor<1x3xf32> {
  %w = lowbit.constant dense<0.5> : tensor<4x1x3x3xf32> -> tensor<4x1x3x3xf32>
  %b = lowbit.constant dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32> -> tensor<4xf32>
  %c = lowbit.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32> -> tensor<1x4x4x4xf32>
  %bn = lowbit.batch_norm %c, %b, %b, %b, %b epsilon 1.0e-5 : tensor<1x4x4x4xf32>, tensor<4xf32> -> tensor<1x4x4x4xf32>
  %r = lowbit.relu %bn : tensor<1x4x4x4xf32>
  %r6 = lowbit.clip %r [0.0, 6.0] : tensor<1x4x4x4xf32>
  %mp = lowbit.max_pool %r6 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode} : tensor<1x4x4x4xf32> -> tensor<1x4x2x2xf32>
  %ap = lowbit.average_pool %mp {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 1>, count_include_pad} : tensor<1x4x2x2xf32> -> tensor<1x4x2x2xf32>
  %gp = lowbit.global_average_pool %ap : tensor<1x4x2x2xf32> -> tensor<1x4x1x1xf32>
  %f = lowbit.reshape %gp : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %gw = lowbit.constant dense<1.0> : tensor<3x4xf32> -> tensor<3x4xf32>
  %gb = lowbit.constant dense<1.0> : tensor<3xf32> -> tensor<3xf32>
  %g = lowbit.gemm %f, %gw, %gb {alpha = 0.5 : f32, trans_b} : tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32> -> tensor<1x3xf32>
  %h = lowbit.hard_swish %g : tensor<1x3xf32>
  %s = lowbit.softmax %h axis 1 : tensor<1x3xf32>
  return %s : tensor<1x3xf32>
}

// CHECK-LABEL: func.func @elementwise
// CHECK: lowbit.matmul %{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<2x3x5xf32>
// CHECK: lowbit.add %{{.*}}, %{{.*}} : tensor<2x3x5xf32>, tensor<5xf32> -> tensor<2x3x5xf32>
// CHECK: lowbit.sub %{{.*}}, %{{.*}} : tensor<2x3x5xf32>, tensor<3x1xf32> -> tensor<2x3x5xf32>
// CHECK: lowbit.mul
// CHECK: lowbit.leaky_relu %{{.*}} alpha 1.000000e-01 : tensor<2x3x5xf32>
// CHECK: lowbit.sigmoid
// CHECK: lowbit.tanh
// CHECK: lowbit.sign
// CHECK: lowbit.transpose %{{.*}} permutation [2, 0, 1] : tensor<2x3x5xf32> -> tensor<5x2x3xf32>
// CHECK: lowbit.concat %{{.*}}, %{{.*}} axis 0 : tensor<5x2x3xf32>, tensor<5x2x3xf32> -> tensor<10x2x3xf32>
func.func @elementwise(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>, %d: tensor<3x1xf32>) -> tensor<10x2x3xf32> {
  %0 = lowbit.matmul %a, %b : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<2x3x5xf32>
  %1 = lowbit.add %0, %c : tensor<2x3x5xf32>, tensor<5xf32> -> tensor<2x3x5xf32>
  %2 = lowbit.sub %1, %d : tensor<2x3x5xf32>, tensor<3x1xf32> -> tensor<2x3x5xf32>
  %3 = lowbit.mul %2, %2 : tensor<2x3x5xf32>, tensor<2x3x5xf32> -> tensor<2x3x5xf32>
  %4 = lowbit.leaky_relu %3 alpha 0.1 : tensor<2x3x5xf32>
  %5 = lowbit.sigmoid %4 : tensor<2x3x5xf32>
  %6 = lowbit.tanh %5 : tensor<2x3x5xf32>
  %7 = lowbit.sign %6 : tensor<2x3x5xf32>
  %8 = lowbit.transpose %7 permutation [2, 0, 1] : tensor<2x3x5xf32> -> tensor<5x2x3xf32>
  %9 = lowbit.concat %8, %8 axis 0 : tensor<5x2x3xf32>, tensor<5x2x3xf32> -> tensor<10x2x3xf32>
  return %9 : tensor<10x2x3xf32>
}

// Quantized operands give the int32 accumulator (ONNX ConvInteger,
// MatMulInteger).
// CHECK-LABEL: func.func @integer
// CHECK: lowbit.conv2d %{{.*}}, %{{.*}} {{.*}} : tensor<1x2x5x5x!quant.uniform<u8:f32, 1.000000e+00:3>>, tensor<4x1x3x3x!quant.uniform<i8:f32:0, {1.000000e+00,1.000000e+00,1.000000e+00,1.000000e+00}>> -> tensor<1x4x3x3xi32>
// CHECK: lowbit.matmul %{{.*}}, %{{.*}} : tensor<3x4x!quant.uniform<u8:f32, 1.000000e+00:3>>, tensor<4x2x!quant.uniform<i8:f32, 1.000000e+00>> -> tensor<3x2xi32>
func.func @integer(%x: tensor<1x2x5x5x!quant.uniform<u8:f32, 1.0:3>>, %w: tensor<4x1x3x3x!quant.uniform<i8:f32:0, {1.0, 1.0, 1.0, 1.0}>>, %a: tensor<3x4x!quant.uniform<u8:f32, 1.0:3>>, %b: tensor<4x2x!quant.uniform<i8:f32, 1.0>>) -> (tensor<1x4x3x3xi32>, tensor<3x2xi32>) {
  %0 = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x5x5x!quant.uniform<u8:f32, 1.0:3>>, tensor<4x1x3x3x!quant.uniform<i8:f32:0, {1.0, 1.0, 1.0, 1.0}>> -> tensor<1x4x3x3xi32>
  %1 = lowbit.matmul %a, %b : tensor<3x4x!quant.uniform<u8:f32, 1.0:3>>, tensor<4x2x!quant.uniform<i8:f32, 1.0>> -> tensor<3x2xi32>
  return %0, %1 : tensor<1x4x3x3xi32>, tensor<3x2xi32>
}

// The integer softmax: a 4-entry table for a 2-bit input, fixed result type.
// CHECK-LABEL: func.func @quantized_softmax
// CHECK: lowbit.quantized_softmax %{{.*}} axis 0 exp_table [65536, 32768, 16384, 8192] : tensor<3x2x!quant.uniform<i8<-2:1>:f32, 0.69314718055994{{[0-9]*}}:-1>> -> tensor<3x2x!quant.uniform<i8:f32, 3.906250e-03:-128>>
func.func @quantized_softmax(%x: tensor<3x2x!quant.uniform<i8<-2:1>:f32, 0.693147180559945:-1>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.00390625:-128>> {
  %p = lowbit.quantized_softmax %x axis 0 exp_table [65536, 32768, 16384, 8192] : tensor<3x2x!quant.uniform<i8<-2:1>:f32, 0.693147180559945:-1>> -> tensor<3x2x!quant.uniform<i8:f32, 0.00390625:-128>>
  return %p : tensor<3x2x!quant.uniform<i8:f32, 0.00390625:-128>>
}
