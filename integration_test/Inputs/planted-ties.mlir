// A model whose requantization hits many exact ties: M0 = 2^30 with shifts
// 32..35 gives y = acc / 4, acc / 8, acc / 16 and acc / 32, so every
// accumulator that is 2 mod 4, 4 mod 8, ... is a tie. Every shift is >= 32,
// so lowbit-compile uses the 32-bit requantize lowering unless told
// --no-i32-requantize. Used by planted-rounding-error.test.
func.func @ties(%x: tensor<1x3x!quant.uniform<i8:f32, 0.05:0>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1:0>> {
  %w = lowbit.constant dense<[[1, 2, 3], [3, -1, 1], [2, 2, -5], [1, 1, 1]]> : tensor<4x3xi8> -> tensor<4x3x!quant.uniform<i8:f32, 0.1>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x3x!quant.uniform<i8:f32, 0.05:0>>, tensor<4x3x!quant.uniform<i8:f32, 0.1>> -> tensor<1x4xi32>
  %y = lowbit.requantize %acc multiplier [1073741824, 1073741824, 1073741824, 1073741824] shift [32, 33, 34, 35] clamp [-128, 127] : tensor<1x4xi32> -> tensor<1x4x!quant.uniform<i8:f32, 0.1:0>>
  return %y : tensor<1x4x!quant.uniform<i8:f32, 0.1:0>>
}
