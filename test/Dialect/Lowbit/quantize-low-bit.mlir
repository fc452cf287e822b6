// RUN: lowbit-opt %s --split-input-file --lowbit-quantize | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --lowbit-quantize=detect-low-bit=false | FileCheck %s --check-prefix=OFF
// RUN: lowbit-opt %s --split-input-file --lowbit-quantize="weight-bits=4 layer-bits=b:2" | FileCheck %s --check-prefix=BITS
// RUN: lowbit-opt %s --split-input-file --lowbit-quantize=weight-bits=1 | FileCheck %s --check-prefix=BIN
// RUN: not lowbit-opt %s --split-input-file --lowbit-quantize="layer-bits=a:3" 2>&1 | FileCheck %s --check-prefix=ERR

// Weights trained low-bit keep their exact values. Channel 0 of `a` is
// {-0.5, 0, 0.5}, channel 1 {-2, 0, 2}: ternary, scale alpha_c, storage
// [-1, 1]. `b` has only powers of two below alpha_c per channel
// (1, 0.5, 0.125; 3, 1.5, 0.75): scale alpha_c / 64, stored 64 >> k.
// CHECK-LABEL: func.func @ternary_and_powers
// CHECK: lowbit.constant dense<{{\[\[}}-1, 0, 1, 1], [1, -1, 0, 0]]> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8<-1:1>:f32:0, {5.000000e-01,2.000000e+00}>>
// CHECK: lowbit.constant dense<{{\[\[}}64, -32, 8, 0], [-64, 32, 16, 64]]> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8<-64:64>:f32:0, {1.562500e-02,4.687500e-02}>>
// Without detection: int8 from max |w| (0.5 / 127 per step).
// OFF-LABEL: func.func @ternary_and_powers
// OFF: lowbit.constant dense<{{\[\[}}-127, 0, 127, 127], [127, -127, 0, 0]]> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8<-127:127>:f32:0,
// OFF: lowbit.constant dense<{{\[\[}}127, -64, 16, 0], [-127, 64, 32, 127]]>
// weight-bits=4: [-7, 7] from max |w| (ternary values become +-7); layer b
// at 2 bits, TWN per channel: channel 0 has mean |w| 0.40625, threshold
// 0.7 * that = 0.284, keeps 1 and -0.5, alpha 0.75; channel 1 mean 2.0625,
// threshold 1.44, keeps -3, 1.5 and 3, alpha 2.5.
// BITS-LABEL: func.func @ternary_and_powers
// BITS: lowbit.constant dense<{{\[\[}}-7, 0, 7, 7], [7, -7, 0, 0]]> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8<-7:7>:f32:0, {0.071428574621677399,0.28571429848670959}>>
// BITS: lowbit.constant dense<{{\[\[}}1, -1, 0, 0], [-1, 1, 0, 1]]> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8<-1:1>:f32:0, {7.500000e-01,2.500000e+00}>>
// ERR: error: layer-bits entries are NODE:BITS with BITS 8, 4, 2 or 1, got 'a:3'
func.func @ternary_and_powers(%x: tensor<1x4xf32> {lowbit.range = array<f64: -1.0, 1.0>}) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = lowbit.constant dense<[[-0.5, 0.0, 0.5, 0.5], [2.0, -2.0, 0.0, 0.0]]> : tensor<2x4xf32> -> tensor<2x4xf32>
  %a = lowbit.gemm %x, %w {trans_b, lowbit.range = array<f64: -4.0, 4.0>} : tensor<1x4xf32>, tensor<2x4xf32> -> tensor<1x2xf32> loc("a")
  %v = lowbit.constant dense<[[1.0, -0.5, 0.125, 0.0], [-3.0, 1.5, 0.75, 3.0]]> : tensor<2x4xf32> -> tensor<2x4xf32>
  %b = lowbit.gemm %x, %v {trans_b, lowbit.range = array<f64: -8.0, 8.0>} : tensor<1x4xf32>, tensor<2x4xf32> -> tensor<1x2xf32> loc("b")
  return %a, %b : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// A Sign feeding a conv with binary weights (+-alpha_c, alpha = 0.5, 0.25):
// the signs are packed (channels innermost, 64 per word), the weight signs
// too (bit 1 = -1; [O, KH, KW, words]), the bias is in units of alpha_c
// (0.5 / 0.5 = 1, -0.5 / 0.25 = -2) and the multiplier alpha_c / s_out.
// CHECK-LABEL: func.func @binary_conv
// CHECK: %[[SIGNS:.*]] = lowbit.binarize %{{.*}} {axis = 1 : i64} : tensor<1x2x3x3x!quant.uniform<u8:f32, {{.*}}>> -> tensor<1x3x3x1xi64>
// CHECK: %[[W:.*]] = lowbit.constant dense<{{\[\[\[\[}}2]]], {{\[\[\[}}1]]]]> : tensor<2x1x1x1xi64>
// CHECK: %[[B:.*]] = lowbit.constant dense<[1, -2]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = lowbit.binary_conv2d %[[SIGNS]], %[[W]], %[[B]] {channels = 2 : i64, {{.*}}} : tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>, tensor<2xi32> -> tensor<1x2x3x3xi32>
// CHECK: lowbit.requantize %[[ACC]] {{.*}} {channel_axis = 1 : i64}
// CHECK-NOT: lowbit.lookup
// Without detection the sign is a table and the conv int8.
// OFF-LABEL: func.func @binary_conv
// OFF: lowbit.lookup
// OFF: lowbit.conv2d
// Asked-for bits win over detection: 4 bits, an int8 conv on [-7, 7].
// BITS-LABEL: func.func @binary_conv
// BITS: lowbit.conv2d {{.*}}i8<-7:7>
func.func @binary_conv(%x: tensor<1x2x3x3xf32> {lowbit.range = array<f64: -1.0, 1.0>}) -> tensor<1x2x3x3xf32> {
  %s = lowbit.sign %x {lowbit.range = array<f64: -1.0, 1.0>} : tensor<1x2x3x3xf32> loc("sign")
  %w = lowbit.constant dense<[[[[0.5]], [[-0.5]]], [[[-0.25]], [[0.25]]]]> : tensor<2x2x1x1xf32> -> tensor<2x2x1x1xf32>
  %b = lowbit.constant dense<[0.5, -0.5]> : tensor<2xf32> -> tensor<2xf32>
  %c = lowbit.conv2d %s, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, lowbit.range = array<f64: -2.0, 2.0>} : tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32> -> tensor<1x2x3x3xf32> loc("conv")
  return %c : tensor<1x2x3x3xf32>
}

// -----

// weight-bits=1 makes any gemm binary (alpha = mean |w|): after a Sign it
// is an XOR-popcount layer; the depth is 3 (one word). Not binary by
// default: a table and an int8 layer.
// BIN-LABEL: func.func @forced_binary
// BIN: lowbit.binarize
// BIN: lowbit.constant dense<{{\[\[}}2], [4]]> : tensor<2x1xi64>
// BIN: lowbit.binary_fully_connected %{{.*}}, %{{.*}} {depth = 3 : i64}
// CHECK-LABEL: func.func @forced_binary
// CHECK: lowbit.lookup
// CHECK: lowbit.fully_connected
func.func @forced_binary(%x: tensor<1x3xf32> {lowbit.range = array<f64: -1.0, 1.0>}) -> tensor<1x2xf32> {
  %s = lowbit.sign %x {lowbit.range = array<f64: -1.0, 1.0>} : tensor<1x3xf32> loc("sign")
  %w = lowbit.constant dense<[[0.3, -0.1, 0.2], [0.5, 0.4, -0.3]]> : tensor<2x3xf32> -> tensor<2x3xf32>
  %g = lowbit.gemm %s, %w {trans_b, lowbit.range = array<f64: -2.0, 2.0>} : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<1x2xf32> loc("fc")
  return %g : tensor<1x2xf32>
}

// -----

// A Sign with another user (here the return) stays a table.
// BIN-LABEL: func.func @shared_sign
// BIN: lowbit.lookup
// BIN: lowbit.fully_connected
func.func @shared_sign(%x: tensor<1x3xf32> {lowbit.range = array<f64: -1.0, 1.0>}) -> (tensor<1x2xf32>, tensor<1x3xf32>) {
  %s = lowbit.sign %x {lowbit.range = array<f64: -1.0, 1.0>} : tensor<1x3xf32> loc("sign")
  %w = lowbit.constant dense<[[0.3, -0.1, 0.2], [0.5, 0.4, -0.3]]> : tensor<2x3xf32> -> tensor<2x3xf32>
  %g = lowbit.gemm %s, %w {trans_b, lowbit.range = array<f64: -2.0, 2.0>} : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<1x2xf32> loc("fc")
  return %g, %s : tensor<1x2xf32>, tensor<1x3xf32>
}
