// RUN: lowbit-opt %s --lowbit-fold-requantize-chain --split-input-file | FileCheck %s

// A ReLU layer output (M1 = 0.5, clamp [10, 255] = ReLU at Z = 10) rescaled
// to the type of an Add (M2 = 0.5): one requantize with M1 * M2 = 0.25. The
// ReLU bound carries over as 20 + round(0.5 * (10 - 10)) = 20, the storage
// top as 20 + round(0.5 * 245) = 143.
// CHECK-LABEL: func.func @relu_then_rescale
// CHECK: %[[Y:.*]] = lowbit.requantize %arg0 multiplier [1073741824] shift [32] clamp [20, 143] : tensor<4xi32> -> tensor<4x!quant.uniform<u8:f32, 6.000000e-02:20>>
// CHECK-NEXT: return %[[Y]]
func.func @relu_then_rescale(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<u8:f32, 0.06:20>> {
  %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [10, 255] : tensor<4xi32> -> tensor<4x!quant.uniform<u8:f32, 0.03:10>>
  %r = lowbit.requantize %y multiplier [1073741824] shift [31] clamp [0, 255] : tensor<4x!quant.uniform<u8:f32, 0.03:10>> -> tensor<4x!quant.uniform<u8:f32, 0.06:20>>
  return %r : tensor<4x!quant.uniform<u8:f32, 0.06:20>>
}

// -----

// A per-channel convolution requantize (channel axis 1) rescaled per tensor
// by 0.75: per channel 0.5 * 0.75 = 0.375 and 0.25 * 0.75 = 0.1875, the
// channel axis kept. The inner storage range [-128, 127] carried over,
// [round(0.75 * -128), round(0.75 * 127)] = [-96, 95], is tighter than the
// outer clamp [-100, 100].
// CHECK-LABEL: func.func @per_channel
// CHECK: lowbit.requantize %arg0 multiplier [1610612736, 1610612736] shift [32, 33] clamp [-96, 95] {channel_axis = 1 : i64} : tensor<1x2x3x3xi32> -> tensor<1x2x3x3x!quant.uniform<i8:f32, 4.000000e-02>>
// CHECK-NOT: lowbit.requantize
func.func @per_channel(%acc: tensor<1x2x3x3xi32>) -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.04>> {
  %y = lowbit.requantize %acc multiplier [1073741824, 1073741824] shift [31, 32] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<1x2x3x3xi32> -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.03>>
  %r = lowbit.requantize %y multiplier [1610612736] shift [31] clamp [-100, 100] : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.03>> -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.04>>
  return %r : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.04>>
}

// -----

// Two rescales of a quantized value become one rescale of that value.
// CHECK-LABEL: func.func @rescale_twice
// CHECK: lowbit.requantize %arg0 multiplier [1073741824] shift [30] clamp [-128, 127] : tensor<4x!quant.uniform<i8:f32, 1.000000e-01:3>> -> tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-5>>
// CHECK-NOT: lowbit.requantize
func.func @rescale_twice(%x: tensor<4x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.1:-5>> {
  %y = lowbit.requantize %x multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<4x!quant.uniform<i8:f32, 0.1:3>> -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  %r = lowbit.requantize %y multiplier [1073741824] shift [29] clamp [-128, 127] : tensor<4x!quant.uniform<i8:f32, 0.2>> -> tensor<4x!quant.uniform<i8:f32, 0.1:-5>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.1:-5>>
}

// -----

// The inner value has another user: both stay.
// CHECK-LABEL: func.func @shared
// CHECK-COUNT-2: lowbit.requantize
func.func @shared(%acc: tensor<4xi32>) -> (tensor<4x!quant.uniform<u8:f32, 0.03:10>>, tensor<4x!quant.uniform<u8:f32, 0.06:20>>) {
  %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [10, 255] : tensor<4xi32> -> tensor<4x!quant.uniform<u8:f32, 0.03:10>>
  %r = lowbit.requantize %y multiplier [1073741824] shift [31] clamp [0, 255] : tensor<4x!quant.uniform<u8:f32, 0.03:10>> -> tensor<4x!quant.uniform<u8:f32, 0.06:20>>
  return %y, %r : tensor<4x!quant.uniform<u8:f32, 0.03:10>>, tensor<4x!quant.uniform<u8:f32, 0.06:20>>
}

// -----

// Different rounding modes: the contract of each op would be lost, both stay.
// CHECK-LABEL: func.func @rounding_differs
// CHECK: rounding <double>
// CHECK: lowbit.requantize %{{.*}} multiplier [1073741824] shift [31] clamp [0, 255] :
func.func @rounding_differs(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<u8:f32, 0.06:20>> {
  %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [10, 255] rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<u8:f32, 0.03:10>>
  %r = lowbit.requantize %y multiplier [1073741824] shift [31] clamp [0, 255] : tensor<4x!quant.uniform<u8:f32, 0.03:10>> -> tensor<4x!quant.uniform<u8:f32, 0.06:20>>
  return %r : tensor<4x!quant.uniform<u8:f32, 0.06:20>>
}

// -----

// The inner clamp carried into the outer type misses the outer range
// (ReLU output >= 20 + round(0.5 * 0) = 20, outer clamp at most 15): no
// fold, the ops keep their own (constant) result.
// CHECK-LABEL: func.func @empty_range
// CHECK-COUNT-2: lowbit.requantize
func.func @empty_range(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<u8:f32, 0.06:20>> {
  %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [10, 255] : tensor<4xi32> -> tensor<4x!quant.uniform<u8:f32, 0.03:10>>
  %r = lowbit.requantize %y multiplier [1073741824] shift [31] clamp [0, 15] : tensor<4x!quant.uniform<u8:f32, 0.03:10>> -> tensor<4x!quant.uniform<u8:f32, 0.06:20>>
  return %r : tensor<4x!quant.uniform<u8:f32, 0.06:20>>
}
