// The binary ops print and parse back (lib/Dialect/Lowbit/IR/BinaryOps.cpp).
// RUN: lowbit-opt %s | FileCheck %s
// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s

// CHECK-LABEL: func.func @fully_connected
// CHECK: %[[B:.*]] = lowbit.binarize %{{.*}} {axis = 1 : i64} : tensor<3x100x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<3x2xi64>
// CHECK: lowbit.binary_fully_connected %[[B]], %{{.*}}, %{{.*}} {depth = 100 : i64} : tensor<3x2xi64>, tensor<10x2xi64>, tensor<10xi32> -> tensor<3x10xi32>
// CHECK: lowbit.binary_fully_connected %[[B]], %{{.*}} {depth = 100 : i64} : tensor<3x2xi64>, tensor<10x2xi64> -> tensor<3x10xi32>
func.func @fully_connected(%x: tensor<3x100x!quant.uniform<u8:f32, 0.05:128>>,
                           %w: tensor<10x2xi64>, %b: tensor<10xi32>)
    -> (tensor<3x10xi32>, tensor<3x10xi32>) {
  %bits = lowbit.binarize %x {axis = 1 : i64} : tensor<3x100x!quant.uniform<u8:f32, 0.05:128>> -> tensor<3x2xi64>
  %a = lowbit.binary_fully_connected %bits, %w, %b {depth = 100 : i64} : tensor<3x2xi64>, tensor<10x2xi64>, tensor<10xi32> -> tensor<3x10xi32>
  %c = lowbit.binary_fully_connected %bits, %w {depth = 100 : i64} : tensor<3x2xi64>, tensor<10x2xi64> -> tensor<3x10xi32>
  return %a, %c : tensor<3x10xi32>, tensor<3x10xi32>
}

// CHECK-LABEL: func.func @conv
// CHECK: %[[B:.*]] = lowbit.binarize %{{.*}} {axis = 1 : i64} : tensor<1x96x7x5x!quant.uniform<i8:f32, 1.000000e-01:-3>> -> tensor<1x7x5x2xi64>
// CHECK: lowbit.binary_conv2d %[[B]], %{{.*}}, %{{.*}} {channels = 96 : i64, dilations = array<i64: 1, 1>, pads = array<i64: 1, 0, 1, 2>, strides = array<i64: 2, 1>} : tensor<1x7x5x2xi64>, tensor<4x3x3x2xi64>, tensor<4xi32> -> tensor<1x4x4x5xi32>
func.func @conv(%x: tensor<1x96x7x5x!quant.uniform<i8:f32, 0.1:-3>>,
                %w: tensor<4x3x3x2xi64>, %b: tensor<4xi32>) -> tensor<1x4x4x5xi32> {
  %bits = lowbit.binarize %x {axis = 1 : i64} : tensor<1x96x7x5x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x7x5x2xi64>
  %y = lowbit.binary_conv2d %bits, %w, %b {channels = 96 : i64, strides = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 2>, dilations = array<i64: 1, 1>} : tensor<1x7x5x2xi64>, tensor<4x3x3x2xi64>, tensor<4xi32> -> tensor<1x4x4x5xi32>
  return %y : tensor<1x4x4x5xi32>
}

// A float input (x < 0 gives 1), packed along a middle axis.
// CHECK-LABEL: func.func @float_middle_axis
// CHECK: lowbit.binarize %{{.*}} {axis = 1 : i64} : tensor<2x65x3xf32> -> tensor<2x3x2xi64>
func.func @float_middle_axis(%x: tensor<2x65x3xf32>) -> tensor<2x3x2xi64> {
  %bits = lowbit.binarize %x {axis = 1 : i64} : tensor<2x65x3xf32> -> tensor<2x3x2xi64>
  return %bits : tensor<2x3x2xi64>
}

// CHECK-LABEL: func.func @threshold
// CHECK: lowbit.binarize_threshold %{{.*}} {axis = 1 : i64, thresholds = array<i64: -2147483648, 7, 2147483648>} : tensor<1x3x2x2xi32> -> tensor<1x2x2x1xi64>
func.func @threshold(%acc: tensor<1x3x2x2xi32>) -> tensor<1x2x2x1xi64> {
  %bits = lowbit.binarize_threshold %acc {axis = 1 : i64, thresholds = array<i64: -2147483648, 7, 2147483648>} : tensor<1x3x2x2xi32> -> tensor<1x2x2x1xi64>
  return %bits : tensor<1x2x2x1xi64>
}
