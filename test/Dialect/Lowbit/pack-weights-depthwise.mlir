// RUN: lowbit-opt %s --lowbit-pack-weights=target-isa=avx512vnni --split-input-file | FileCheck %s --check-prefixes=CHECK,VNNI
// RUN: lowbit-opt %s --lowbit-pack-weights=target-isa=neon --split-input-file | FileCheck %s --check-prefixes=CHECK,NEON
// RUN: lowbit-opt %s --lowbit-pack-weights --split-input-file | FileCheck %s --check-prefix=GENERIC

// int8 weights, uint8 input (Zx = 3), per-channel requantize along axis 1.
// Folded bias: 10 - 3 * (1 + 2 + 3 + 4) = -20, -20 - 3 * (-1 + 0 + 5 - 2) = -26.

// CHECK-LABEL: func.func @depthwise_int8
// The weights as [KH, KW, F]: tap (0, 0) of both channels is [1, -1].
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, -1], [2, 0]], {{\[\[}}3, 5], [4, -2]]]> : tensor<2x2x2xi8>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-20, -26]> : tensor<2xi32>
// CHECK:         %[[X:.*]] = lowbit.transpose %arg0 permutation [0, 2, 3, 1] : tensor<1x2x5x6x!quant.uniform<u8:f32, 5.000000e-02:3>> -> tensor<1x5x6x2x!quant.uniform<u8:f32, 5.000000e-02:3>>
// VNNI:          %[[Y:.*]] = lowbit.packed_depthwise_conv2d <avx512vnni>
// NEON:          %[[Y:.*]] = lowbit.packed_depthwise_conv2d <neon>
// CHECK-SAME:      %[[X]], %[[W]], %[[B]] strides [2, 1] pads [1, 0, 0, 1] dilations [1, 2] multiplier [1073741824, 1200000000] shift [33, 34] clamp [-128, 100] : tensor<1x5x6x2x!quant.uniform<u8:f32, 5.000000e-02:3>>, tensor<2x2x2xi8>, tensor<2xi32> -> tensor<1x3x5x2x!quant.uniform<i8:f32, 1.000000e-01:-2>>
// CHECK:         %[[T:.*]] = lowbit.transpose %[[Y]] permutation [0, 3, 1, 2] : tensor<1x3x5x2x!quant.uniform<i8:f32, 1.000000e-01:-2>> -> tensor<1x2x3x5x!quant.uniform<i8:f32, 1.000000e-01:-2>>
// CHECK-NOT:     lowbit.conv2d
// CHECK:         return %[[T]]
// GENERIC-LABEL: func.func @depthwise_int8
// GENERIC:         lowbit.conv2d
// GENERIC-NOT:     lowbit.packed_depthwise_conv2d
func.func @depthwise_int8(%x: tensor<1x2x5x6x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x3x5x!quant.uniform<i8:f32, 0.1:-2>> {
  %w = lowbit.constant dense<[[[[1, 2], [3, 4]]], [[[-1, 0], [5, -2]]]]> : tensor<2x1x2x2xi8> -> tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %b = lowbit.constant dense<[10, -20]> : tensor<2xi32> -> tensor<2xi32>
  %acc = lowbit.conv2d %x, %w, %b {strides = array<i64: 2, 1>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 1, 2>, group = 2 : i64} : tensor<1x2x5x6x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, tensor<2xi32> -> tensor<1x2x3x5xi32>
  %y = lowbit.requantize %acc multiplier [1073741824, 1200000000] shift [33, 34] clamp [-128, 100] {channel_axis = 1 : i64} : tensor<1x2x3x5xi32> -> tensor<1x2x3x5x!quant.uniform<i8:f32, 0.1:-2>>
  return %y : tensor<1x2x3x5x!quant.uniform<i8:f32, 0.1:-2>>
}

// -----

// uint8 weights with Z_w = 130 and no bias, int8 input (Zx = -5): weights
// stored minus 128, weight_offsets = 130 - 128 = 2, w - Z_w sums to -2 and
// -4, so the bias is -(-5)(-2) = -10 and -(-5)(-4) = -20.

// CHECK-LABEL: func.func @depthwise_uint8
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[\[}}0, 127], [2, -128]], {{\[\[}}12, 2], [-8, 3]]]> : tensor<2x2x2xi8>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-10, -20]> : tensor<2xi32>
// CHECK-DAG:     %[[O:.*]] = arith.constant dense<2> : tensor<2xi32>
// CHECK:         %[[X:.*]] = lowbit.transpose %arg0 permutation [0, 2, 3, 1] : {{.*}} -> tensor<1x3x3x2x!quant.uniform<i8:f32, 5.000000e-02:-5>>
// CHECK:         lowbit.packed_depthwise_conv2d <{{avx512vnni|neon}}> %[[X]], %[[W]], %[[B]] weight_offsets %[[O]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1073741824] shift [35] clamp [0, 255] : {{.*}}, tensor<2x2x2xi8>, tensor<2xi32>, tensor<2xi32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 2.000000e-01:100>>
func.func @depthwise_uint8(%x: tensor<1x2x3x3x!quant.uniform<i8:f32, 0.05:-5>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:100>> {
  %w = lowbit.constant dense<[[[[-128, -126], [-116, 120]]], [[[-1, 0], [-126, -125]]]]> : tensor<2x1x2x2xi8> -> tensor<2x1x2x2x!quant.uniform<u8:f32, 0.01:130>>
  %acc = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.05:-5>>, tensor<2x1x2x2x!quant.uniform<u8:f32, 0.01:130>> -> tensor<1x2x2x2xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [35] clamp [0, 255] : tensor<1x2x2x2xi32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:100>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:100>>
}

// -----

// Channel multiplier 2 (F = 4, group = C = 2) from coded (ternary) weights,
// decoded: [1, -1], [0, 1], [-1, -1], [1, 0] (one row of 2 taps each).
// Bias: -(7)(0), -(7)(1), -(7)(-2), -(7)(1).

// CHECK-LABEL: func.func @multiplier_coded
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 0, -1, 1], [-1, 1, -1, 0]]]> : tensor<1x2x4xi8>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[0, -7, 14, -7]> : tensor<4xi32>
// CHECK:         %[[X:.*]] = lowbit.transpose %arg0 permutation [0, 2, 3, 1] : {{.*}} -> tensor<1x2x3x2x!quant.uniform<u8:f32, 5.000000e-02:7>>
// CHECK:         %[[Y:.*]] = lowbit.packed_depthwise_conv2d <{{avx512vnni|neon}}> %[[X]], %[[W]], %[[B]] strides
// CHECK-SAME:      -> tensor<1x2x2x4x
// CHECK:         lowbit.transpose %[[Y]] permutation [0, 3, 1, 2] : {{.*}} -> tensor<1x4x2x2x
func.func @multiplier_coded(%x: tensor<1x2x2x3x!quant.uniform<u8:f32, 0.05:7>>) -> tensor<1x4x2x2x!quant.uniform<u8:f32, 0.2:100>> {
  // Codes (2 bits, one byte per row): table [-1, 0, 1, 0].
  %w = lowbit.coded_constant dense<[[2], [9], [0], [6]]> : tensor<4x1xi8> bits 2 table [-1, 0, 1, 0] -> tensor<4x1x1x2x!quant.uniform<i8<-1:1>:f32:0, {0.1, 0.1, 0.1, 0.1}>>
  %acc = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x2x3x!quant.uniform<u8:f32, 0.05:7>>, tensor<4x1x1x2x!quant.uniform<i8<-1:1>:f32:0, {0.1, 0.1, 0.1, 0.1}>> -> tensor<1x4x2x2xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [35] clamp [0, 255] : tensor<1x4x2x2xi32> -> tensor<1x4x2x2x!quant.uniform<u8:f32, 0.2:100>>
  return %y : tensor<1x4x2x2x!quant.uniform<u8:f32, 0.2:100>>
}

// -----

// Not depthwise: one group (an ordinary convolution) and one channel are
// the implicit-GEMM kernel's (packed_conv2d); left alone: an accumulator
// with another use, per-channel requantize along another axis, weights that
// are not constant, more than 64 taps (9x9).

// CHECK-LABEL: func.func @not_depthwise
// CHECK-NOT:     lowbit.packed_depthwise_conv2d
// CHECK-COUNT-2: lowbit.packed_conv2d
// CHECK-COUNT-4: lowbit.conv2d
// CHECK-NOT:     lowbit.packed_depthwise_conv2d
func.func @not_depthwise(%x: tensor<1x2x9x9x!quant.uniform<u8:f32, 0.05:3>>, %x1: tensor<1x1x9x9x!quant.uniform<u8:f32, 0.05:3>>, %wv: tensor<2x1x3x3x!quant.uniform<i8:f32, 0.01>>) -> (tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x7x7xi32>, tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x1x1x!quant.uniform<u8:f32, 0.2:100>>) {
  %w = lowbit.constant dense<1> : tensor<2x1x3x3xi8> -> tensor<2x1x3x3x!quant.uniform<i8:f32, 0.01>>
  %w2 = lowbit.constant dense<1> : tensor<2x2x3x3xi8> -> tensor<2x2x3x3x!quant.uniform<i8:f32, 0.01>>
  %a0 = lowbit.conv2d %x, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x9x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x2x3x3x!quant.uniform<i8:f32, 0.01>> -> tensor<1x2x7x7xi32>
  %y0 = lowbit.requantize %a0 multiplier [1073741824] shift [35] clamp [0, 255] : tensor<1x2x7x7xi32> -> tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>
  %a1 = lowbit.conv2d %x1, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x9x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x1x3x3x!quant.uniform<i8:f32, 0.01>> -> tensor<1x2x7x7xi32>
  %y1 = lowbit.requantize %a1 multiplier [1073741824] shift [35] clamp [0, 255] : tensor<1x2x7x7xi32> -> tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>
  %a2 = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x9x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x1x3x3x!quant.uniform<i8:f32, 0.01>> -> tensor<1x2x7x7xi32>
  %y2 = lowbit.requantize %a2 multiplier [1073741824] shift [35] clamp [0, 255] : tensor<1x2x7x7xi32> -> tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>
  %a3 = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x9x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x1x3x3x!quant.uniform<i8:f32, 0.01>> -> tensor<1x2x7x7xi32>
  %y3 = lowbit.requantize %a3 multiplier [1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824] shift [35, 35, 35, 35, 35, 35, 35] clamp [0, 255] {channel_axis = 3 : i64} : tensor<1x2x7x7xi32> -> tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>
  %a4 = lowbit.conv2d %x, %wv {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x9x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x1x3x3x!quant.uniform<i8:f32, 0.01>> -> tensor<1x2x7x7xi32>
  %y4 = lowbit.requantize %a4 multiplier [1073741824] shift [35] clamp [0, 255] : tensor<1x2x7x7xi32> -> tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>
  %w9 = lowbit.constant dense<1> : tensor<2x1x9x9xi8> -> tensor<2x1x9x9x!quant.uniform<i8:f32, 0.01>>
  %a5 = lowbit.conv2d %x, %w9 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x9x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x1x9x9x!quant.uniform<i8:f32, 0.01>> -> tensor<1x2x1x1xi32>
  %y5 = lowbit.requantize %a5 multiplier [1073741824] shift [35] clamp [0, 255] : tensor<1x2x1x1xi32> -> tensor<1x2x1x1x!quant.uniform<u8:f32, 0.2:100>>
  return %y0, %y1, %y2, %a2, %y3, %y4, %y5 : tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x7x7xi32>, tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x7x7x!quant.uniform<u8:f32, 0.2:100>>, tensor<1x2x1x1x!quant.uniform<u8:f32, 0.2:100>>
}
