// u8 input, per-channel weight zero points, shifts below, at and above 31 and
// 32 (both requantize lowerings), a ReLU clamp on u8 output.
func.func @mixed(%x: tensor<1x5x!quant.uniform<u8:f32, 0.02:128>>) -> tensor<1x4x!quant.uniform<u8:f32, 0.05:10>> {
  %w = lowbit.constant dense<[[127, -127, 3, 0, 77], [-5, 6, -7, 8, 9], [100, 100, -100, -100, 1], [1, 2, 3, 4, 5]]> : tensor<4x5xi8> -> tensor<4x5x!quant.uniform<i8:f32:0, {0.01:3, 0.02:-4, 0.005:0, 0.03:17}>>
  %b = lowbit.constant dense<[1000, -3000, 7, 0]> : tensor<4xi32> -> tensor<4xi32>
  %acc = lowbit.fully_connected %x, %w, %b : tensor<1x5x!quant.uniform<u8:f32, 0.02:128>>, tensor<4x5x!quant.uniform<i8:f32:0, {0.01:3, 0.02:-4, 0.005:0, 0.03:17}>>, tensor<4xi32> -> tensor<1x4xi32>
  %y = lowbit.requantize %acc multiplier [1073741824, 1717986918, 2147483647, 1288490189] shift [29, 31, 32, 40] clamp [10, 255] : tensor<1x4xi32> -> tensor<1x4x!quant.uniform<u8:f32, 0.05:10>>
  return %y : tensor<1x4x!quant.uniform<u8:f32, 0.05:10>>
}
