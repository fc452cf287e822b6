// RUN: lowbit-opt %s --lowbit-set-rounding=mode=double | FileCheck %s --check-prefix=DOUBLE
// RUN: lowbit-opt %s --lowbit-set-rounding=mode=single | FileCheck %s --check-prefix=SINGLE
// The default mode is single.
// RUN: lowbit-opt %s --lowbit-set-rounding | FileCheck %s --check-prefix=SINGLE
// RUN: not lowbit-opt %s --lowbit-set-rounding=mode=triple 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: for the --mode option: Cannot find option named 'triple'!

// Every requantize gets the mode, whatever it had, and keeps its other
// attributes; other ops are left alone.

// DOUBLE-LABEL: func.func @modes
// DOUBLE-SAME: (%[[ACC:.*]]: tensor<4xi32>, %[[ACC2:.*]]: tensor<2x3xi32>)
// SINGLE-LABEL: func.func @modes
// SINGLE-SAME: (%[[ACC:.*]]: tensor<4xi32>, %[[ACC2:.*]]: tensor<2x3xi32>)
func.func @modes(%acc: tensor<4xi32>, %acc2: tensor<2x3xi32>) -> (tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>) {
  // DOUBLE: %[[C:.*]] = lowbit.constant dense<7> : tensor<4xi32> -> tensor<4xi32>
  // SINGLE: %[[C:.*]] = lowbit.constant dense<7> : tensor<4xi32> -> tensor<4xi32>
  %c = lowbit.constant dense<7> : tensor<4xi32> -> tensor<4xi32>
  // DOUBLE: lowbit.requantize %[[ACC]] multiplier [1073741824] shift [31] clamp [-128, 127] rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>
  // SINGLE: lowbit.requantize %[[ACC]] multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  // DOUBLE: lowbit.requantize %[[C]] multiplier [1073741825] shift [33] clamp [-100, 100] rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>
  // SINGLE: lowbit.requantize %[[C]] multiplier [1073741825] shift [33] clamp [-100, 100] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>
  %1 = lowbit.requantize %c multiplier [1073741825] shift [33] clamp [-100, 100] rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  // DOUBLE: lowbit.requantize %[[ACC2]] multiplier [1, 2, 3] shift [40, 41, 42] clamp [10, 255] rounding <double> : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<u8:f32, 5.000000e-01:10>>
  // SINGLE: lowbit.requantize %[[ACC2]] multiplier [1, 2, 3] shift [40, 41, 42] clamp [10, 255] : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<u8:f32, 5.000000e-01:10>>
  %2 = lowbit.requantize %acc2 multiplier [1, 2, 3] shift [40, 41, 42] clamp [10, 255] : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>
  return %0, %1, %2 : tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>
}

// The pass reaches every function of the module, and ops nested in regions.
// DOUBLE-LABEL: func.func private @nested
// SINGLE-LABEL: func.func private @nested
func.func private @nested(%acc: tensor<4xi32>, %cond: i1) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  // DOUBLE: scf.if
  // DOUBLE: lowbit.requantize {{.*}} rounding <double>
  // DOUBLE: } else {
  // DOUBLE: lowbit.requantize {{.*}} rounding <double>
  // SINGLE: scf.if
  // SINGLE: lowbit.requantize {{.*}} clamp [-128, 127] :
  // SINGLE: } else {
  // SINGLE: lowbit.requantize {{.*}} clamp [-128, 127] :
  %r = scf.if %cond -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
    %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
    scf.yield %0 : tensor<4x!quant.uniform<i8:f32, 1.0>>
  } else {
    %1 = lowbit.requantize %acc multiplier [1073741824] shift [32] clamp [-128, 127] rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
    scf.yield %1 : tensor<4x!quant.uniform<i8:f32, 1.0>>
  }
  return %r : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// With mode=single no requantize anywhere keeps `rounding <double>`.
// SINGLE-NOT: rounding
