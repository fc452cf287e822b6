// RUN: lowbit-opt %s -split-input-file -verify-diagnostics

// A 3x3 conv2d, pad 1, of an NHWC input [1, 4, 4, 3] into an NHWC result
// [1, 4, 4, 2]: C = 3 (Cp = 4 for G = 4), F = 2, K = 9 * 4 = 36, packed
// weight 1 x 9 x 64 for avx512vnni.
func.func @packed_conv2d_layout(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x7x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{packed weight must be 1x9x64 for N = 2, K = 36, got 'tensor<1x7x64xi8>'}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x7x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// 1-bit codes: Cp = 32 (8 groups of 4 per code byte), K = 9 * 32 = 288.
func.func @packed_conv2d_codes_layout(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x72x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{packed weight must be 1x9x64 for N = 2, K = 288, got 'tensor<1x72x64xi8>'}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b codes 1 table [-1, 1] kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x72x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// Valid: 2-bit codes give Cp = 16, K = 144 = 36 groups in 9 code bytes.
func.func @packed_conv2d_2bit_valid(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b codes 2 table [-1, 0, 1, 0] kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_conv2d_code_bits(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{codes must be 1, 2 or 4 bits, got 0}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b codes 0 table [1] kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_conv2d_window(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{spatial dimension 0 of the result is 4, expected 2}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_conv2d_kernel(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{expects a kernel [KH, KW]}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_conv2d_batch(%x: tensor<2x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{expects one image (N = 1)}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<2x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<2x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_conv2d_rank(%x: tensor<3x16x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{expects a static rank-4 NHWC input and result}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<3x16x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_conv2d_wide_input(%x: tensor<1x4x4x3x!quant.uniform<i16:f32, 0.05>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{expects 8-bit input storage}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<i16:f32, 0.05>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_conv2d_bias(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<2xi32>) {
  // expected-error@+1 {{bias must be [16]}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_conv2d_requantize(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{has 3 per-channel multipliers for 2 channels in dimension 3}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1, 2, 3] shift [31, 31, 31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// An NCHW result [1, F, OH, OW] for the NHWC input: its spatial dimensions
// are [2, 4], not the window's [4, 4].
func.func @packed_conv2d_nchw_result(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{spatial dimension 0 of the result is 2, expected 4}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// An NCHW input [1, C, H, W] = [1, 3, 4, 4] read as NHWC has C = 4
// channels (Cp = 4): K = 36 still, but its 4 x 4 "image" of height 3 gives
// a 3 x 4 result with pad 1, not 4 x 4.
func.func @packed_conv2d_nchw_input(%x: tensor<1x3x4x4x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x9x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{spatial dimension 0 of the result is 4, expected 3}}
  %0 = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x3x4x4x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x9x64xi8>, tensor<16xi32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1>>
  return
}
