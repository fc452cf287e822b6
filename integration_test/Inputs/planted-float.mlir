// A quantized layer with floating point planted between the accumulator and
// the requantization. It compiles, but check-integer-only.py must reject it.
func.func @planted(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5:0>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.25:0>> {
  %w = lowbit.constant dense<[[1, -2, 3, 4], [5, 6, -7, 8]]> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i8:f32, 0.5:0>>, tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2xi32>
  %f = arith.sitofp %acc : tensor<1x2xi32> to tensor<1x2xf32>
  %half = arith.constant dense<0.75> : tensor<1x2xf32>
  %g = arith.mulf %f, %half : tensor<1x2xf32>
  %i = arith.fptosi %g : tensor<1x2xf32> to tensor<1x2xi32>
  %y = lowbit.requantize %i multiplier [1073741824] shift [30] clamp [-128, 127] : tensor<1x2xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.25:0>>
  return %y : tensor<1x2x!quant.uniform<i8:f32, 0.25:0>>
}
