// The i64 lowering gets this right; the 32-bit path must agree with it.
// RUN: lowbit-compile %s --emit=llvm --mtriple=x86_64-linux-gnu --entry-name=zp --no-i32-requantize -o - | FileCheck %s
// RUN: lowbit-compile %s --emit=llvm --mtriple=x86_64-linux-gnu --entry-name=zp -o - | FileCheck %s

// Regression: the 32-bit single-rounding requantize (arith.mulsi_extended, chosen when
// every shift is >= 32) adds the output zero point in i32 before clamping.
// With 32-bit output storage the zero point can be close to 2^31 and the sum
// wraps: here y = round(2147483647 * 2^30 / 2^32) = 2^29 and
// y + Z = 2^29 + 1879048192 = 2415919104 > 2^31 - 1, which must clamp to
// 2147483647 but wraps to -1879048192. isRequantizePathExact() now requires
// Z in [-2^30, 2^30) for the 32-bit path, so this op takes the i64 one.

// The accumulator is a constant, so LLVM folds the whole model to two
// stores of the requantized values, computed here by hand:
//   x = 2147483647:  y = 536870912,  clamp(y + Z) = 2147483647
//   x = -2147483648: y = -536870912, clamp(y + Z) = 1342177280
// CHECK-LABEL: define {{.*}}i32 @zp_run(
// CHECK-DAG: store i32 2147483647, ptr %{{.*}}
// CHECK-DAG: store i32 1342177280, ptr %{{.*}}
// CHECK: ret i32 0
func.func @zp(%x: tensor<2x!quant.uniform<i8:f32, 1.0>>) -> tensor<2x!quant.uniform<i32:f32, 1.0:1879048192>> {
  %acc = lowbit.constant dense<[2147483647, -2147483648]> : tensor<2xi32> -> tensor<2xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [32] clamp [-2147483648, 2147483647] : tensor<2xi32> -> tensor<2x!quant.uniform<i32:f32, 1.0:1879048192>>
  return %y : tensor<2x!quant.uniform<i32:f32, 1.0:1879048192>>
}
