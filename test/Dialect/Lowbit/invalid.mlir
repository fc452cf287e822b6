// RUN: lowbit-opt %s -split-input-file -verify-diagnostics

func.func @constant_shape() {
  // expected-error@+1 {{value shape does not match the result shape}}
  %0 = lowbit.constant dense<1> : tensor<2xi8> -> tensor<3x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @constant_storage() {
  // expected-error@+1 {{value element type 'i32' does not match the storage type 'i8'}}
  %0 = lowbit.constant dense<1> : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @constant_float() {
  // expected-error@+1 {{result element type must be quantized or integer}}
  %0 = lowbit.constant dense<1.0> : tensor<2xf32> -> tensor<2xf32>
  return
}

// -----

func.func @fc_rank(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>, %w: tensor<2x4x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{expects a rank-2 input [M, K] and weight [N, K]}}
  %0 = lowbit.fully_connected %x, %w : tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<2x4x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2xi32>
  return
}

// -----

func.func @fc_k(%x: tensor<1x4x!quant.uniform<i8:f32, 1.0>>, %w: tensor<2x5x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{input has K = 4 but weight has K = 5}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i8:f32, 1.0>>, tensor<2x5x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2xi32>
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

func.func @fc_bias(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<2xi32>) {
  // expected-error@+1 {{bias must be [3], got 'tensor<2xi32>'}}
  %0 = lowbit.fully_connected %x, %w, %b : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32> -> tensor<1x3xi32>
  return
}

// -----

func.func @fc_result(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{result must be [1, 3], got 'tensor<3x1xi32>'}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<3x1xi32>
  return
}

// -----

func.func @fc_input_per_axis(%x: tensor<1x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of per-tensor uniform quantized type values}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x3xi32>
  return
}

// -----

func.func @rq_counts(%acc: tensor<4xi32>) {
  // expected-error@+1 {{needs as many shifts as multipliers (at least one), got 2 multipliers and 1 shifts}}
  %0 = lowbit.requantize %acc multiplier [1073741824, 1073741824] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
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
  // expected-error@+1 {{has 2 per-channel multipliers for 3 channels in the innermost dimension}}
  %0 = lowbit.requantize %acc multiplier [1073741824, 1073741824] shift [31, 31] clamp [-128, 127] : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_negative(%acc: tensor<4xi32>) {
  // expected-error@+1 {{multiplier must be non-negative, got -5}}
  %0 = lowbit.requantize %acc multiplier [-5] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_shift_zero(%acc: tensor<4xi32>) {
  // expected-error@+1 {{shift must be in [1, 62], got 0}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [0] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @rq_shift_large(%acc: tensor<4xi32>) {
  // expected-error@+1 {{shift must be in [1, 62], got 63}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [63] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
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

func.func @rq_float_output(%acc: tensor<4xi32>) {
  // expected-error@+1 {{result #0 must be ranked tensor of per-tensor uniform quantized type values}}
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [0, 1] : tensor<4xi32> -> tensor<4xf32>
  return
}
