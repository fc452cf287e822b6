// Every verifier error of the binary ops (lib/Dialect/Lowbit/IR/BinaryOps.cpp).
// RUN: lowbit-opt %s -split-input-file -verify-diagnostics

func.func @binarize_axis(%x: tensor<2x64xf32>) {
  // expected-error@+1 {{axis 2 out of [0, 2)}}
  %b = lowbit.binarize %x {axis = 2 : i64} : tensor<2x64xf32> -> tensor<2x1xi64>
  return
}

// -----

func.func @binarize_dynamic(%x: tensor<2x?xf32>) {
  // expected-error@+1 {{the binarized dimension must be static and non-empty}}
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<2x?xf32> -> tensor<2x1xi64>
  return
}

// -----

func.func @binarize_empty(%x: tensor<2x0xf32>) {
  // expected-error@+1 {{the binarized dimension must be static and non-empty}}
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<2x0xf32> -> tensor<2x0xi64>
  return
}

// -----

func.func @binarize_words(%x: tensor<2x65xf32>) {
  // expected-error@+1 {{result must be the input's shape without dimension 1 and ceil(65 / 64) = 2 words innermost, got 'tensor<2x1xi64>'}}
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<2x65xf32> -> tensor<2x1xi64>
  return
}

// -----

func.func @binarize_not_moved(%x: tensor<1x64x3x3xf32>) {
  // expected-error@+1 {{result must be the input's shape without dimension 1}}
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<1x64x3x3xf32> -> tensor<1x1x3x3xi64>
  return
}

// -----

func.func @binarize_element(%x: tensor<2x64xi8>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of per-tensor uniform quantized type or 32-bit float values}}
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<2x64xi8> -> tensor<2x1xi64>
  return
}

// -----

func.func @fc_rank(%x: tensor<2x1x1xi64>, %w: tensor<3x1xi64>) {
  // expected-error@+1 {{expects a rank-2 input [M, W] and weight [N, W]}}
  %r = lowbit.binary_fully_connected %x, %w {depth = 64 : i64} : tensor<2x1x1xi64>, tensor<3x1xi64> -> tensor<2x3xi32>
  return
}

// -----

func.func @fc_words(%x: tensor<2x1xi64>, %w: tensor<3x2xi64>) {
  // expected-error@+1 {{input has 1 words per row but weight has 2}}
  %r = lowbit.binary_fully_connected %x, %w {depth = 64 : i64} : tensor<2x1xi64>, tensor<3x2xi64> -> tensor<2x3xi32>
  return
}

// -----

func.func @fc_depth(%x: tensor<2x1xi64>, %w: tensor<3x1xi64>) {
  // expected-error@+1 {{depth must be in [1, 2^31 - 1], got 0}}
  %r = lowbit.binary_fully_connected %x, %w {depth = 0 : i64} : tensor<2x1xi64>, tensor<3x1xi64> -> tensor<2x3xi32>
  return
}

// -----

func.func @fc_depth_words(%x: tensor<2x2xi64>, %w: tensor<3x2xi64>) {
  // expected-error@+1 {{the input has 2 words, expected ceil(64 / 64) = 1}}
  %r = lowbit.binary_fully_connected %x, %w {depth = 64 : i64} : tensor<2x2xi64>, tensor<3x2xi64> -> tensor<2x3xi32>
  return
}

// -----

func.func @fc_bias(%x: tensor<2x1xi64>, %w: tensor<3x1xi64>, %b: tensor<4xi32>) {
  // expected-error@+1 {{bias must be [3], got 'tensor<4xi32>'}}
  %r = lowbit.binary_fully_connected %x, %w, %b {depth = 5 : i64} : tensor<2x1xi64>, tensor<3x1xi64>, tensor<4xi32> -> tensor<2x3xi32>
  return
}

// -----

func.func @fc_result(%x: tensor<2x1xi64>, %w: tensor<3x1xi64>) {
  // expected-error@+1 {{result must be [2, 3], got 'tensor<3x2xi32>'}}
  %r = lowbit.binary_fully_connected %x, %w {depth = 5 : i64} : tensor<2x1xi64>, tensor<3x1xi64> -> tensor<3x2xi32>
  return
}

// -----

func.func @fc_element(%x: tensor<2x1xi32>, %w: tensor<3x1xi64>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of 64-bit signless integer values}}
  %r = lowbit.binary_fully_connected %x, %w {depth = 5 : i64} : tensor<2x1xi32>, tensor<3x1xi64> -> tensor<2x3xi32>
  return
}

// -----

func.func @conv_rank(%x: tensor<1x5x5xi64>, %w: tensor<2x3x3x1xi64>) {
  // expected-error@+1 {{expects input [N, H, W, Cw], weight [O, KH, KW, Cw] and result [N, O, OH, OW]}}
  %r = lowbit.binary_conv2d %x, %w {channels = 8 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5xi64>, tensor<2x3x3x1xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_words(%x: tensor<1x5x5x1xi64>, %w: tensor<2x3x3x2xi64>) {
  // expected-error@+1 {{input has 1 words per position but weight has 2}}
  %r = lowbit.binary_conv2d %x, %w {channels = 8 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x3x3x2xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x5x5x1xi64>, %w: tensor<2x3x3x1xi64>) {
  // expected-error@+1 {{channels must be in [1, 2^31 - 1], got -1}}
  %r = lowbit.binary_conv2d %x, %w {channels = -1 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x3x3x1xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_channel_words(%x: tensor<1x5x5x1xi64>, %w: tensor<2x3x3x1xi64>) {
  // expected-error@+1 {{the input has 1 words, expected ceil(65 / 64) = 2}}
  %r = lowbit.binary_conv2d %x, %w {channels = 65 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x3x3x1xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_dynamic_kernel(%x: tensor<1x5x5x1xi64>, %w: tensor<2x?x3x1xi64>) {
  // expected-error@+1 {{kernel sizes must be static}}
  %r = lowbit.binary_conv2d %x, %w {channels = 8 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x?x3x1xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_attributes(%x: tensor<1x5x5x1xi64>, %w: tensor<2x3x3x1xi64>) {
  // expected-error@+1 {{expects 2 strides, 2 dilations and 4 pads [top, left, bottom, right]}}
  %r = lowbit.binary_conv2d %x, %w {channels = 8 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x3x3x1xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_stride(%x: tensor<1x5x5x1xi64>, %w: tensor<2x3x3x1xi64>) {
  // expected-error@+1 {{strides, dilations and kernel sizes must be positive and pads non-negative}}
  %r = lowbit.binary_conv2d %x, %w {channels = 8 : i64, strides = array<i64: 1, 0>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x3x3x1xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_dynamic_spatial(%x: tensor<1x?x5x1xi64>, %w: tensor<2x3x3x1xi64>) {
  // expected-error@+1 {{spatial dimensions must be static}}
  %r = lowbit.binary_conv2d %x, %w {channels = 8 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x?x5x1xi64>, tensor<2x3x3x1xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_spatial(%x: tensor<1x5x5x1xi64>, %w: tensor<2x3x3x1xi64>) {
  // expected-error@+1 {{spatial dimension 1 of the result is 3, expected 5}}
  %r = lowbit.binary_conv2d %x, %w {channels = 8 : i64, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x3x3x1xi64> -> tensor<1x2x5x3xi32>
  return
}

// -----

func.func @conv_overflow(%x: tensor<1x5x5x33554432xi64>, %w: tensor<2x3x3x33554432xi64>) {
  // expected-error@+1 {{C * KH * KW = 19327352823 taps can overflow the int32 accumulator}}
  %r = lowbit.binary_conv2d %x, %w {channels = 2147483647 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x33554432xi64>, tensor<2x3x3x33554432xi64> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x5x5x1xi64>, %w: tensor<2x3x3x1xi64>) {
  // expected-error@+1 {{result must be [1, 2, OH, OW], got 'tensor<1x3x3x3xi32>'}}
  %r = lowbit.binary_conv2d %x, %w {channels = 8 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x3x3x1xi64> -> tensor<1x3x3x3xi32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x5x5x1xi64>, %w: tensor<2x3x3x1xi64>, %b: tensor<3xi32>) {
  // expected-error@+1 {{bias must be [2], got 'tensor<3xi32>'}}
  %r = lowbit.binary_conv2d %x, %w, %b {channels = 8 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x5x5x1xi64>, tensor<2x3x3x1xi64>, tensor<3xi32> -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @threshold_count(%x: tensor<2x3xi32>) {
  // expected-error@+1 {{needs 1 threshold or one per channel (3), got 2}}
  %b = lowbit.binarize_threshold %x {axis = 1 : i64, thresholds = array<i64: 0, 1>} : tensor<2x3xi32> -> tensor<2x1xi64>
  return
}

// -----

func.func @threshold_range(%x: tensor<2x3xi32>) {
  // expected-error@+1 {{threshold 2147483649 outside [-2^31, 2^31]}}
  %b = lowbit.binarize_threshold %x {axis = 1 : i64, thresholds = array<i64: 2147483649>} : tensor<2x3xi32> -> tensor<2x1xi64>
  return
}

// -----

func.func @threshold_shape(%x: tensor<2x3xi32>) {
  // expected-error@+1 {{result must be the input's shape without dimension 0 and ceil(2 / 64) = 1 words innermost, got 'tensor<2x1xi64>'}}
  %b = lowbit.binarize_threshold %x {axis = 0 : i64, thresholds = array<i64: 0>} : tensor<2x3xi32> -> tensor<2x1xi64>
  return
}
