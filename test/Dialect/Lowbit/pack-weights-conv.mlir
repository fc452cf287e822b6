// RUN: lowbit-opt %s --lowbit-pack-weights=target-isa=avx512vnni --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=VNNI
// RUN: lowbit-opt %s --lowbit-pack-weights=target-isa=neon-dotprod --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=DOT
// RUN: lowbit-opt %s --lowbit-pack-weights=target-isa=avx2 --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-opt %s --lowbit-pack-weights --split-input-file | FileCheck %s --check-prefix=GENERIC

// A 2x2 conv2d, stride [1, 2], pad 1, of a uint8 input [1, 3, 3, 5] (Zx = 3)
// with C = 3 channels, F = 2 filters, per-axis int8 weights with Zw = {0, 1}:
//   w[0] = c0 [[1, 2], [3, 4]], c1 [[5, 6], [7, 8]], c2 [[-1, -2], [-3, -4]]
//   w[1] = all 1.
// K = (kh, kw, c) with C padded to Cp = 4 (a multiple of G = 4, or 2 for
// avx2): K = 2 * 2 * 4 = 16, packed tap by tap, the padded channel 0:
//   f0: tap (0,0) [1, 5, -1, 0], (0,1) [2, 6, -2, 0], (1,0) [3, 7, -3, 0],
//       (1,1) [4, 8, -4, 0]; column sum 26.  f1: [1, 1, 1, 0] per tap, 12.
// avx512vnni and avx2 (dx = 0, Ax = 3), over all K = 16 positions (the
// kernel reads Zx at padded positions):
//   bias'[0] = 10 - 3*26 + 16*3*0 = -68, bias'[1] = -4 - 3*12 + 16*3*1 = 8.
// neon-dotprod (dx = 128, Ax = -125):
//   bias'[0] = 10 + 125*26 = 3260, bias'[1] = -4 + 125*12 + 48 = 1544.
// row_sum_weights = Zw = [0, 1]. packed_conv2d is NHWC: the input
// transposed to [1, 3, 5, 3], its result [1, OH, OW, F] = [1, 4, 3, 2]
// transposed back to [1, 2, 4, 3].

// VNNI-LABEL: func.func @conv2x2
// VNNI-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 5, -1, 0, 1, 1, 1, 0, 0,
// VNNI-SAME: {{\[}}2, 6, -2, 0, 1, 1, 1, 0, 0,
// VNNI-SAME: {{\[}}3, 7, -3, 0, 1, 1, 1, 0, 0,
// VNNI-SAME: {{\[}}4, 8, -4, 0, 1, 1, 1, 0, 0,
// VNNI-SAME: tensor<1x4x64xi8>
// VNNI-DAG: %[[B:.*]] = arith.constant dense<[-68, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// VNNI-DAG: %[[Z:.*]] = arith.constant dense<[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// VNNI: %[[X:.*]] = lowbit.transpose %arg0 permutation [0, 2, 3, 1] : tensor<1x3x3x5x!quant.uniform<u8:f32, 5.000000e-02:3>> -> tensor<1x3x5x3x!quant.uniform<u8:f32, 5.000000e-02:3>>
// VNNI: %[[Y:.*]] = lowbit.packed_conv2d <avx512vnni> %[[X]], %[[W]], %[[B]] row_sums %[[Z]] kernel [2, 2] strides [1, 2] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1073741824, 1518500250] shift [38, 38] clamp [-128, 127] : tensor<1x3x5x3x!quant.uniform<u8:f32, 5.000000e-02:3>>, tensor<1x4x64xi8>, tensor<16xi32>, tensor<16xi32> -> tensor<1x4x3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>
// VNNI: %[[R:.*]] = lowbit.transpose %[[Y]] permutation [0, 3, 1, 2] : tensor<1x4x3x2x!quant.uniform<i8:f32, 1.000000e-01:2>> -> tensor<1x2x4x3x!quant.uniform<i8:f32, 1.000000e-01:2>>
// VNNI: return %[[R]]
// VNNI-NOT: lowbit.conv2d
// VNNI-NOT: lowbit.requantize

// AVX2-LABEL: func.func @conv2x2
// AVX2-DAG: arith.constant dense<{{\[\[\[}}1, 5, 1, 1, 0, 0,
// AVX2-SAME: {{\[}}-1, 0, 1, 0, 0, 0,
// AVX2-SAME: tensor<1x8x32xi8>
// AVX2-DAG: arith.constant dense<[-68, 8, 0, {{.*}}]> : tensor<16xi32>
// AVX2: lowbit.packed_conv2d <avx2>

// DOT-LABEL: func.func @conv2x2
// DOT-DAG: arith.constant dense<[3260, 1544, 0, {{.*}}]> : tensor<16xi32>
// DOT: lowbit.packed_conv2d <neon_dotprod>

// GENERIC-LABEL: func.func @conv2x2
// GENERIC: lowbit.conv2d
// GENERIC: lowbit.requantize
func.func @conv2x2(%x: tensor<1x3x3x5x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x4x3x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.constant dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[-1, -2], [-3, -4]]], [[[1, 1], [1, 1]], [[1, 1], [1, 1]], [[1, 1], [1, 1]]]]> : tensor<2x3x2x2xi8> -> tensor<2x3x2x2x!quant.uniform<i8:f32:0, {0.5:0, 0.25:1}>>
  %b = lowbit.constant dense<[10, -4]> : tensor<2xi32> -> tensor<2xi32>
  %acc = lowbit.conv2d %x, %w, %b {strides = array<i64: 1, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x3x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x2x2x!quant.uniform<i8:f32:0, {0.5:0, 0.25:1}>>, tensor<2xi32> -> tensor<1x2x4x3xi32>
  %y = lowbit.requantize %acc multiplier [1073741824, 1518500250] shift [38, 38] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<1x2x4x3xi32> -> tensor<1x2x4x3x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x4x3x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// Coded (1-bit) weights of a strided 1x1 conv2d with C = 3: Cp is a
// multiple of G * P = 4 * 8 = 32 (avx512vnni), so the 8 groups of the one
// tap share one byte per lane. Codes [1, 0, 1] and [1, 1, 0] (weights
// [1, -1, 1] and [1, 1, -1]); the 29 padded channels hold code 0, weight
// table[0] = -1, which the bias counts: column sums 1 - 29 = -28 for both,
// bias' = b - 3 * (-28) = [7 + 84, -7 + 84] = [91, 77].
// VNNI-LABEL: func.func @coded_strided_1x1
// VNNI-DAG: arith.constant dense<{{\[\[\[}}1, 0, 1, 0, 1, 1, 0, 0, 0, 0, {{.*}}]]]> : tensor<1x1x64xi8>
// VNNI-DAG: arith.constant dense<[91, 77, 0, {{.*}}]> : tensor<16xi32>
// VNNI: lowbit.packed_conv2d <avx512vnni> {{.*}} codes 1 table [-1, 1] kernel [1, 1] strides [2, 2] pads [0, 0, 0, 0]
// The pointwise conv2d (stride 1) keeps the fully-connected path.
// VNNI-LABEL: func.func @pointwise_stays_fc
// VNNI: lowbit.packed_fully_connected
// VNNI-NOT: lowbit.packed_conv2d
func.func @coded_strided_1x1(%x: tensor<1x3x3x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.coded_constant dense<[[5], [3]]> : tensor<2x1xi8> bits 1 table [-1, 1] -> tensor<2x3x1x1x!quant.uniform<i8<-1:1>:f32, 0.5>>
  %b = lowbit.constant dense<[7, -7]> : tensor<2xi32> -> tensor<2xi32>
  %acc = lowbit.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x3x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x1x1x!quant.uniform<i8<-1:1>:f32, 0.5>>, tensor<2xi32> -> tensor<1x2x2x2xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [38] clamp [-128, 127] : tensor<1x2x2x2xi32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.1:2>>
}

func.func @pointwise_stays_fc(%x: tensor<1x3x3x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.coded_constant dense<[[5], [3]]> : tensor<2x1xi8> bits 1 table [-1, 1] -> tensor<2x3x1x1x!quant.uniform<i8<-1:1>:f32, 0.5>>
  %acc = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x3x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x1x1x!quant.uniform<i8<-1:1>:f32, 0.5>> -> tensor<1x2x3x3xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [38] clamp [-128, 127] : tensor<1x2x3x3xi32> -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// Not packed: two groups of two channels (neither one group nor
// depthwise, which is another kernel's), an accumulator with another user,
// and a batch of two images.
// VNNI-LABEL: func.func @grouped
// VNNI: lowbit.conv2d
// VNNI-LABEL: func.func @two_users
// VNNI: lowbit.conv2d
// VNNI-LABEL: func.func @batch
// VNNI: lowbit.conv2d
// VNNI-NOT: lowbit.packed_conv2d
func.func @grouped(%x: tensor<1x4x3x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.constant dense<1> : tensor<2x2x3x3xi8> -> tensor<2x2x3x3x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x4x3x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x2x3x3x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x3x3xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [38] clamp [-128, 127] : tensor<1x2x3x3xi32> -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>>
}

func.func @two_users(%x: tensor<1x2x3x3x!quant.uniform<u8:f32, 0.05:3>>) -> (tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>>, tensor<1x2x3x3xi32>) {
  %w = lowbit.constant dense<1> : tensor<2x2x3x3xi8> -> tensor<2x2x3x3x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x3x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x2x3x3x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x3x3xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [38] clamp [-128, 127] : tensor<1x2x3x3xi32> -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>>
  return %y, %acc : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1:2>>, tensor<1x2x3x3xi32>
}

func.func @batch(%x: tensor<2x2x3x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<2x2x3x3x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.constant dense<1> : tensor<2x2x3x3xi8> -> tensor<2x2x3x3x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<2x2x3x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x2x3x3x!quant.uniform<i8:f32, 0.5>> -> tensor<2x2x3x3xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [38] clamp [-128, 127] : tensor<2x2x3x3xi32> -> tensor<2x2x3x3x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<2x2x3x3x!quant.uniform<i8:f32, 0.1:2>>
}
