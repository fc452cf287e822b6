// RUN: lowbit-opt %s --lowbit-quantize=detect-low-bit=false | FileCheck %s
// RUN: lowbit-opt %s --lowbit-quantize="per-tensor-weights activation-type=i8" | FileCheck %s --check-prefix=I8

// (The weights here are powers of two, and the gemm's all equal: without
// detect-low-bit=false they would keep those exact forms, see
// quantize-low-bit.mlir; here they show the int8 rounding.)
// A calibrated CNN: conv (its only user is a relu, whose range it takes),
// max pool and reshape (same type), gemm, sigmoid (a table).
// Input range [0, 1] in u8: scale 1/255, zero point 0.
// CHECK-LABEL: func.func @cnn(
// CHECK-SAME: %[[X:.*]]: tensor<1x1x4x4x!quant.uniform<u8:f32, 0.0039215688593685627>>)
// CHECK-SAME: -> tensor<1x3x!quant.uniform<u8:f32, 0.0039215688593685627>>
// CHECK-NOT: lowbit.range
// Weights: max |w| = 1 in channel 0 (scale 1/127), 0.5 in channel 1 (scale
// 0.5/127); 0.5 * 127 = 63.5 ties to even (64), -0.25 * 127 = -31.75 rounds
// to -32, 0.125 * 254 = 31.75 to 32.
// CHECK: %[[W:.*]] = lowbit.constant dense<{{\[\[\[\[}}64, -32], [127, 0]]], {{\[\[\[}}-127, 127], [64, 32]]]]> : tensor<2x1x2x2xi8> -> tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32:0, {0.0078740157186985015,0.0039370078593492508}>>
// Bias in the accumulator scale: 0.2 * 255 * 127 = 6477 and
// -0.2 * 255 * 254 = -12954.
// CHECK: %[[B:.*]] = lowbit.constant dense<[6477, -12954]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = lowbit.conv2d %[[X]], %[[W]], %[[B]] {{.*}} -> tensor<1x2x4x4xi32>
// Relu's range [0, 2] in u8: scale 2/255, zero point 0; M = (1/255)(1/127) /
// (2/255) = 1/254 = 0.50394 * 2^-7, so n = 38; channel 1: 1/508, n = 39.
// CHECK: %[[Y:.*]] = lowbit.requantize %[[ACC]] multiplier [{{108219648[0-9]}}, {{108219648[0-9]}}] shift [38, 39] clamp [0, 255] {channel_axis = 1 : i64} : tensor<1x2x4x4xi32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431377187371254>>
// The relu is the identity clamped to [0, 255] on that type.
// CHECK: %[[R:.*]] = lowbit.lookup %[[Y]] table [0, 1, 2, {{.*}}, 254, 255] : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431377187371254>> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431377187371254>>
// CHECK: %[[P:.*]] = lowbit.max_pool %[[R]] {{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431377187371254>>
// CHECK: %[[F:.*]] = lowbit.reshape %[[P]] : {{.*}} -> tensor<1x8x!quant.uniform<u8:f32, 0.0078431377187371254>>
// CHECK: %[[GW:.*]] = lowbit.constant dense<127> : tensor<3x8xi8>
// CHECK: %[[FC:.*]] = lowbit.fully_connected %[[F]], %[[GW]], %{{.*}} : {{.*}} -> tensor<1x3xi32>
// Gemm range [-1, 4]: scale 5/255, zero point 51. No channel_axis: the
// per-channel parameters of a fully-connected output are innermost.
// CHECK: %[[G:.*]] = lowbit.requantize %[[FC]] {{.*}} clamp [0, 255] : tensor<1x3xi32> -> tensor<1x3x!quant.uniform<u8:f32, 0.019607843831181526:51>>
// sigmoid(-51 * 5/255) = sigmoid(-1) = 0.2689 -> 68.6 -> 69; sigmoid(0) = 0.5
// at q = 51 -> 127.5 -> 128 (nearbyint: ties to even).
// CHECK: %[[S:.*]] = lowbit.lookup %[[G]] table [69, 70, 71, {{.*}}] : {{.*}} -> tensor<1x3x!quant.uniform<u8:f32, 0.0039215688593685627>>
// CHECK: return %[[S]]

// With per-tensor weights and int8 activations: one scale for the weight,
// one multiplier, and signed types ([0, 1] in i8: zero point -128).
// I8-LABEL: func.func @cnn(
// I8-SAME: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>
// I8: lowbit.constant dense<{{\[\[\[\[}}64, -32], [127, 0]]], {{\[\[\[}}-64, 64], [32, 16]]]]> : tensor<2x1x2x2xi8> -> tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32, 0.0078740157186985015>>
// I8: lowbit.requantize %{{.*}} multiplier [{{[0-9]+}}] shift [38] clamp [-128, 127] : tensor<1x2x4x4xi32>
func.func @cnn(%x: tensor<1x1x4x4xf32> {lowbit.range = array<f64: 0.0, 1.0>}) -> tensor<1x3xf32> {
  %w = lowbit.constant dense<[[[[0.5, -0.25], [1.0, 0.0]]], [[[-0.5, 0.5], [0.25, 0.125]]]]> : tensor<2x1x2x2xf32> -> tensor<2x1x2x2xf32>
  %b = lowbit.constant dense<[0.2, -0.2]> : tensor<2xf32> -> tensor<2xf32>
  %c = lowbit.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, lowbit.range = array<f64: -1.5, 2.0>} : tensor<1x1x4x4xf32>, tensor<2x1x2x2xf32>, tensor<2xf32> -> tensor<1x2x4x4xf32> loc("conv")
  %r = lowbit.relu %c {lowbit.range = array<f64: 0.0, 2.0>} : tensor<1x2x4x4xf32> loc("relu")
  %p = lowbit.max_pool %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, lowbit.range = array<f64: 0.0, 2.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32> loc("pool")
  %f = lowbit.reshape %p {lowbit.range = array<f64: 0.0, 2.0>} : tensor<1x2x2x2xf32> -> tensor<1x8xf32> loc("flatten")
  %gw = lowbit.constant dense<0.25> : tensor<3x8xf32> -> tensor<3x8xf32>
  %gb = lowbit.constant dense<[0.5, 0.0, -0.5]> : tensor<3xf32> -> tensor<3xf32>
  %g = lowbit.gemm %f, %gw, %gb {trans_b, lowbit.range = array<f64: -1.0, 4.0>} : tensor<1x8xf32>, tensor<3x8xf32>, tensor<3xf32> -> tensor<1x3xf32> loc("fc")
  %s = lowbit.sigmoid %g {lowbit.range = array<f64: 0.0, 1.0>} : tensor<1x3xf32> loc("sigmoid")
  return %s : tensor<1x3xf32>
}

