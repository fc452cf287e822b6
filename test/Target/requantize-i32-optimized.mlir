// RUN: lowbit-compile %s --emit=llvm --mtriple=x86_64-linux-gnu --entry-name=rq -o - | FileCheck %s
// The constant the miscompile stored must appear nowhere in the module.
// RUN: lowbit-compile %s --emit=llvm --mtriple=x86_64-linux-gnu --entry-name=rq -o - | FileCheck %s --check-prefix=NOCONST
// NOCONST-NOT: -2139062144
// NOCONST-NOT: 0x80808080

// Regression: LLVM's O3, run in process on the module exactly as MLIR's
// translation built it, folded this 32-bit requantization to one constant
// store of four -128 bytes (`store i32 -2139062144`, 0x80808080) that never
// reads the input. lib/Target/MachineCode.cpp round-trips the module through
// bitcode before optimizing. The code must still read each of the four
// inputs and compute round(x * 2^30 * 2^-33) = ((x >> 2) + 1) >> 1 on the
// 32-bit path (multiplier 2^30, shift 33: r = 1, rounding addend 1), then
// clamp to [-128, 127] and store one byte per element.

// CHECK-LABEL: define {{.*}}i32 @rq_run(ptr
// CHECK-NOT: store i32
// CHECK-COUNT-4: load i32, ptr
// CHECK-NOT: store i32
// CHECK: ret i32 0

// The first element in full: x >> 2 (the high word of x * 2^30), + 1, >> 1,
// clamp, truncate, store the byte at the start of the output; three more
// elements the same way.
// RUN: lowbit-compile %s --emit=llvm --mtriple=x86_64-linux-gnu --entry-name=rq -o - | FileCheck %s --check-prefix=ELEM
// ELEM-LABEL: define {{.*}}i32 @rq_run(
// ELEM-SAME: ptr {{.*}}%[[IN:[0-9]+]], ptr {{.*}}%[[OUT:[0-9]+]])
// ELEM-NEXT: %[[X:.*]] = load i32, ptr %[[IN]]
// ELEM-NEXT: %[[HI:.*]] = ashr i32 %[[X]], 2
// ELEM-NEXT: %[[R:.*]] = add nsw i32 %[[HI]], 1
// ELEM-NEXT: %[[Y:.*]] = ashr i32 %[[R]], 1
// ELEM-NEXT: %[[LO:.*]] = tail call i32 @llvm.smax.i32(i32 %[[Y]], i32 -128)
// ELEM-NEXT: %[[C:.*]] = tail call i32 @llvm.smin.i32(i32 %[[LO]], i32 127)
// ELEM-NEXT: %[[B:.*]] = trunc nsw i32 %[[C]] to i8
// ELEM-NEXT: store i8 %[[B]], ptr %[[OUT]]
// ELEM-COUNT-3: store i8
// ELEM: ret i32 0
func.func @rq(%x: tensor<4x!quant.uniform<i32:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %a = quant.scast %x : tensor<4x!quant.uniform<i32:f32, 1.0>> to tensor<4xi32>
  %y = lowbit.requantize %a multiplier [1073741824] shift [33] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0>>
}
