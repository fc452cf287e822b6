// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s

// requantize with channel_axis = 1 on an NCHW accumulator (the output of a
// quantized conv2d): the per-channel parameters are [C] tensors indexed by
// dimension 1, not by the innermost one.

// 32-bit path: n = [32, 36, 40] gives r = [0, 4, 8] and addends
// [0, 2^3, 2^7].
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH1:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @nchw_i32_path
// CHECK-SAME: (%[[ACC:.*]]: tensor<1x3x2x5xi32>) -> tensor<1x3x2x5xi8>
func.func @nchw_i32_path(%acc: tensor<1x3x2x5xi32>) -> tensor<1x3x2x5x!quant.uniform<u8:f32, 0.5:10>> {
  // CHECK-DAG: %[[M:.*]] = arith.constant dense<[1073741824, 1200000000, 2147483647]> : tensor<3xi32>
  // CHECK-DAG: %[[R:.*]] = arith.constant dense<[0, 4, 8]> : tensor<3xi32>
  // CHECK-DAG: %[[ADD:.*]] = arith.constant dense<[0, 8, 128]> : tensor<3xi32>
  // CHECK: linalg.generic {indexing_maps = [#[[ID4]], #[[CH1]], #[[CH1]], #[[CH1]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[ACC]], %[[M]], %[[R]], %[[ADD]] : tensor<1x3x2x5xi32>, tensor<3xi32>, tensor<3xi32>, tensor<3xi32>) outs(%{{.*}} : tensor<1x3x2x5xi8>)
  // CHECK: arith.mulsi_extended
  // CHECK: arith.trunci %{{.*}} : i32 to i8
  %0 = lowbit.requantize %acc multiplier [1073741824, 1200000000, 2147483647] shift [32, 36, 40] clamp [0, 255] {channel_axis = 1 : i64} : tensor<1x3x2x5xi32> -> tensor<1x3x2x5x!quant.uniform<u8:f32, 0.5:10>>
  return %0 : tensor<1x3x2x5x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// 64-bit path (one shift below 32): n and 2^(n-1) = [2^30, 2^32], still
// indexed by dimension 1 of a [N, C, H, W] accumulator whose last dimension
// (4) differs from C (2).
// CHECK-DAG: #[[CH1:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @nchw_i64_path
func.func @nchw_i64_path(%acc: tensor<2x2x3x4xi32>) -> tensor<2x2x3x4x!quant.uniform<i8:f32, 0.5:-3>> {
  // CHECK-DAG: %[[M:.*]] = arith.constant dense<[1500000000, 1100000000]> : tensor<2xi32>
  // CHECK-DAG: %[[N:.*]] = arith.constant dense<[31, 33]> : tensor<2xi32>
  // CHECK-DAG: %[[A:.*]] = arith.constant dense<[1073741824, 4294967296]> : tensor<2xi64>
  // CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH1]], #[[CH1]], #[[CH1]], #{{.*}}], {{.*}} ins(%{{.*}}, %[[M]], %[[N]], %[[A]] : tensor<2x2x3x4xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi64>)
  // CHECK-NOT: arith.mulsi_extended
  // CHECK: arith.muli %{{.*}}, %{{.*}} : i64
  %0 = lowbit.requantize %acc multiplier [1500000000, 1100000000] shift [31, 33] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<2x2x3x4xi32> -> tensor<2x2x3x4x!quant.uniform<i8:f32, 0.5:-3>>
  return %0 : tensor<2x2x3x4x!quant.uniform<i8:f32, 0.5:-3>>
}
