// Two depthwise 3x3 layers (stride 1, pad 1, 4 channels) whose
// requantization hits many exact ties, as Inputs/planted-ties.mlir does for
// a fully-connected layer: M0 = 2^30 with shift n gives y = acc / 2^(n-30).
// The first layer's shifts are all above 32 (the 32-bit lowering then forms
// no carry select); the second has 32 (rounding on the carry of the low
// half) next to 33..35. Used by planted-rounding-error.test.
func.func @ties_depthwise(%in: tensor<1x168x!quant.uniform<i8:f32, 0.05:0>>) -> tensor<1x4x6x7x!quant.uniform<i8:f32, 0.1:0>> {
  %x = lowbit.reshape %in : tensor<1x168x!quant.uniform<i8:f32, 0.05:0>> -> tensor<1x4x6x7x!quant.uniform<i8:f32, 0.05:0>>
  %w1 = lowbit.constant dense<[[[[1, 2, 1], [-3, 5, 2], [1, -1, 1]]], [[[2, 2, -5], [1, 1, 1], [3, -2, 1]]], [[[-1, 4, 1], [2, 1, -2], [1, 3, 1]]], [[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]> : tensor<4x1x3x3xi8> -> tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>
  %a1 = lowbit.conv2d %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4 : i64} : tensor<1x4x6x7x!quant.uniform<i8:f32, 0.05:0>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>> -> tensor<1x4x6x7xi32>
  %y1 = lowbit.requantize %a1 multiplier [1073741824, 1073741824, 1073741824, 1073741824] shift [33, 34, 35, 36] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<1x4x6x7xi32> -> tensor<1x4x6x7x!quant.uniform<i8:f32, 0.05:0>>
  %w2 = lowbit.constant dense<[[[[2, -1, 1], [1, 3, 1], [1, 1, -2]]], [[[1, 2, 1], [2, 4, 2], [1, 2, 1]]], [[[3, 1, -1], [1, -2, 1], [2, 1, 1]]], [[[1, -1, 1], [-1, 5, -1], [1, -1, 1]]]]> : tensor<4x1x3x3xi8> -> tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>
  %a2 = lowbit.conv2d %y1, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4 : i64} : tensor<1x4x6x7x!quant.uniform<i8:f32, 0.05:0>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>> -> tensor<1x4x6x7xi32>
  %y2 = lowbit.requantize %a2 multiplier [1073741824, 1073741824, 1073741824, 1073741824] shift [32, 33, 34, 35] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<1x4x6x7xi32> -> tensor<1x4x6x7x!quant.uniform<i8:f32, 0.1:0>>
  return %y2 : tensor<1x4x6x7x!quant.uniform<i8:f32, 0.1:0>>
}
