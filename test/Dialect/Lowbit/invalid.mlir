// RUN: lowbit-opt %s -split-input-file -verify-diagnostics

// One case per verifier error of lib/Dialect/Lowbit/IR/LowbitOps.cpp and per
// ODS type constraint, plus the accepted cases at the edge of each bound.

//===----------------------------------------------------------------------===//
// lowbit.constant
//===----------------------------------------------------------------------===//

func.func @constant_shape() {
  // expected-error@+1 {{value shape does not match the result shape}}
  %0 = lowbit.constant dense<1> : tensor<2xi8> -> tensor<3x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @constant_shape_transposed() {
  // expected-error@+1 {{value shape does not match the result shape}}
  %0 = lowbit.constant dense<1> : tensor<2x3xi8> -> tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0, 3.0}>>
  return
}

// -----

func.func @constant_storage() {
  // expected-error@+1 {{value element type 'i32' does not match the storage type 'i8'}}
  %0 = lowbit.constant dense<1> : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @constant_float_value() {
  // expected-error@+1 {{value element type 'f32' does not match the storage type 'i8'}}
  %0 = lowbit.constant dense<1.0> : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @constant_integer_mismatch() {
  // expected-error@+1 {{value element type 'i8' does not match the storage type 'i32'}}
  %0 = lowbit.constant dense<1> : tensor<2xi8> -> tensor<2xi32>
  return
}

// -----

func.func @constant_float_mismatch() {
  // expected-error@+1 {{float value type 'f16' does not match the result 'f32'}}
  %0 = lowbit.constant dense<1.0> : tensor<2xf16> -> tensor<2xf32>
  return
}

// -----

func.func @constant_index() {
  // expected-error@+1 {{result element type must be float, quantized or integer}}
  %0 = lowbit.constant dense<1> : tensor<2xindex> -> tensor<2xindex>
  return
}

// -----

// The custom form cannot even spell an unranked result; the generic form
// reaches the ODS constraint.
func.func @constant_unranked() {
  // expected-error@+1 {{result #0 must be ranked tensor of any type values, but got 'tensor<*xi8>'}}
  %0 = "lowbit.constant"() <{value = dense<1> : tensor<2xi8>}> : () -> tensor<*xi8>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.fully_connected
//===----------------------------------------------------------------------===//

// -----

func.func @fc_rank_input(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>, %w: tensor<2x4x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{expects a rank-2 input [M, K] and weight [N, K]}}
  %0 = lowbit.fully_connected %x, %w : tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<2x4x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2xi32>
  return
}

// -----

func.func @fc_rank_weight(%x: tensor<1x4x!quant.uniform<i8:f32, 1.0>>, %w: tensor<1x2x4x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{expects a rank-2 input [M, K] and weight [N, K]}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i8:f32, 1.0>>, tensor<1x2x4x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2xi32>
  return
}

// -----

func.func @fc_k(%x: tensor<1x4x!quant.uniform<i8:f32, 1.0>>, %w: tensor<2x5x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{input has K = 4 but weight has K = 5}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i8:f32, 1.0>>, tensor<2x5x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2xi32>
  return
}

// -----

// K must be static (the int32 bound depends on it), even when both agree.
func.func @fc_dynamic_k(%x: tensor<1x?x!quant.uniform<i8:f32, 1.0>>, %w: tensor<2x?x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{the reduction dimension K must be static}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x?x!quant.uniform<i8:f32, 1.0>>, tensor<2x?x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2xi32>
  return
}

// -----

func.func @fc_axis(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>) {
  // expected-error@+1 {{per-axis weight must be quantized along axis 0 (output channels), got axis 1}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>> -> tensor<1x2xi32>
  return
}

// -----

func.func @fc_scales(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) {
  // expected-error@+1 {{weight has 2 scales for 3 output channels}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>> -> tensor<1x3xi32>
  return
}

// -----

// 40000 * 255 * 255 > 2^31 - 1: the accumulator could overflow.
func.func @fc_overflow(%x: tensor<1x40000x!quant.uniform<u8:f32, 1.0>>, %w: tensor<1x40000x!quant.uniform<u8:f32, 1.0>>) {
  // expected-error@+1 {{accumulating K = 40000 products of magnitude up to 65025 can overflow int32}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x40000x!quant.uniform<u8:f32, 1.0>>, tensor<1x40000x!quant.uniform<u8:f32, 1.0>> -> tensor<1x1xi32>
  return
}

// -----

// The bound is exact: with both zero points at -128, |q - Z| <= 255, and
// 33025 * 255^2 = 2147450625 fits in int32 while 33026 * 255^2 = 2147515650
// does not.
func.func @fc_overflow_edge(%x: tensor<1x33025x!quant.uniform<i8:f32, 1.0:-128>>, %w: tensor<1x33025x!quant.uniform<i8:f32, 1.0:-128>>, %x1: tensor<1x33026x!quant.uniform<i8:f32, 1.0:-128>>, %w1: tensor<1x33026x!quant.uniform<i8:f32, 1.0:-128>>) {
  %0 = lowbit.fully_connected %x, %w : tensor<1x33025x!quant.uniform<i8:f32, 1.0:-128>>, tensor<1x33025x!quant.uniform<i8:f32, 1.0:-128>> -> tensor<1x1xi32>
  // expected-error@+1 {{accumulating K = 33026 products of magnitude up to 65025 can overflow int32}}
  %1 = lowbit.fully_connected %x1, %w1 : tensor<1x33026x!quant.uniform<i8:f32, 1.0:-128>>, tensor<1x33026x!quant.uniform<i8:f32, 1.0:-128>> -> tensor<1x1xi32>
  return
}

// -----

// Per-axis weight zero points count per channel: the worst is the second
// channel, |-128 - 100| = 228; the input gives |-128 - 0| = 128, so a
// product reaches 29184 and 73585 * 29184 = 2147504640 > 2^31 - 1.
func.func @fc_overflow_per_axis(%x: tensor<1x73585x!quant.uniform<i8:f32, 1.0>>, %w: tensor<2x73585x!quant.uniform<i8:f32:0, {1.0:0, 1.0:100}>>) {
  // expected-error@+1 {{accumulating K = 73585 products of magnitude up to 29184 can overflow int32}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x73585x!quant.uniform<i8:f32, 1.0>>, tensor<2x73585x!quant.uniform<i8:f32:0, {1.0:0, 1.0:100}>> -> tensor<1x2xi32>
  return
}

// -----

func.func @fc_bias(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<2xi32>) {
  // expected-error@+1 {{bias must be [3], got 'tensor<2xi32>'}}
  %0 = lowbit.fully_connected %x, %w, %b : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32> -> tensor<1x3xi32>
  return
}

// -----

func.func @fc_bias_rank(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<1x3xi32>) {
  // expected-error@+1 {{bias must be [3], got 'tensor<1x3xi32>'}}
  %0 = lowbit.fully_connected %x, %w, %b : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<1x3xi32> -> tensor<1x3xi32>
  return
}

// -----

func.func @fc_bias_type(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<3xi16>) {
  // expected-error@+1 {{operand #2 must be ranked tensor of 32-bit signless integer values, but got 'tensor<3xi16>'}}
  %0 = lowbit.fully_connected %x, %w, %b : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<3xi16> -> tensor<1x3xi32>
  return
}

// -----

func.func @fc_result(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{result must be [1, 3], got 'tensor<3x1xi32>'}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<3x1xi32>
  return
}

// -----

func.func @fc_result_type(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{result #0 must be ranked tensor of 32-bit signless integer values, but got 'tensor<1x3xi64>'}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x3xi64>
  return
}

// -----

func.func @fc_input_per_axis(%x: tensor<1x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of per-tensor uniform quantized type values}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x3xi32>
  return
}

// -----

func.func @fc_weight_integer(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2xi8>) {
  // expected-error@+1 {{operand #1 must be ranked tensor of uniform quantized type values, but got 'tensor<3x2xi8>'}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2xi8> -> tensor<1x3xi32>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.requantize
//===----------------------------------------------------------------------===//

// -----

func.func @rq_counts(%acc: tensor<4xi32>) {
  // expected-error@+1 {{needs as many shifts as multipliers (at least one), got 2 multipliers and 1 shifts}}
  %0 = lowbit.requantize %acc multiplier [1073741824, 1073741824] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_counts_more_shifts(%acc: tensor<4xi32>) {
  // expected-error@+1 {{needs as many shifts as multipliers (at least one), got 1 multipliers and 2 shifts}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31, 31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_empty(%acc: tensor<4xi32>) {
  // expected-error@+1 {{needs as many shifts as multipliers (at least one), got 0 multipliers and 0 shifts}}
  %0 = lowbit.requantize %acc multiplier [] shift [] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_channels(%acc: tensor<2x3xi32>) {
  // expected-error@+1 {{has 2 per-channel multipliers for 3 channels in dimension 1}}
  %0 = lowbit.requantize %acc multiplier [1073741824, 1073741824] shift [31, 31] clamp [-128, 127] : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// Channels are the innermost dimension by default, not the outermost.
func.func @rq_channels_outer(%acc: tensor<2x3xi32>) {
  // expected-error@+1 {{has 2 per-channel multipliers for 3 channels in dimension 1}}
  %0 = lowbit.requantize %acc multiplier [1, 2] shift [31, 31] clamp [-128, 127] : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// channel_axis selects another dimension, which must exist.
func.func @rq_channel_axis(%acc: tensor<2x3xi32>) {
  // expected-error@+1 {{has 2 per-channel multipliers for 3 channels in dimension 1}}
  %0 = lowbit.requantize %acc multiplier [1, 2] shift [31, 31] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_channel_axis_range(%acc: tensor<2x3xi32>) {
  // expected-error@+1 {{channel_axis 2 out of [0, 2)}}
  %0 = lowbit.requantize %acc multiplier [1, 2] shift [31, 31] clamp [-128, 127] {channel_axis = 2 : i64} : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// A rank-0 tensor has one channel.
func.func @rq_channels_scalar(%acc: tensor<i32>) {
  // expected-error@+1 {{has 2 per-channel multipliers for a rank-0 tensor (one channel)}}
  %0 = lowbit.requantize %acc multiplier [1, 2] shift [31, 31] clamp [-128, 127] : tensor<i32> -> tensor<!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_negative(%acc: tensor<4xi32>) {
  // expected-error@+1 {{multiplier must be non-negative, got -5}}
  %0 = lowbit.requantize %acc multiplier [-5] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// INT32_MIN is the one multiplier that would saturate the doubling high
// multiply of double rounding.
func.func @rq_negative_per_channel(%acc: tensor<2xi32>) {
  // expected-error@+1 {{multiplier must be non-negative, got -2147483648}}
  %0 = lowbit.requantize %acc multiplier [1073741824, -2147483648] shift [31, 31] clamp [-128, 127] rounding <double> : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_shift_zero(%acc: tensor<4xi32>) {
  // expected-error@+1 {{shift must be in [1, 62], got 0}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [0] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_shift_negative(%acc: tensor<4xi32>) {
  // expected-error@+1 {{shift must be in [1, 62], got -3}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [-3] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_shift_large(%acc: tensor<4xi32>) {
  // expected-error@+1 {{shift must be in [1, 62], got 63}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [63] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_shift_large_per_channel(%acc: tensor<2xi32>) {
  // expected-error@+1 {{shift must be in [1, 62], got 63}}
  %0 = lowbit.requantize %acc multiplier [1, 1] shift [62, 63] clamp [-128, 127] : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_clamp_empty(%acc: tensor<4xi32>) {
  // expected-error@+1 {{clamp range [5, 4] is empty}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [5, 4] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_clamp_storage(%acc: tensor<4xi32>) {
  // expected-error@+1 {{clamp range [0, 255] exceeds the storage range [-128, 127]}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [0, 255] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_clamp_storage_low(%acc: tensor<4xi32>) {
  // expected-error@+1 {{clamp range [-129, 0] exceeds the storage range [-128, 127]}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-129, 0] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// The storage range is that of the type, narrow ranges included.
func.func @rq_clamp_narrow_storage(%acc: tensor<4xi32>) {
  // expected-error@+1 {{clamp range [0, 255] exceeds the storage range [1, 255]}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [0, 255] : tensor<4xi32> -> tensor<4x!quant.uniform<u8<1:255>:f32, 1.0:1>>
  return
}

// -----

func.func @rq_float_output(%acc: tensor<4xi32>) {
  // expected-error@+1 {{result #0 must be ranked tensor of per-tensor uniform quantized type values, but got 'tensor<4xf32>'}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [0, 1] : tensor<4xi32> -> tensor<4xf32>
  return
}

// -----

func.func @rq_integer_output(%acc: tensor<4xi32>) {
  // expected-error@+1 {{result #0 must be ranked tensor of per-tensor uniform quantized type values, but got 'tensor<4xi8>'}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [0, 1] : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @rq_per_axis_output(%acc: tensor<2xi32>) {
  // expected-error@+1 {{result #0 must be ranked tensor of per-tensor uniform quantized type values}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  return
}

// -----

func.func @rq_input_type(%acc: tensor<4xi16>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of 32-bit signless integer values or ranked tensor of per-tensor uniform quantized type values, but got 'tensor<4xi16>'}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<4xi16> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_shape(%acc: tensor<4xi32>) {
  // expected-error@+1 {{requires the same shape for all operands and results}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<5x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_rounding_mode(%acc: tensor<4xi32>) {
  // expected-error@+2 {{expected ::mlir::lowbit::RoundingMode to be one of: single, double}}
  // expected-error@+1 {{failed to parse Lowbit_RoundingModeAttr parameter 'value'}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127] rounding <triple> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @packed_wrong_layout(%x: tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x32xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{packed weight must be 1x2x64 for N = 2, K = 5, got 'tensor<1x2x32xi8>'}}
  %0 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b multiplier [1] shift [31] clamp [-128, 127] : tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x32xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_bias_not_padded(%x: tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<2xi32>) {
  // expected-error@+1 {{bias must be [16]}}
  %0 = lowbit.packed_fully_connected <neon_dotprod> %x, %w, %b multiplier [1] shift [31] clamp [-128, 127] : tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<2xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_row_sums_not_padded(%x: tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>, %z: tensor<2xi32>) {
  // expected-error@+1 {{row_sum_weights must be [16]}}
  %0 = lowbit.packed_fully_connected <neon> %x, %w, %b row_sums %z multiplier [1] shift [31] clamp [-128, 127] : tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<16xi32>, tensor<2xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_wide_input(%x: tensor<1x5x!quant.uniform<i16:f32, 0.05>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{expects 8-bit input storage}}
  %0 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b multiplier [1] shift [31] clamp [-128, 127] : tensor<1x5x!quant.uniform<i16:f32, 0.05>>, tensor<1x2x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_rows(%x: tensor<2x5x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{input and result must have the same number of rows}}
  %0 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b multiplier [1] shift [31] clamp [-128, 127] : tensor<2x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_requantize_attributes(%x: tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{has 3 per-channel multipliers for 2 channels in the innermost dimension}}
  %0 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b multiplier [1, 2, 3] shift [31, 31, 31] clamp [-128, 127] : tensor<1x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @dot_accumulate_types(%a: vector<16xi32>, %b: vector<16xi8>) {
  // expected-error@+1 {{with isa avx512vnni expects vector<16xi32> and two vector<64xi8>}}
  %0 = lowbit.dot_accumulate <avx512vnni> %a, %b, %b : vector<16xi8>, vector<16xi8> into vector<16xi32>
  return
}

// -----

func.func @dot_accumulate_avx2_bytes(%a: vector<8xi32>, %b: vector<32xi8>) {
  // expected-error@+1 {{with isa avx2 expects vector<8xi32> and two vector<16xi16>}}
  %0 = lowbit.dot_accumulate <avx2> %a, %b, %b : vector<32xi8>, vector<32xi8> into vector<8xi32>
  return
}

// -----

func.func @coded_constant_bits() {
  // expected-error@+1 {{bits must be 1, 2 or 4, got 3}}
  %0 = lowbit.coded_constant dense<0> : tensor<2x1xi8> bits 3 table [0, 1, 2, 3, 4, 5, 6, 7] -> tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @coded_constant_table() {
  // expected-error@+1 {{table must have 2^bits = 4 entries, got 3}}
  %0 = lowbit.coded_constant dense<0> : tensor<2x1xi8> bits 2 table [0, 1, 2] -> tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @coded_constant_codes_shape() {
  // 2 rows of 9 four-bit codes take 2 x 5 bytes.
  // expected-error@+1 {{codes must be tensor<2x5xi8> for 'tensor<2x9x!quant.uniform<i8:f32, 5.000000e-01>>'}}
  %0 = lowbit.coded_constant dense<0> : tensor<2x4xi8> bits 4 table [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] -> tensor<2x9x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @coded_constant_storage() {
  // expected-error@+1 {{result must have 8-bit storage}}
  %0 = lowbit.coded_constant dense<0> : tensor<2x1xi8> bits 1 table [0, 1] -> tensor<2x2x!quant.uniform<i16:f32, 0.5>>
  return
}

// -----

func.func @packed_codes_shape(%x: tensor<1x9x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x3x64xi8>, %b: tensor<16xi32>) {
  // 1-bit codes: the 3 groups of 4 values of K share one byte per lane.
  // expected-error@+1 {{packed weight must be 1x1x64 for N = 2, K = 9}}
  %0 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b codes 1 table [-1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x3x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @packed_codes_table(%x: tensor<1x9x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x1x64xi8>, %b: tensor<16xi32>) {
  // expected-error@+1 {{table must have 2^bits = 2 entries}}
  %0 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b codes 1 table [-1, 1, 0] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x1x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @decode_codes_lanes(%c: vector<32xi8>, %t: vector<16xi8>) {
  // expected-error@+1 {{with isa avx512vnni expects vector<64xi8> codes}}
  %0 = lowbit.decode_codes <avx512vnni> %c, %t : vector<32xi8>, vector<16xi8>
  return
}

// -----

func.func @depthwise_rank(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x1x2xi8>, %b: tensor<2xi32>) {
  // expected-error@+1 {{expects an input [N, H, W, C], weights [KH, KW, F] and a result [N, OH, OW, F]}}
  %0 = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x1x2xi8>, tensor<2xi32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @depthwise_result(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x2xi8>, %b: tensor<2xi32>) {
  // expected-error@+1 {{result must be [N, ..., F] = [1, ..., 2]}}
  %0 = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x2xi8>, tensor<2xi32> -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @depthwise_multiple(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x3xi8>, %b: tensor<3xi32>) {
  // expected-error@+1 {{output channels (3) must be a multiple of the input channels (2)}}
  %0 = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x3xi8>, tensor<3xi32> -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @depthwise_no_channels(%x: tensor<1x4x4x0x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x0xi8>, %b: tensor<0xi32>) {
  // expected-error@+1 {{output channels (0) must be a multiple of the input channels (0)}}
  %0 = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x0x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x0xi8>, tensor<0xi32> -> tensor<1x2x2x0x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @depthwise_offsets(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x2xi8>, %b: tensor<2xi32>, %z: tensor<4xi32>) {
  // expected-error@+1 {{weight_offsets must be [2]}}
  %0 = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b weight_offsets %z strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x2xi8>, tensor<2xi32>, tensor<4xi32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @depthwise_window(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x2xi8>, %b: tensor<2xi32>) {
  // expected-error@+1 {{spatial dimension 1 of the result is 3, expected 2}}
  %0 = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x2xi8>, tensor<2xi32> -> tensor<1x2x3x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @depthwise_kernel_window(%x: tensor<1x4x6x2x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x5x2xi8>, %b: tensor<2xi32>) {
  // expected-error@+1 {{spatial dimension 0 of the result is 4, expected 2}}
  %0 = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x4x6x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x5x2xi8>, tensor<2xi32> -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @depthwise_channels(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x2xi8>, %b: tensor<2xi32>) {
  // expected-error@+1 {{has 3 per-channel multipliers for 2 channels in dimension 3}}
  %0 = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1, 1, 1] shift [31, 31, 31] clamp [-128, 127] : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x2xi8>, tensor<2xi32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.1>>
  return
}
