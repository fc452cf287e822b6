// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --convert-lowbit-to-linalg=allow-i32-requantize=false --split-input-file | FileCheck %s --check-prefix=I64

// Whole-output properties, each under a prefix of its own so that the NOT
// lines scan the entire output: no lowering shifts left by a variable amount
// (every power of two is a precomputed constant), no quantized type is left,
// and with allow-i32-requantize=false no op takes the 32-bit path.
// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s --check-prefix=NOSHL
// RUN: lowbit-opt %s --convert-lowbit-to-linalg=allow-i32-requantize=false --split-input-file | FileCheck %s --check-prefixes=NOSHL,NOI32
// NOSHL-NOT: arith.shli
// NOSHL-NOT: !quant
// NOSHL-NOT: lowbit.
// NOI32-NOT: arith.mulsi_extended

// The derived parameters below are computed by hand from (M0, n):
//   single, i64:  n, 2^(n-1)
//   single, i32:  r = n - 32, 2^(r-1) (0 when r = 0)
//   double:       2^max(31-n, 0), max(n-31, 0), 2^max(n-31, 0) - 1

// -----

// Per-tensor, every shift >= 32, single rounding: the 32-bit path.
// M0 = 1518500250, n = 38: r = 6, addend 2^5 = 32.
// CHECK-LABEL: func.func @i32_path
// CHECK-SAME: (%[[ACC:.*]]: tensor<4xi32>) -> tensor<4xi8>
// I64-LABEL: func.func @i32_path
func.func @i32_path(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 1.0:5>> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<4xi8>
  // CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[ID]]], iterator_types = ["parallel"]} ins(%[[ACC]] : tensor<4xi32>) outs(%[[E]] : tensor<4xi8>)
  // CHECK-NEXT: ^bb0(%[[X:.*]]: i32, %{{.*}}: i8):
  // CHECK-DAG: %[[M:.*]] = arith.constant 1518500250 : i32
  // CHECK-DAG: %[[R:.*]] = arith.constant 6 : i32
  // CHECK-DAG: %[[ADD:.*]] = arith.constant 32 : i32
  // CHECK: %[[LO:.*]], %[[HI:.*]] = arith.mulsi_extended %[[X]], %[[M]] : i32
  // CHECK-DAG: %[[C0:.*]] = arith.constant 0 : i32
  // CHECK-DAG: %[[C31:.*]] = arith.constant 31 : i32
  // CHECK-DAG: %[[ISZERO:.*]] = arith.cmpi eq, %[[R]], %[[C0]] : i32
  // CHECK-DAG: %[[CARRY:.*]] = arith.shrui %[[LO]], %[[C31]] : i32
  // CHECK: %[[ROUND:.*]] = arith.select %[[ISZERO]], %[[CARRY]], %[[ADD]] : i32
  // CHECK: %[[SUM:.*]] = arith.addi %[[HI]], %[[ROUND]] : i32
  // CHECK: %[[Y:.*]] = arith.shrsi %[[SUM]], %[[R]] : i32
  // CHECK: %[[ZP:.*]] = arith.constant 5 : i32
  // CHECK: %[[YZ:.*]] = arith.addi %[[Y]], %[[ZP]] : i32
  // CHECK-DAG: %[[HIGH:.*]] = arith.constant 127 : i32
  // CHECK-DAG: %[[LOW:.*]] = arith.constant -128 : i32
  // CHECK: %[[MAX:.*]] = arith.maxsi %[[YZ]], %[[LOW]] : i32
  // CHECK: %[[MIN:.*]] = arith.minsi %[[MAX]], %[[HIGH]] : i32
  // CHECK: %[[T:.*]] = arith.trunci %[[MIN]] : i32 to i8
  // CHECK: linalg.yield %[[T]] : i8
  // The same op with allow-i32-requantize=false: n = 38, 2^37.
  // I64: ^bb0(%[[X:.*]]: i32, %{{.*}}: i8):
  // I64-DAG: %[[M:.*]] = arith.constant 1518500250 : i32
  // I64-DAG: %[[N:.*]] = arith.constant 38 : i32
  // I64-DAG: %[[ADD:.*]] = arith.constant 137438953472 : i64
  // I64: %[[XW:.*]] = arith.extsi %[[X]] : i32 to i64
  // I64: %[[MW:.*]] = arith.extsi %[[M]] : i32 to i64
  // I64: %[[P:.*]] = arith.muli %[[XW]], %[[MW]] : i64
  // I64: %[[NW:.*]] = arith.extsi %[[N]] : i32 to i64
  // I64: %[[PA:.*]] = arith.addi %[[P]], %[[ADD]] : i64
  // I64: %[[Y:.*]] = arith.shrsi %[[PA]], %[[NW]] : i64
  // I64: %[[ZP:.*]] = arith.constant 5 : i64
  // I64: %[[YZ:.*]] = arith.addi %[[Y]], %[[ZP]] : i64
  // I64-DAG: %[[HIGH:.*]] = arith.constant 127 : i64
  // I64-DAG: %[[LOW:.*]] = arith.constant -128 : i64
  // I64: %[[MAX:.*]] = arith.maxsi %[[YZ]], %[[LOW]] : i64
  // I64: %[[MIN:.*]] = arith.minsi %[[MAX]], %[[HIGH]] : i64
  // I64: %[[T32:.*]] = arith.trunci %[[MIN]] : i64 to i32
  // I64: %[[T:.*]] = arith.trunci %[[T32]] : i32 to i8
  // I64: linalg.yield %[[T]] : i8
  %0 = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0:5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0:5>>
}

// -----

// Per-channel on the 32-bit path: n = [32, 38, 62] gives r = [0, 6, 30] and
// addends [0, 2^5, 2^29]; the parameters are [C] tensors indexed by the
// innermost dimension. u8 output: clamp [3, 255], then truncate to i8.
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @i32_path_per_channel
// CHECK-SAME: (%[[ACC:.*]]: tensor<2x5x3xi32>) -> tensor<2x5x3xi8>
// I64-LABEL: func.func @i32_path_per_channel
func.func @i32_path_per_channel(%acc: tensor<2x5x3xi32>) -> tensor<2x5x3x!quant.uniform<u8:f32, 1.0:3>> {
  // CHECK-DAG: %[[M:.*]] = arith.constant dense<[1073741824, 1518500250, 2147483647]> : tensor<3xi32>
  // CHECK-DAG: %[[R:.*]] = arith.constant dense<[0, 6, 30]> : tensor<3xi32>
  // CHECK-DAG: %[[ADD:.*]] = arith.constant dense<[0, 32, 536870912]> : tensor<3xi32>
  // CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[CH]], #[[CH]], #[[CH]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[ACC]], %[[M]], %[[R]], %[[ADD]] : tensor<2x5x3xi32>, tensor<3xi32>, tensor<3xi32>, tensor<3xi32>) outs(%{{.*}} : tensor<2x5x3xi8>)
  // CHECK-NEXT: ^bb0(%[[X:.*]]: i32, %[[MV:.*]]: i32, %[[RV:.*]]: i32, %[[AV:.*]]: i32, %{{.*}}: i8):
  // CHECK: %[[LO:.*]], %[[HI:.*]] = arith.mulsi_extended %[[X]], %[[MV]] : i32
  // CHECK: arith.cmpi eq, %[[RV]], %{{.*}} : i32
  // CHECK: %[[ROUND:.*]] = arith.select %{{.*}}, %{{.*}}, %[[AV]] : i32
  // CHECK: %[[SUM:.*]] = arith.addi %[[HI]], %[[ROUND]] : i32
  // CHECK: arith.shrsi %[[SUM]], %[[RV]] : i32
  // CHECK: arith.constant 3 : i32
  // CHECK-DAG: %[[HIGH:.*]] = arith.constant 255 : i32
  // CHECK-DAG: %[[LOW:.*]] = arith.constant 3 : i32
  // CHECK: arith.maxsi %{{.*}}, %[[LOW]] : i32
  // CHECK: arith.minsi %{{.*}}, %[[HIGH]] : i32
  // CHECK: arith.trunci %{{.*}} : i32 to i8
  // Without the 32-bit path: n and 2^(n-1) = [2^31, 2^37, 2^61].
  // I64-DAG: arith.constant dense<[1073741824, 1518500250, 2147483647]> : tensor<3xi32>
  // I64-DAG: arith.constant dense<[32, 38, 62]> : tensor<3xi32>
  // I64-DAG: arith.constant dense<[2147483648, 137438953472, 2305843009213693952]> : tensor<3xi64>
  // I64: linalg.generic
  // I64: arith.muli %{{.*}}, %{{.*}} : i64
  %0 = lowbit.requantize %acc multiplier [1073741824, 1518500250, 2147483647] shift [32, 38, 62] clamp [3, 255] : tensor<2x5x3xi32> -> tensor<2x5x3x!quant.uniform<u8:f32, 1.0:3>>
  return %0 : tensor<2x5x3x!quant.uniform<u8:f32, 1.0:3>>
}

// -----

// One channel with a shift below 32: every channel takes the 64-bit path,
// with M0, n and 2^(n-1) = [2^29, 2^32, 2^61].
// CHECK-LABEL: func.func @i64_path_per_channel
// I64-LABEL: func.func @i64_path_per_channel
func.func @i64_path_per_channel(%acc: tensor<2x3xi32>) -> tensor<2x3x!quant.uniform<u8:f32, 1.0:3>> {
  // CHECK-DAG: %[[M:.*]] = arith.constant dense<[1073741824, 1518500250, 2147483647]> : tensor<3xi32>
  // CHECK-DAG: %[[N:.*]] = arith.constant dense<[30, 33, 62]> : tensor<3xi32>
  // CHECK-DAG: %[[A:.*]] = arith.constant dense<[536870912, 4294967296, 2305843009213693952]> : tensor<3xi64>
  // CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[M]], %[[N]], %[[A]] : tensor<2x3xi32>, tensor<3xi32>, tensor<3xi32>, tensor<3xi64>)
  // CHECK-NEXT: ^bb0(%[[X:.*]]: i32, %[[MV:.*]]: i32, %[[NV:.*]]: i32, %[[AV:.*]]: i64, %{{.*}}: i8):
  // CHECK-NOT: arith.mulsi_extended
  // CHECK: %[[XW:.*]] = arith.extsi %[[X]] : i32 to i64
  // CHECK: %[[MW:.*]] = arith.extsi %[[MV]] : i32 to i64
  // CHECK: %[[P:.*]] = arith.muli %[[XW]], %[[MW]] : i64
  // CHECK: %[[NW:.*]] = arith.extsi %[[NV]] : i32 to i64
  // CHECK: %[[PA:.*]] = arith.addi %[[P]], %[[AV]] : i64
  // CHECK: arith.shrsi %[[PA]], %[[NW]] : i64
  // CHECK: arith.constant 3 : i64
  // CHECK-DAG: arith.constant 255 : i64
  // CHECK-DAG: arith.constant 3 : i64
  // CHECK: arith.maxsi
  // CHECK: arith.minsi
  // CHECK: arith.trunci %{{.*}} : i64 to i32
  // CHECK: arith.trunci %{{.*}} : i32 to i8
  // CHECK: linalg.yield
  // I64-DAG: arith.constant dense<[30, 33, 62]> : tensor<3xi32>
  // I64-DAG: arith.constant dense<[536870912, 4294967296, 2305843009213693952]> : tensor<3xi64>
  %0 = lowbit.requantize %acc multiplier [1073741824, 1518500250, 2147483647] shift [30, 33, 62] clamp [3, 255] : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<u8:f32, 1.0:3>>
  return %0 : tensor<2x3x!quant.uniform<u8:f32, 1.0:3>>
}

// -----

// Per-tensor shift 1 (the smallest): 2^0 = 1 as the addend; 32-bit output
// storage: no final truncation to a narrower type.
// CHECK-LABEL: func.func @i64_path_shift_one
// CHECK-SAME: -> tensor<4xi32>
func.func @i64_path_shift_one(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<i32:f32, 1.0:-9>> {
  // CHECK: ^bb0(%{{.*}}: i32, %{{.*}}: i32):
  // CHECK-DAG: arith.constant 1073741824 : i32
  // CHECK-DAG: arith.constant 1 : i32
  // CHECK-DAG: arith.constant 1 : i64
  // CHECK: arith.muli %{{.*}}, %{{.*}} : i64
  // CHECK: arith.constant -9 : i64
  // CHECK-DAG: arith.constant 2147483647 : i64
  // CHECK-DAG: arith.constant -2147483648 : i64
  // CHECK: %[[T:.*]] = arith.trunci %{{.*}} : i64 to i32
  // CHECK-NEXT: linalg.yield %[[T]] : i32
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [1] clamp [-2147483648, 2147483647] : tensor<4xi32> -> tensor<4x!quant.uniform<i32:f32, 1.0:-9>>
  return %0 : tensor<4x!quant.uniform<i32:f32, 1.0:-9>>
}

// -----

// Double rounding never takes the 32-bit path, even with every shift >= 32.
// M0 = 1518500250, n = 38: left factor 2^0 = 1, right shift 7, mask 127.
// CHECK-LABEL: func.func @double_per_tensor
// I64-LABEL: func.func @double_per_tensor
func.func @double_per_tensor(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 1.0:-2>> {
  // CHECK: ^bb0(%[[X:.*]]: i32, %{{.*}}: i8):
  // CHECK-NOT: arith.mulsi_extended
  // CHECK-DAG: %[[M:.*]] = arith.constant 1518500250 : i32
  // CHECK-DAG: %[[LEFT:.*]] = arith.constant 1 : i64
  // CHECK-DAG: %[[RIGHT:.*]] = arith.constant 7 : i32
  // CHECK-DAG: %[[MASK:.*]] = arith.constant 127 : i32
  // x' = saturate_i32(x * 2^left).
  // CHECK: %[[XW:.*]] = arith.extsi %[[X]] : i32 to i64
  // CHECK: %[[XL:.*]] = arith.muli %[[XW]], %[[LEFT]] : i64
  // CHECK-DAG: %[[IMAX:.*]] = arith.constant 2147483647 : i64
  // CHECK-DAG: %[[IMIN:.*]] = arith.constant -2147483648 : i64
  // CHECK: %[[S1:.*]] = arith.maxsi %[[XL]], %[[IMIN]] : i64
  // CHECK: %[[S2:.*]] = arith.minsi %[[S1]], %[[IMAX]] : i64
  // Rounding doubling high multiply: nudge 2^30 or 1 - 2^30, divide by 2^31.
  // CHECK: %[[MW:.*]] = arith.extsi %[[M]] : i32 to i64
  // CHECK: %[[AB:.*]] = arith.muli %[[S2]], %[[MW]] : i64
  // CHECK: %[[NONNEG:.*]] = arith.cmpi sge, %[[AB]], %{{.*}} : i64
  // CHECK-DAG: %[[NEG_NUDGE:.*]] = arith.constant -1073741823 : i64
  // CHECK-DAG: %[[POS_NUDGE:.*]] = arith.constant 1073741824 : i64
  // CHECK: %[[NUDGE:.*]] = arith.select %[[NONNEG]], %[[POS_NUDGE]], %[[NEG_NUDGE]] : i64
  // CHECK: %[[TWO31:.*]] = arith.constant 2147483648 : i64
  // CHECK: %[[ABN:.*]] = arith.addi %[[AB]], %[[NUDGE]] : i64
  // CHECK: %[[Q:.*]] = arith.divsi %[[ABN]], %[[TWO31]] : i64
  // CHECK: %[[HIGH:.*]] = arith.trunci %[[Q]] : i64 to i32
  // Rounding divide by 2^7: remainder against (mask >> 1) + (high < 0).
  // CHECK: %[[REM:.*]] = arith.andi %[[HIGH]], %[[MASK]] : i32
  // CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[HIGH]], %{{.*}} : i32
  // CHECK: %[[NEG1:.*]] = arith.extui %[[NEG]] : i1 to i32
  // CHECK: %[[HALF:.*]] = arith.shrsi %[[MASK]], %{{.*}} : i32
  // CHECK: %[[THRESHOLD:.*]] = arith.addi %[[HALF]], %[[NEG1]] : i32
  // CHECK: %[[UP:.*]] = arith.cmpi sgt, %[[REM]], %[[THRESHOLD]] : i32
  // CHECK: %[[UP1:.*]] = arith.extui %[[UP]] : i1 to i32
  // CHECK: %[[SHIFTED:.*]] = arith.shrsi %[[HIGH]], %[[RIGHT]] : i32
  // CHECK: %[[Y:.*]] = arith.addi %[[SHIFTED]], %[[UP1]] : i32
  // The zero point is added in i64.
  // CHECK: %[[YW:.*]] = arith.extsi %[[Y]] : i32 to i64
  // CHECK: %[[ZP:.*]] = arith.constant -2 : i64
  // CHECK: arith.addi %[[YW]], %[[ZP]] : i64
  // CHECK-DAG: arith.constant 100 : i64
  // CHECK-DAG: arith.constant -100 : i64
  // CHECK: arith.maxsi
  // CHECK: arith.minsi
  // CHECK: arith.trunci %{{.*}} : i64 to i32
  // CHECK: arith.trunci %{{.*}} : i32 to i8
  // I64: arith.constant 1518500250 : i32
  // I64: arith.divsi
  %0 = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-100, 100] rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0:-2>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0:-2>>
}

// -----

// Double rounding per channel: n = [29, 36, 31] gives left factors
// [2^2, 1, 1] (i64), right shifts [0, 5, 0] and masks [0, 31, 0].
// CHECK-LABEL: func.func @double_per_channel
func.func @double_per_channel(%acc: tensor<3xi32>) -> tensor<3x!quant.uniform<i8:f32, 1.0>> {
  // CHECK-DAG: %[[M:.*]] = arith.constant dense<1073741824> : tensor<3xi32>
  // CHECK-DAG: %[[LEFT:.*]] = arith.constant dense<[4, 1, 1]> : tensor<3xi64>
  // CHECK-DAG: %[[RIGHT:.*]] = arith.constant dense<[0, 5, 0]> : tensor<3xi32>
  // CHECK-DAG: %[[MASK:.*]] = arith.constant dense<[0, 31, 0]> : tensor<3xi32>
  // CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[M]], %[[LEFT]], %[[RIGHT]], %[[MASK]] : tensor<3xi32>, tensor<3xi32>, tensor<3xi64>, tensor<3xi32>, tensor<3xi32>)
  // CHECK-NEXT: ^bb0(%{{.*}}: i32, %{{.*}}: i32, %[[LV:.*]]: i64, %[[RV:.*]]: i32, %[[KV:.*]]: i32, %{{.*}}: i8):
  // CHECK-NOT: arith.mulsi_extended
  // CHECK: arith.muli %{{.*}}, %[[LV]] : i64
  // CHECK: arith.divsi %{{.*}}, %{{.*}} : i64
  // CHECK: arith.andi %{{.*}}, %[[KV]] : i32
  // CHECK: arith.shrsi %{{.*}}, %[[RV]] : i32
  %0 = lowbit.requantize %acc multiplier [1073741824, 1073741824, 1073741824] shift [29, 36, 31] clamp [-128, 127] rounding <double> : tensor<3xi32> -> tensor<3x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<3x!quant.uniform<i8:f32, 1.0>>
}
