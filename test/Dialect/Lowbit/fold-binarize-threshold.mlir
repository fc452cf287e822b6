// RUN: lowbit-opt %s --lowbit-fold-binarize-threshold --split-input-file | FileCheck %s

// M = 2^30 * 2^-33 = 1/8, single rounding: q = floor((acc + 4) / 8) + 3,
// and q >= Z = 3 exactly when acc >= -4.
// CHECK-LABEL: func.func @per_tensor
// CHECK-SAME:    (%[[ACC:.*]]: tensor<1x8xi32>)
// CHECK-NOT:     lowbit.requantize
// CHECK:         lowbit.binarize_threshold %[[ACC]] {axis = 1 : i64, thresholds = array<i64: -4>} : tensor<1x8xi32> -> tensor<1x1xi64>
func.func @per_tensor(%acc: tensor<1x8xi32>) -> tensor<1x1xi64> {
  %q = lowbit.requantize %acc multiplier [1073741824] shift [33] clamp [-128, 127] : tensor<1x8xi32> -> tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>
  %b = lowbit.binarize %q {axis = 1 : i64} : tensor<1x8x!quant.uniform<i8:f32, 0.1:3>> -> tensor<1x1xi64>
  return %b : tensor<1x1xi64>
}

// -----

// Per channel along the binarized axis: 1/8 (acc >= -4); multiplier 0
// (q = Z always: +1, threshold -2^31); 1/2 (q = floor((acc + 1) / 2) + 3,
// acc >= -1). Double rounding: 1/8 with ties away from zero, -4 / 8 = -0.5
// rounds to -1, so acc >= -3.
// CHECK-LABEL: func.func @per_channel
// CHECK:         lowbit.binarize_threshold %{{.*}} {axis = 1 : i64, thresholds = array<i64: -4, -2147483648, -1>}
// CHECK-LABEL: func.func @double_rounding
// CHECK:         thresholds = array<i64: -3>
func.func @per_channel(%acc: tensor<1x3x2x2xi32>) -> tensor<1x2x2x1xi64> {
  %q = lowbit.requantize %acc multiplier [1073741824, 0, 1073741824] shift [33, 40, 31] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<1x3x2x2xi32> -> tensor<1x3x2x2x!quant.uniform<i8:f32, 0.1:3>>
  %b = lowbit.binarize %q {axis = 1 : i64} : tensor<1x3x2x2x!quant.uniform<i8:f32, 0.1:3>> -> tensor<1x2x2x1xi64>
  return %b : tensor<1x2x2x1xi64>
}
func.func @double_rounding(%acc: tensor<1x8xi32>) -> tensor<1x1xi64> {
  %q = lowbit.requantize %acc multiplier [1073741824] shift [33] clamp [-128, 127] rounding <double> : tensor<1x8xi32> -> tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>
  %b = lowbit.binarize %q {axis = 1 : i64} : tensor<1x8x!quant.uniform<i8:f32, 0.1:3>> -> tensor<1x1xi64>
  return %b : tensor<1x1xi64>
}

// -----

// A clamp that keeps q >= Z gives +1 everywhere (-2^31); one below Z gives
// -1 everywhere (2^31).
// CHECK-LABEL: func.func @clamped
// CHECK:         thresholds = array<i64: -2147483648>
// CHECK:         thresholds = array<i64: 2147483648>
func.func @clamped(%acc: tensor<1x8xi32>) -> (tensor<1x1xi64>, tensor<1x1xi64>) {
  %q = lowbit.requantize %acc multiplier [1073741824] shift [33] clamp [3, 127] : tensor<1x8xi32> -> tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>
  %b = lowbit.binarize %q {axis = 1 : i64} : tensor<1x8x!quant.uniform<i8:f32, 0.1:3>> -> tensor<1x1xi64>
  %r = lowbit.requantize %acc multiplier [1073741824] shift [33] clamp [-128, 2] : tensor<1x8xi32> -> tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>
  %c = lowbit.binarize %r {axis = 1 : i64} : tensor<1x8x!quant.uniform<i8:f32, 0.1:3>> -> tensor<1x1xi64>
  return %b, %c : tensor<1x1xi64>, tensor<1x1xi64>
}

// -----

// Not folded: the requantized values have another user; per-channel
// parameters along another axis than the binarized one.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-2: lowbit.requantize
// CHECK-NOT:     lowbit.binarize_threshold
func.func @kept(%acc: tensor<2x8xi32>) -> (tensor<2x1xi64>, tensor<2x8x!quant.uniform<i8:f32, 0.1:3>>, tensor<2x1xi64>) {
  %q = lowbit.requantize %acc multiplier [1073741824] shift [33] clamp [-128, 127] : tensor<2x8xi32> -> tensor<2x8x!quant.uniform<i8:f32, 0.1:3>>
  %b = lowbit.binarize %q {axis = 1 : i64} : tensor<2x8x!quant.uniform<i8:f32, 0.1:3>> -> tensor<2x1xi64>
  %r = lowbit.requantize %acc multiplier [1073741824, 1073741824] shift [33, 34] clamp [-128, 127] {channel_axis = 0 : i64} : tensor<2x8xi32> -> tensor<2x8x!quant.uniform<i8:f32, 0.1:3>>
  %c = lowbit.binarize %r {axis = 1 : i64} : tensor<2x8x!quant.uniform<i8:f32, 0.1:3>> -> tensor<2x1xi64>
  return %b, %q, %c : tensor<2x1xi64>, tensor<2x8x!quant.uniform<i8:f32, 0.1:3>>, tensor<2x1xi64>
}
