// RUN: lowbit-opt %s --lowbit-quantize --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --lowbit-quantize="activation-type=i8" --split-input-file | FileCheck %s --check-prefix=I8

// Softmax of a quantized input becomes lowbit.quantized_softmax with the
// fixed result type (scale 1/256, zero point 0 for u8, -128 for i8); the
// result's calibrated range [0.2, 0.3] is not used. The input range
// [-255 ln 2, 0] gives S = ln 2 (to float32 precision), so the table is
// round(2^k * 2^-j) = 2^(22 - j): N = 10 gives k = 22, the largest k with
// (10 + 256) * 2^k <= 2^31 - 1.
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:.*]]: tensor<1x10x!quant.uniform<u8:f32, 0.693147{{[0-9]*}}:255>>)
// CHECK-SAME: -> tensor<1x10x!quant.uniform<u8:f32, 3.906250e-03>>
// CHECK: %[[P:.*]] = lowbit.quantized_softmax %[[X]] axis 1 exp_table [4194304, 2097152, 1048576, 524288, 262144, {{.*}}, 4, 2, 1, {{0|1}}, 0, 0, {{.*}}, 0] : tensor<1x10x!quant.uniform<u8:f32, 0.693147{{[0-9]*}}:255>> -> tensor<1x10x!quant.uniform<u8:f32, 3.906250e-03>>
// CHECK: return %[[P]]
// I8-LABEL: func.func @softmax(
// I8: lowbit.quantized_softmax %{{.*}} axis 1 exp_table [4194304, 2097152, {{.*}}] : tensor<1x10x!quant.uniform<i8:f32, 0.693147{{[0-9]*}}:127>> -> tensor<1x10x!quant.uniform<i8:f32, 3.906250e-03:-128>>
func.func @softmax(%x: tensor<1x10xf32> {lowbit.range = array<f64: -176.752531, 0.0>}) -> tensor<1x10xf32> {
  %s = lowbit.softmax %x axis 1 {lowbit.range = array<f64: 0.2, 0.3>} : tensor<1x10xf32> loc("probs")
  return %s : tensor<1x10xf32>
}

// -----

// Along a middle axis of 1000 values: k = 20 ((1000 + 256) * 2^20 <= 2^31 - 1
// < (1000 + 256) * 2^21); an uncalibrated result is fine (the type is fixed).
// CHECK-LABEL: func.func @axis_one
// CHECK: lowbit.quantized_softmax %{{.*}} axis 1 exp_table [1048576, {{.*}}] : tensor<2x1000x3x!quant.uniform<u8:f32, {{.*}}>> -> tensor<2x1000x3x!quant.uniform<u8:f32, 3.906250e-03>>
func.func @axis_one(%x: tensor<2x1000x3xf32> {lowbit.range = array<f64: -1.0, 1.0>}) -> tensor<2x1000x3xf32> {
  %s = lowbit.softmax %x axis 1 : tensor<2x1000x3xf32> loc("probs")
  return %s : tensor<2x1000x3xf32>
}

// -----

// A QDQ model that fixes another result type (lowbit.quant_type) gets a
// rescale from 1/256 to it: M = (1/256) / (1/128) = 1/2 (M0 = 2^30, n = 31).
// CHECK-LABEL: func.func @annotated
// CHECK: %[[P:.*]] = lowbit.quantized_softmax {{.*}} -> tensor<1x4x!quant.uniform<u8:f32, 3.906250e-03>>
// CHECK: %[[R:.*]] = lowbit.requantize %[[P]] multiplier [1073741824] shift [31] clamp [0, 255] : tensor<1x4x!quant.uniform<u8:f32, 3.906250e-03>> -> tensor<1x4x!quant.uniform<u8:f32, 7.812500e-03:2>>
// CHECK: return %[[R]]
func.func @annotated(%x: tensor<1x4xf32> {lowbit.range = array<f64: -1.0, 1.0>}) -> tensor<1x4xf32> {
  %s = lowbit.softmax %x axis 1 {lowbit.quant_type = !quant.uniform<u8:f32, 0.0078125:2>} : tensor<1x4xf32> loc("probs")
  return %s : tensor<1x4xf32>
}
