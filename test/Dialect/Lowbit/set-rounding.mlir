// RUN: lowbit-opt %s --lowbit-set-rounding=mode=double | FileCheck %s --check-prefix=DOUBLE
// RUN: lowbit-opt %s --lowbit-set-rounding=mode=single | FileCheck %s --check-prefix=SINGLE

// DOUBLE-LABEL: func.func @modes
// SINGLE-LABEL: func.func @modes
func.func @modes(%acc: tensor<4xi32>) -> (tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<4x!quant.uniform<i8:f32, 1.0>>) {
  // DOUBLE: lowbit.requantize {{.*}} clamp [-128, 127] rounding <double>
  // DOUBLE: lowbit.requantize {{.*}} clamp [-128, 127] rounding <double>
  // SINGLE: lowbit.requantize {{.*}} clamp [-128, 127] :
  // SINGLE-NOT: rounding
  %0 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  %1 = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127] rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %0, %1 : tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<4x!quant.uniform<i8:f32, 1.0>>
}
