// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --convert-lowbit-to-linalg=allow-i32-requantize=false --split-input-file | FileCheck %s --check-prefix=I64

// No lowering may shift left by a variable amount (baseline x86 turns a
// vector shl into float conversions): every power of two is a constant.
// CHECK-NOT: arith.shli
// I64-NOT: arith.shli
// I64-NOT: arith.mulsi_extended

// Every shift >= 32 with single rounding: the 32-bit path.
// CHECK-LABEL: func.func @i32_path
func.func @i32_path(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 1.0:5>> {
  // CHECK: linalg.generic
  // CHECK: ^bb0(%[[X:.*]]: i32, %{{.*}}: i8):
  // CHECK-DAG: %[[M:.*]] = arith.constant 1518500250 : i32
  // CHECK-DAG: %[[R:.*]] = arith.constant 6 : i32
  // CHECK-DAG: %[[ADD:.*]] = arith.constant 32 : i32
  // CHECK: %[[LO:.*]], %[[HI:.*]] = arith.mulsi_extended %[[X]], %[[M]] : i32
  // CHECK: %[[CARRY:.*]] = arith.shrui %[[LO]]
  // CHECK: %[[ROUND:.*]] = arith.select %{{.*}}, %[[CARRY]], %[[ADD]] : i32
  // CHECK: %[[SUM:.*]] = arith.addi %[[HI]], %[[ROUND]] : i32
  // CHECK: %[[Y:.*]] = arith.shrsi %[[SUM]], %[[R]] : i32
  // CHECK: arith.constant 5 : i32
  // CHECK: arith.maxsi
  // CHECK: arith.minsi
  // CHECK: arith.trunci %{{.*}} : i32 to i8
  // I64-LABEL: func.func @i32_path
  // I64: arith.constant 1518500250 : i32
  // I64: arith.constant 38 : i32
  // I64: arith.constant 137438953472 : i64
  // I64: arith.muli %{{.*}}, %{{.*}} : i64
  // I64: arith.shrsi %{{.*}}, %{{.*}} : i64
  %0 = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0:5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0:5>>
}

// -----

// One channel with shift < 32: every channel takes the 64-bit path, with the
// per-channel parameters as constant tensors: M0, n and 2^(n-1).
// CHECK-LABEL: func.func @i64_path_per_channel
func.func @i64_path_per_channel(%acc: tensor<2x3xi32>) -> tensor<2x3x!quant.uniform<u8:f32, 1.0:3>> {
  // CHECK-DAG: %[[M:.*]] = arith.constant dense<[1073741824, 1518500250, 2147483647]> : tensor<3xi32>
  // CHECK-DAG: %[[N:.*]] = arith.constant dense<[30, 33, 62]> : tensor<3xi32>
  // CHECK-DAG: %[[A:.*]] = arith.constant dense<[536870912, 4294967296, 2305843009213693952]> : tensor<3xi64>
  // CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[M]], %[[N]], %[[A]] : tensor<2x3xi32>, tensor<3xi32>, tensor<3xi32>, tensor<3xi64>)
  // CHECK-NOT: arith.mulsi_extended
  // CHECK: arith.muli %{{.*}}, %{{.*}} : i64
  // CHECK: arith.constant 3 : i64
  // CHECK: arith.constant 255 : i64
  %0 = lowbit.requantize %acc multiplier [1073741824, 1518500250, 2147483647] shift [30, 33, 62] clamp [3, 255] : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<u8:f32, 1.0:3>>
  return %0 : tensor<2x3x!quant.uniform<u8:f32, 1.0:3>>
}

// -----

// Double rounding: 2^max(31-n, 0) as a factor, max(n-31, 0) and its mask.
// CHECK-LABEL: func.func @double_per_channel
func.func @double_per_channel(%acc: tensor<2xi32>) -> tensor<2x!quant.uniform<i8:f32, 1.0>> {
  // CHECK-DAG: arith.constant dense<1073741824> : tensor<2xi32>
  // CHECK-DAG: arith.constant dense<[4, 1]> : tensor<2xi64>
  // CHECK-DAG: arith.constant dense<[0, 5]> : tensor<2xi32>
  // CHECK-DAG: arith.constant dense<[0, 31]> : tensor<2xi32>
  // CHECK: linalg.generic
  // CHECK-NOT: arith.mulsi_extended
  // CHECK: arith.divsi %{{.*}}, %{{.*}} : i64
  %0 = lowbit.requantize %acc multiplier [1073741824, 1073741824] shift [29, 36] clamp [-128, 127] rounding <double> : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 1.0>>
}
