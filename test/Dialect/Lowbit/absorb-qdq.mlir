// RUN: lowbit-opt %s --lowbit-absorb-qdq | FileCheck %s
// RUN: lowbit-opt %s --lowbit-absorb-qdq --lowbit-quantize | FileCheck %s --check-prefix=QUANT

// A QDQ fully-connected layer as PyTorch exports it: the input quantized and
// dequantized, the weight a dequantized int8 per-channel initializer, the
// bias a dequantized int32 initializer, the output quantized and
// dequantized.
// CHECK-LABEL: func.func @fc(
// CHECK-SAME: %[[X:.*]]: tensor<1x4xf32> {lowbit.quant_type = !quant.uniform<u8:f32, 5.000000e-01:3>})
// CHECK-NOT: quant.qcast
// CHECK-NOT: quant.dcast
// w = S * q per channel: [1, 2, -1, 0] * 0.25 and [4, 0, 0, -4] * 0.125.
// CHECK: %[[W:.*]] = lowbit.constant dense<{{\[\[}}2.500000e-01, 5.000000e-01, -2.500000e-01, 0.000000e+00], [5.000000e-01, 0.000000e+00, 0.000000e+00, -5.000000e-01]]> : tensor<2x4xf32> {lowbit.quant_type = !quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,1.250000e-01}>} -> tensor<2x4xf32>
// Bias: S = 0.5 * [0.25, 0.125]: [8, -16] -> [1, -1].
// CHECK: %[[B:.*]] = lowbit.constant dense<[1.000000e+00, -1.000000e+00]>
// CHECK: %[[G:.*]] = lowbit.gemm %[[X]], %[[W]], %[[B]] {lowbit.quant_type = !quant.uniform<u8:f32, 2.500000e-01:10>, trans_b}
// CHECK: return %[[G]]

// The quantizer then rebuilds exactly the model's integers.
// QUANT-LABEL: func.func @fc(
// QUANT-SAME: tensor<1x4x!quant.uniform<u8:f32, 5.000000e-01:3>>) -> tensor<1x2x!quant.uniform<u8:f32, 2.500000e-01:10>>
// QUANT: lowbit.constant dense<{{\[\[}}1, 2, -1, 0], [4, 0, 0, -4]]> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,1.250000e-01}>>
// QUANT: lowbit.constant dense<[8, -16]> : tensor<2xi32>
// QUANT: lowbit.fully_connected
// M = 0.5 * [0.25, 0.125] / 0.25 = [0.5, 0.25] = 2^30 * 2^-31 and 2^30 * 2^-32.
// QUANT: lowbit.requantize %{{.*}} multiplier [1073741824, 1073741824] shift [31, 32] clamp [0, 255]
func.func @fc(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %qx = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 0.5:3>>
  %dx = quant.dcast %qx : tensor<1x4x!quant.uniform<u8:f32, 0.5:3>> to tensor<1x4xf32>
  %qw = lowbit.constant dense<[[1, 2, -1, 0], [4, 0, 0, -4]]> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>>
  %dw = quant.dcast %qw : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>> to tensor<2x4xf32>
  %qb = lowbit.constant dense<[8, -16]> : tensor<2xi32> -> tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %db = quant.dcast %qb : tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>> to tensor<2xf32>
  %y = lowbit.gemm %dx, %dw, %db {trans_b} : tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32> -> tensor<1x2xf32>
  %qy = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<u8:f32, 0.25:10>>
  %dy = quant.dcast %qy : tensor<1x2x!quant.uniform<u8:f32, 0.25:10>> to tensor<1x2xf32>
  return %dy : tensor<1x2xf32>
}
