// RUN: lowbit-opt %s -split-input-file -verify-diagnostics

// Regression: FullyConnectedOp::verify computed the accumulator bound
// inputBound * weightBound * K in int64. With i32 storage on both sides each
// bound is 2^31, so the product is 2^62 * K: K = 2 wraps to INT64_MIN and
// K = 4 to 0 (signed overflow, undefined behaviour), both below INT32_MAX,
// and the verifier accepted accumulations that overflow int32 after one
// step. The bound is now computed in 128 bits.

// K = 1 was rejected before too (2^62 does not wrap).
func.func @fc_i32_k1(%x: tensor<1x1x!quant.uniform<i32:f32, 1.0>>, %w: tensor<3x1x!quant.uniform<i32:f32, 1.0>>) {
  // expected-error@+1 {{accumulating K = 1 products of magnitude up to 4611686018427387904 can overflow int32}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x1x!quant.uniform<i32:f32, 1.0>>, tensor<3x1x!quant.uniform<i32:f32, 1.0>> -> tensor<1x3xi32>
  return
}

// -----

func.func @fc_i32_k2(%x: tensor<1x2x!quant.uniform<i32:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i32:f32, 1.0>>) {
  // expected-error@+1 {{accumulating K = 2 products}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<i32:f32, 1.0>>, tensor<3x2x!quant.uniform<i32:f32, 1.0>> -> tensor<1x3xi32>
  return
}

// -----

func.func @fc_i32_k4(%x: tensor<1x4x!quant.uniform<i32:f32, 1.0>>, %w: tensor<3x4x!quant.uniform<i32:f32, 1.0>>) {
  // expected-error@+1 {{accumulating K = 4 products}}
  %0 = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i32:f32, 1.0>>, tensor<3x4x!quant.uniform<i32:f32, 1.0>> -> tensor<1x3xi32>
  return
}
