// RUN: lowbit-opt %s --lowbit-export-entry | FileCheck %s
// RUN: lowbit-opt %s --lowbit-export-entry=name=net | FileCheck %s --check-prefix=NAMED

// The model function becomes private, to be inlined into the entry.
// CHECK-LABEL: func.func private @model
// NAMED: func.func private @model
func.func @model(%x: tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-1>>) -> tensor<1x2x!quant.uniform<u8:f32, 2.500000e-01:3>> {
  %w = lowbit.constant dense<1> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-1>>, tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [0, 255] : tensor<1x2xi32> -> tensor<1x2x!quant.uniform<u8:f32, 2.500000e-01:3>>
  return %y : tensor<1x2x!quant.uniform<u8:f32, 2.500000e-01:3>>
}

// CHECK-LABEL: func.func @model_run
// CHECK-SAME: (%[[IN:.*]]: memref<1x4xi8>, %[[OUT:.*]]: memref<1x2xi8>) -> i32
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[IN]] restrict : memref<1x4xi8> to tensor<1x4xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[T]] : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK: %[[R:.*]] = call @model(%[[Q]])
// CHECK: %[[S:.*]] = quant.scast %[[R]] : tensor<1x2x!quant.uniform<u8:f32, 2.500000e-01:3>> to tensor<1x2xi8>
// CHECK: bufferization.materialize_in_destination %[[S]] in restrict writable %[[OUT]]
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: return %[[ZERO]] : i32

// q = clamp(roundeven(x / 0.5), -128 - (-1), 127 - (-1)) + (-1), NaN -> 0.
// CHECK-LABEL: func.func @model_quantize_input
// CHECK-SAME: (%{{.*}}: memref<1x4xf32>, %{{.*}}: memref<1x4xi8>)
// CHECK: linalg.generic
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: math.roundeven
// CHECK: arith.cmpf uno
// CHECK: arith.select
// CHECK: arith.constant -1.270000e+02 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 1.280000e+02 : f32
// CHECK: arith.minimumf
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.constant -1 : i32
// CHECK: arith.addi
// CHECK: arith.trunci %{{.*}} : i32 to i8

// y = 0.25 * (float)(zext(q) - 3): u8 storage extends without sign.
// CHECK-LABEL: func.func @model_dequantize_output
// CHECK-SAME: (%{{.*}}: memref<1x2xi8>, %{{.*}}: memref<1x2xf32>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.constant 3 : i32
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.constant 2.500000e-01 : f32
// CHECK: arith.mulf

// NAMED-DAG: func.func @net_run(
// NAMED-DAG: func.func @net_quantize_input(
// NAMED-DAG: func.func @net_dequantize_output(
