// RUN: lowbit-opt %s --lowbit-pack-weights=target-isa=avx512vnni --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=VNNI
// RUN: lowbit-opt %s --lowbit-pack-weights=target-isa=neon-dotprod --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=DOT
// RUN: lowbit-opt %s --lowbit-pack-weights=target-isa=avx2 --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-opt %s --lowbit-pack-weights --split-input-file | FileCheck %s --check-prefix=GENERIC
// RUN: not lowbit-opt %s --lowbit-pack-weights=target-isa=sse 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: unknown target-isa 'sse'

// uint8 input (Zx = 3), K = 5, N = 2, per-axis int8 weights with Zw = {0, 2}.
//   w = [[1, -2, 3, 0, 5], [2, 2, 2, 2, 2]], column sums 7 and 10.
// avx512vnni and avx2 take uint8 as it is (dx = 0, Ax = 3):
//   bias'[0] = 10 - 3*7 + 5*3*0 = -11, bias'[1] = -4 - 3*10 + 5*3*2 = -4.
// neon-dotprod flips uint8 to int8 (dx = 128, Ax = 3 - 128 = -125):
//   bias'[0] = 10 + 125*7 = 885, bias'[1] = -4 + 1250 + 30 = 1276.
// row_sum_weights = Zw - 0 = [0, 2].
// Packed: [block][group of 4 (2 for avx2)][channel][k], zero padded.

// GENERIC-LABEL: func.func @u8_per_axis
// GENERIC: lowbit.fully_connected
// GENERIC: lowbit.requantize

// VNNI-LABEL: func.func @u8_per_axis
// VNNI-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, -2, 3, 0, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [5, 0, 0, 0, 2, 0, 0, 0, 0, {{.*}}]]]> : tensor<1x2x64xi8>
// VNNI-DAG: %[[B:.*]] = arith.constant dense<[-11, -4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// VNNI-DAG: %[[Z:.*]] = arith.constant dense<[0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// VNNI: lowbit.packed_fully_connected <avx512vnni> %arg0, %[[W]], %[[B]] row_sums %[[Z]] multiplier [1518500250] shift [38] clamp [-128, 127]
// VNNI-NOT: lowbit.fully_connected

// DOT-LABEL: func.func @u8_per_axis
// DOT-DAG: arith.constant dense<[885, 1276, 0, {{.*}}]> : tensor<16xi32>
// DOT: lowbit.packed_fully_connected <neon_dotprod>

// AVX2-LABEL: func.func @u8_per_axis
// AVX2-DAG: arith.constant dense<{{\[\[\[}}1, -2, 2, 2, 0, {{.*}}], [3, 0, 2, 2, 0, {{.*}}], [5, 0, 2, 0, 0, {{.*}}]]]> : tensor<1x3x32xi8>
// AVX2-DAG: arith.constant dense<[-11, -4, 0, {{.*}}]> : tensor<16xi32>
// AVX2: lowbit.packed_fully_connected <avx2>
func.func @u8_per_axis(%x: tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.constant dense<[[1, -2, 3, 0, 5], [2, 2, 2, 2, 2]]> : tensor<2x5xi8> -> tensor<2x5x!quant.uniform<i8:f32:0, {0.01, 0.02:2}>>
  %b = lowbit.constant dense<[10, -4]> : tensor<2xi32> -> tensor<2xi32>
  %acc = lowbit.fully_connected %x, %w, %b : tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x5x!quant.uniform<i8:f32:0, {0.01, 0.02:2}>>, tensor<2xi32> -> tensor<1x2xi32>
  %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<1x2xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// int8 input (Zx = -1), uint8 weights with Zw = 128 (symmetric: dw = 128,
// Bw = 0, no row sums), w - 128 = [[-1, 1, 2]]; no bias.
// avx512vnni flips int8 to uint8: dx = -128, Ax = -1 + 128 = 127:
//   bias' = 0 - 127 * (-1 + 1 + 2) = -254.
// neon-dotprod and avx2: dx = 0, Ax = -1: bias' = 2.

// VNNI-LABEL: func.func @i8_u8_weights
// VNNI-DAG: arith.constant dense<{{\[\[\[}}-1, 1, 2, 0, 0, {{.*}}]]]> : tensor<1x1x64xi8>
// VNNI-DAG: arith.constant dense<[-254, 0, {{.*}}]> : tensor<16xi32>
// VNNI-NOT: row_sums
// VNNI: lowbit.packed_fully_connected <avx512vnni> {{.*}} rounding <double>
// DOT-LABEL: func.func @i8_u8_weights
// DOT-DAG: arith.constant dense<[2, 0, {{.*}}]> : tensor<16xi32>
// AVX2-LABEL: func.func @i8_u8_weights
// AVX2-DAG: arith.constant dense<[2, 0, {{.*}}]> : tensor<16xi32>
func.func @i8_u8_weights(%x: tensor<4x3x!quant.uniform<i8:f32, 0.05:-1>>) -> tensor<4x1x!quant.uniform<u8:f32, 0.1:2>> {
  %w = lowbit.constant dense<[[127, 129, 130]]> : tensor<1x3xi8> -> tensor<1x3x!quant.uniform<u8:f32, 0.01:128>>
  %acc = lowbit.fully_connected %x, %w : tensor<4x3x!quant.uniform<i8:f32, 0.05:-1>>, tensor<1x3x!quant.uniform<u8:f32, 0.01:128>> -> tensor<4x1xi32>
  %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [0, 255] rounding <double> : tensor<4x1xi32> -> tensor<4x1x!quant.uniform<u8:f32, 0.1:2>>
  return %y : tensor<4x1x!quant.uniform<u8:f32, 0.1:2>>
}

// -----

// Not packed: the accumulator has another use; 16-bit input storage.

// VNNI-LABEL: func.func @not_packed
// VNNI-NOT: lowbit.packed_fully_connected
func.func @not_packed(%x: tensor<1x2x!quant.uniform<i8:f32, 0.05>>, %x16: tensor<1x2x!quant.uniform<i16:f32, 0.05>>) -> (tensor<1x1x!quant.uniform<i8:f32, 0.1>>, tensor<1x1xi32>, tensor<1x1x!quant.uniform<i8:f32, 0.1>>) {
  %w = lowbit.constant dense<[[1, 2]]> : tensor<1x2xi8> -> tensor<1x2x!quant.uniform<i8:f32, 0.01>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32, 0.05>>, tensor<1x2x!quant.uniform<i8:f32, 0.01>> -> tensor<1x1xi32>
  %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<1x1xi32> -> tensor<1x1x!quant.uniform<i8:f32, 0.1>>
  %acc16 = lowbit.fully_connected %x16, %w : tensor<1x2x!quant.uniform<i16:f32, 0.05>>, tensor<1x2x!quant.uniform<i8:f32, 0.01>> -> tensor<1x1xi32>
  %y16 = lowbit.requantize %acc16 multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<1x1xi32> -> tensor<1x1x!quant.uniform<i8:f32, 0.1>>
  return %y, %acc, %y16 : tensor<1x1x!quant.uniform<i8:f32, 0.1>>, tensor<1x1xi32>, tensor<1x1x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Coded weights (lowbit-bitpack-weights, binary: table [-1, 1]), K = 9:
// three groups of 4 share one byte per lane, group i at bit i. Row 0 is
// 1 -1 1 -1 | 1 1 1 1 | -1 (codes 1 0 1 0 | 1 1 1 1 | 0), row 1 all -1
// (codes 0). Lane c * 4 + g of row 0: g=0: 1 | 1<<1 | 0<<2 = 3, g=1: 0 | 1<<1
// = 2, g=2: 3, g=3: 2. The table is kept (int8 weights: dw = 0); the bias
// folds Ax = 3 with the decoded column sums 3 and -9: [-9, 27].
// VNNI-LABEL: func.func @coded_binary
// VNNI-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[}}3, 2, 3, 2, 0, 0, {{.*}}]]]> : tensor<1x1x64xi8>
// VNNI-DAG: %[[B:.*]] = arith.constant dense<[-9, 27, 0, {{.*}}]> : tensor<16xi32>
// VNNI: lowbit.packed_fully_connected <avx512vnni> %arg0, %[[W]], %[[B]] codes 1 table [-1, 1] multiplier
// AVX2 (groups of 2): five groups in one byte; lane c * 2 + g of row 0:
// g=0: codes of k = 0, 2, 4, 6, 8 = 1 1 1 1 0 -> 15, g=1: k = 1, 3, 5, 7 =
// 0 0 1 1 -> 12.
// AVX2-LABEL: func.func @coded_binary
// AVX2-DAG: arith.constant dense<{{\[\[\[}}15, 12, 0, {{.*}}]]]> : tensor<1x1x32xi8>
// AVX2: lowbit.packed_fully_connected <avx2> {{.*}} codes 1 table [-1, 1]
// GENERIC-LABEL: func.func @coded_binary
// GENERIC: lowbit.fully_connected
func.func @coded_binary(%x: tensor<1x9x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.coded_constant dense<[[-11, 0], [0, 0]]> : tensor<2x2xi8> bits 1 table [-1, 1] -> tensor<2x9x!quant.uniform<i8<-1:1>:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x9x!quant.uniform<i8<-1:1>:f32, 0.5>> -> tensor<1x2xi32>
  %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<1x2xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// uint8 coded weights (Zw = 128): the table holds w - 128.
// VNNI-LABEL: func.func @coded_uint8
// VNNI: lowbit.packed_fully_connected <avx512vnni> {{.*}} codes 1 table [-128, 127]
func.func @coded_uint8(%x: tensor<1x2x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.coded_constant dense<[[2], [1]]> : tensor<2x1xi8> bits 1 table [0, -1] -> tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x2x!quant.uniform<u8:f32, 0.5:128>> -> tensor<1x2xi32>
  %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<1x2xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// A pointwise conv2d (1x1, stride 1, no pads, one group, one image) is a
// fully-connected layer over the H * W = 6 pixels: NCHW -> NHWC -> [6, C],
// the packed kernel with the conv's weights [F, C, 1, 1] as [F, C] (here
// coded) and bias, then back to NCHW. The per-channel requantize along
// channel_axis = 1 becomes the kernel's per-channel (innermost) one.
// VNNI-LABEL: func.func @pointwise_conv
// VNNI: %[[T:.*]] = lowbit.transpose %arg0 permutation [0, 2, 3, 1] : tensor<1x3x2x3x!quant.uniform<u8:f32, 5.000000e-02:3>> -> tensor<1x2x3x3x!quant.uniform<u8:f32, 5.000000e-02:3>>
// VNNI: %[[X:.*]] = lowbit.reshape %[[T]] : tensor<1x2x3x3x{{.*}}> -> tensor<6x3x!quant.uniform<u8:f32, 5.000000e-02:3>>
// VNNI: %[[Y:.*]] = lowbit.packed_fully_connected <avx512vnni> %[[X]], %{{.*}}, %{{.*}} codes 1 table [-1, 1] multiplier [1073741824, 1518500250] shift [38, 38] clamp [-128, 127] : {{.*}} -> tensor<6x2x!quant.uniform<i8:f32, 1.000000e-01:2>>
// VNNI: %[[R:.*]] = lowbit.reshape %[[Y]] : tensor<6x2x{{.*}}> -> tensor<1x2x3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>
// VNNI: lowbit.transpose %[[R]] permutation [0, 3, 1, 2] : {{.*}} -> tensor<1x2x2x3x!quant.uniform<i8:f32, 1.000000e-01:2>>
// VNNI-NOT: lowbit.conv2d
// A padded 1x1 conv2d is no GEMM of the pixels: it becomes packed_conv2d
// (pack-weights-conv.mlir).
// VNNI-LABEL: func.func @padded_conv
// VNNI: lowbit.packed_conv2d <avx512vnni> {{.*}} kernel [1, 1] strides [1, 1] pads [1, 0, 1, 0]
// GENERIC-LABEL: func.func @pointwise_conv
// GENERIC: lowbit.conv2d
func.func @pointwise_conv(%x: tensor<1x3x2x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.coded_constant dense<[[5], [3]]> : tensor<2x1xi8> bits 1 table [-1, 1] -> tensor<2x3x1x1x!quant.uniform<i8<-1:1>:f32, 0.5>>
  %b = lowbit.constant dense<[7, -7]> : tensor<2xi32> -> tensor<2xi32>
  %acc = lowbit.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x2x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x1x1x!quant.uniform<i8<-1:1>:f32, 0.5>>, tensor<2xi32> -> tensor<1x2x2x3xi32>
  %y = lowbit.requantize %acc multiplier [1073741824, 1518500250] shift [38, 38] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<1x2x2x3xi32> -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x2x3x!quant.uniform<i8:f32, 0.1:2>>
}

func.func @padded_conv(%x: tensor<1x3x2x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x4x3x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.coded_constant dense<[[5], [3]]> : tensor<2x1xi8> bits 1 table [-1, 1] -> tensor<2x3x1x1x!quant.uniform<i8<-1:1>:f32, 0.5>>
  %acc = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x2x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x1x1x!quant.uniform<i8<-1:1>:f32, 0.5>> -> tensor<1x2x4x3xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [38] clamp [-128, 127] : tensor<1x2x4x3xi32> -> tensor<1x2x4x3x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x4x3x!quant.uniform<i8:f32, 0.1:2>>
}
