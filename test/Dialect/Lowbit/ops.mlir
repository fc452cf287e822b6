// RUN: lowbit-opt %s | FileCheck %s
// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s
// RUN: lowbit-opt %s --mlir-print-op-generic | lowbit-opt | FileCheck %s

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2x2x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>, tensor<2xi32>) {
  // CHECK: lowbit.constant dense<{{\[}}[1, -2], [3, 4]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
  %w = lowbit.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  // CHECK: lowbit.constant dense<[10, -3]> : tensor<2xi32> -> tensor<2xi32>
  %b = lowbit.constant dense<[10, -3]> : tensor<2xi32> -> tensor<2xi32>
  return %w, %b : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>, tensor<2xi32>
}

// CHECK-LABEL: func.func @fully_connected
// CHECK-SAME: (%[[X:.*]]: tensor<3x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, %[[W:.*]]: tensor<2x4x!quant.uniform<i8:f32:0, {{.*}}>>, %[[B:.*]]: tensor<2xi32>)
func.func @fully_connected(%x: tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, %w: tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>>, %b: tensor<2xi32>) -> (tensor<3x2xi32>, tensor<3x2xi32>) {
  // CHECK: lowbit.fully_connected %[[X]], %[[W]], %[[B]] : tensor<3x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {{.*}}>>, tensor<2xi32> -> tensor<3x2xi32>
  %0 = lowbit.fully_connected %x, %w, %b : tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>>, tensor<2xi32> -> tensor<3x2xi32>
  // CHECK: lowbit.fully_connected %[[X]], %[[W]] : tensor<3x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {{.*}}>> -> tensor<3x2xi32>
  %1 = lowbit.fully_connected %x, %w : tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>> -> tensor<3x2xi32>
  return %0, %1 : tensor<3x2xi32>, tensor<3x2xi32>
}

// CHECK-LABEL: func.func @requantize
func.func @requantize(%acc: tensor<3x2xi32>) -> (tensor<3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>, tensor<3x2x!quant.uniform<u8:f32, 1.000000e-01:7>>) {
  // CHECK: lowbit.requantize %{{.*}} multiplier [1518500250] shift [38] clamp [2, 127] : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>
  %0 = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [2, 127] : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 0.1:2>>
  // CHECK: lowbit.requantize %{{.*}} multiplier [1073741824, 2147483647] shift [1, 62] clamp [0, 255] rounding <double> : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<u8:f32, 1.000000e-01:7>>
  %1 = lowbit.requantize %acc multiplier [1073741824, 2147483647] shift [1, 62] clamp [0, 255] rounding <double> : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<u8:f32, 0.1:7>>
  return %0, %1 : tensor<3x2x!quant.uniform<i8:f32, 0.1:2>>, tensor<3x2x!quant.uniform<u8:f32, 0.1:7>>
}
