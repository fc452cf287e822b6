// Coded weights at the edges of the layouts (integration_test/coded-weights*.test):
// a depthwise 3x3 conv2d on a 1x1 image padded on every side (ternary
// weights, 2-bit codes), a 1x1 conv2d with pads on every side (int4
// weights, 4-bit codes), a fully-connected layer with K = 80 and 4 distinct
// weights (2-bit codes), then one with K = 7 < 8 and N = 1 (binary weights,
// 1-bit codes). Hand-written; the oracle is lowbit-run.
!qx = !quant.uniform<u8:f32, 0.05:100>
!q1 = !quant.uniform<i8:f32, 0.1:-5>
!q2 = !quant.uniform<u8:f32, 0.2:128>
!q3 = !quant.uniform<i8:f32, 0.3:3>
!qy = !quant.uniform<i8:f32, 0.1:0>
func.func @coded(%x: tensor<1x3x!qx>) -> tensor<1x1x!qy> {
  %r = lowbit.reshape %x : tensor<1x3x!qx> -> tensor<1x3x1x1x!qx>
  %w1 = lowbit.constant dense<[[[[1, 0, -1], [0, 1, 0], [-1, 0, 1]]], [[[0, 0, 0], [0, -1, 0], [0, 0, 0]]], [[[1, 1, 1], [1, 1, 1], [1, 1, -1]]]]> : tensor<3x1x3x3xi8> -> tensor<3x1x3x3x!quant.uniform<i8<-1:1>:f32:0, {0.5, 0.25, 0.125}>>
  %b1 = lowbit.constant dense<[5, -3, 0]> : tensor<3xi32> -> tensor<3xi32>
  %a1 = lowbit.conv2d %r, %w1, %b1 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 3 : i64} : tensor<1x3x1x1x!qx>, tensor<3x1x3x3x!quant.uniform<i8<-1:1>:f32:0, {0.5, 0.25, 0.125}>>, tensor<3xi32> -> tensor<1x3x1x1xi32>
  %y1 = lowbit.requantize %a1 multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<1x3x1x1xi32> -> tensor<1x3x1x1x!q1>
  %w2 = lowbit.constant dense<[[[[3]], [[-7]], [[1]]], [[[0]], [[5]], [[-2]]], [[[7]], [[-1]], [[4]]], [[[-3]], [[2]], [[6]]], [[[-5]], [[-4]], [[-6]]]]> : tensor<5x3x1x1xi8> -> tensor<5x3x1x1x!quant.uniform<i8<-7:7>:f32, 0.02>>
  %b2 = lowbit.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi32> -> tensor<5xi32>
  %a2 = lowbit.conv2d %y1, %w2, %b2 {strides = array<i64: 1, 1>, pads = array<i64: 2, 0, 1, 3>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x1x1x!q1>, tensor<5x3x1x1x!quant.uniform<i8<-7:7>:f32, 0.02>>, tensor<5xi32> -> tensor<1x5x4x4xi32>
  %y2 = lowbit.requantize %a2 multiplier [1073741824] shift [34] clamp [0, 255] : tensor<1x5x4x4xi32> -> tensor<1x5x4x4x!q2>
  %f = lowbit.reshape %y2 : tensor<1x5x4x4x!q2> -> tensor<1x80x!q2>
  %w3 = lowbit.constant dense<[[-2, 1, 3, 40, 3, 40, 40, -2, -2, 1, 1, 40, 40, -2, 1, 40, -2, 40, -2, 1, 40, 1, 1, 1, 3, 1, 40, 1, 1, 3, 3, 3, 3, 40, 40, 40, 3, 3, 1, 40, 1, -2, 40, -2, 40, 3, -2, -2, 1, -2, -2, 3, 40, 1, 40, 40, 40, 3, 1, 3, 1, 1, 1, -2, 40, -2, -2, -2, 40, 3, 40, -2, 3, 1, 1, -2, 3, 40, 3, -2], [3, 1, 40, 40, -2, 3, 40, 40, 3, 3, -2, 3, 1, -2, -2, 3, 3, 3, 3, 40, 3, 1, 3, 3, -2, -2, 3, 1, 3, 1, -2, -2, 1, 40, 1, 1, 3, 40, 1, 3, 1, 3, 1, 3, 3, 3, 40, -2, 3, 1, 1, -2, -2, 1, 40, -2, 1, 40, 40, -2, -2, 3, -2, 1, 1, 40, -2, 3, 3, -2, 40, 40, 1, 40, 3, 40, 40, 3, 1, -2], [3, -2, 40, 40, -2, 3, -2, -2, 1, 40, 40, 3, 3, 3, -2, 1, 40, 1, -2, -2, 3, -2, 40, 40, 3, 1, 40, 3, 1, 1, 1, 40, -2, -2, 3, 1, 40, -2, 40, -2, 1, 40, -2, 3, 3, 1, -2, 3, 1, 40, 3, 1, -2, 3, 1, 3, 40, 1, 40, 3, 3, 40, 40, 40, 40, -2, 1, 40, 1, -2, 3, 40, 3, 40, 3, -2, 40, 1, 40, 40], [40, -2, 40, 3, 1, 40, 40, 3, -2, 3, -2, -2, -2, -2, 40, 1, -2, -2, 1, 1, 1, 40, 40, 3, 40, 1, -2, 1, -2, 40, -2, 1, -2, 40, -2, 3, 40, 3, 40, 40, 40, 3, 3, 3, 40, 1, 40, 40, 1, 1, 3, 40, -2, -2, -2, 1, -2, 3, 3, 40, 3, 1, 40, 40, 3, 3, 1, 3, -2, 3, 40, 40, 1, 1, 3, 1, 3, -2, -2, -2], [1, -2, 1, 40, 40, 40, 3, -2, 3, 3, 40, 1, -2, 3, 1, 3, 1, 1, -2, 40, 40, 1, -2, 3, 1, 3, -2, -2, 3, -2, 3, 1, -2, 40, 3, 40, 40, 3, 40, -2, 40, 40, 3, 40, 3, 40, 40, 3, 40, 40, 1, -2, -2, -2, 1, -2, 1, 1, 3, -2, 40, -2, 40, 3, -2, -2, 1, 3, -2, -2, -2, 3, -2, -2, 1, 1, 3, 40, 40, 3], [3, 40, 1, 3, -2, 3, -2, -2, 40, 3, 1, -2, -2, 40, 1, 40, 40, 40, -2, -2, 3, 1, 40, 1, -2, -2, 1, 3, -2, 40, 1, 1, 3, 40, 1, 40, 1, -2, 40, 40, 40, 40, 1, -2, 3, 3, 1, 3, 1, 3, 40, -2, 1, 3, -2, 3, 40, 40, 3, 40, 1, 1, -2, 3, 1, 40, 1, 40, -2, -2, 1, -2, 1, 3, 3, -2, -2, 3, 3, 40], [40, 1, -2, 1, 40, 1, 40, 3, 3, -2, 3, 1, 40, -2, -2, 3, 3, 40, 3, 1, 1, 1, 3, 3, 1, -2, 3, -2, -2, 1, 40, 1, 3, -2, 1, 40, 40, 3, 40, 1, -2, -2, -2, 40, 40, -2, 3, -2, 40, -2, 3, -2, 3, 40, 3, 1, 40, 1, 40, 40, 1, 3, 40, -2, -2, 1, -2, 40, 40, 1, 1, 3, 1, -2, 3, 3, -2, 40, 3, 40]]> : tensor<7x80xi8> -> tensor<7x80x!quant.uniform<i8<-64:64>:f32, 0.01>>
  %b3 = lowbit.constant dense<[100, -200, 0, 7, 1000, -1000, 3]> : tensor<7xi32> -> tensor<7xi32>
  %a3 = lowbit.fully_connected %f, %w3, %b3 : tensor<1x80x!q2>, tensor<7x80x!quant.uniform<i8<-64:64>:f32, 0.01>>, tensor<7xi32> -> tensor<1x7xi32>
  %y3 = lowbit.requantize %a3 multiplier [1073741824] shift [36] clamp [-128, 127] : tensor<1x7xi32> -> tensor<1x7x!q3>
  %w4 = lowbit.constant dense<[[-1, 1, -1, -1, 1, -1, -1]]> : tensor<1x7xi8> -> tensor<1x7x!quant.uniform<i8<-1:1>:f32, 0.5>>
  %a4 = lowbit.fully_connected %y3, %w4 : tensor<1x7x!q3>, tensor<1x7x!quant.uniform<i8<-1:1>:f32, 0.5>> -> tensor<1x1xi32>
  %y = lowbit.requantize %a4 multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<1x1xi32> -> tensor<1x1x!qy>
  return %y : tensor<1x1x!qy>
}
