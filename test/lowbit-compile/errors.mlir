// Bad input to lowbit-compile: one clear error, a non-zero exit, and no
// output file (nor, for --emit=obj, a header beside it).
// RUN: rm -rf %t && split-file %s %t --leading-lines

// The good model compiles, so the failures below come from what each case
// changes.
// RUN: lowbit-compile %t/good.mlir -o %t/good.o
// RUN: test -s %t/good.o && test -s %t/good.h

// A missing input file.
// RUN: not lowbit-compile %t/missing.mlir -o %t/out.o 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot open input file '{{.*}}missing.mlir': No such file or directory
// RUN: test ! -e %t/out.o && test ! -e %t/out.h

// Unparsable IR: the message points at the file, line and column.
// RUN: not lowbit-compile %t/broken.mlir -o %t/out.o 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: broken.mlir:[[#@LINE+4]]:19: error: expected non-function type
// RUN: test ! -e %t/out.o && test ! -e %t/out.h

//--- broken.mlir
func.func @broken(

// IR that parses but does not verify.
// RUN: not lowbit-compile %t/invalid-op.mlir -o %t/out.o 2>&1 | FileCheck %s --check-prefix=VERIFY
// VERIFY: invalid-op.mlir:[[#@LINE+6]]:8: error: 'lowbit.requantize' op shift must be in [1, 62], got 0
// RUN: test ! -e %t/out.o && test ! -e %t/out.h

//--- invalid-op.mlir
func.func @m(%x: tensor<4x!quant.uniform<i32:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %a = quant.scast %x : tensor<4x!quant.uniform<i32:f32, 1.0>> to tensor<4xi32>
  %y = lowbit.requantize %a multiplier [1] shift [0] clamp [-128, 127] : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// A model with two inputs has no C interface.
// RUN: not lowbit-compile %t/two-inputs.mlir -o %t/out.o 2>&1 | FileCheck %s --check-prefix=MODEL
// MODEL: two-inputs.mlir:[[#@LINE+4]]:1: error: the model function must take one tensor and return one tensor
// RUN: test ! -e %t/out.o && test ! -e %t/out.h

//--- two-inputs.mlir
func.func @two_inputs(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>, %y: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// Driver options: an unknown phase, --emit kind, CPU or triple; a missing
// -o; an output directory that does not exist; a C compiler that does not
// exist for --emit=exe.
// RUN: not lowbit-compile %t/good.mlir --until=quantise -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=PHASE
// PHASE: error: unknown phase 'quantise' (phases: quantize, export, pack, linalg, bufferize, llvm)
// RUN: test ! -e %t/out.mlir

// RUN: not lowbit-compile %t/good.mlir --emit=wasm -o %t/out.o 2>&1 | FileCheck %s --check-prefix=EMIT
// EMIT: for the --emit option: Cannot find option named 'wasm'!
// RUN: test ! -e %t/out.o

// RUN: not lowbit-compile %t/good.mlir --mcpu=notacpu -o %t/out.o 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: unknown CPU 'notacpu'
// RUN: test ! -e %t/out.o && test ! -e %t/out.h

// RUN: not lowbit-compile %t/good.mlir --mtriple=notatriple -o %t/out.o 2>&1 | FileCheck %s --check-prefix=TRIPLE
// TRIPLE: error: No available targets are compatible with triple "notatriple"
// RUN: test ! -e %t/out.o && test ! -e %t/out.h

// RUN: not lowbit-compile %t/good.mlir 2>&1 | FileCheck %s --check-prefix=NOOUT
// NOOUT: for the -o option: must be specified at least once!

// RUN: not lowbit-compile %t/good.mlir -o %t/no-such-dir/out.o 2>&1 | FileCheck %s --check-prefix=NODIR
// NODIR: error: cannot open output file '{{.*}}no-such-dir{{.}}out.o'
// RUN: test ! -e %t/no-such-dir

// RUN: not lowbit-compile %t/good.mlir --emit=exe --cc=no-such-cc -o %t/out 2>&1 | FileCheck %s --check-prefix=CC
// CC: error: C compiler 'no-such-cc' not found
// RUN: test ! -e %t/out

// Nothing but the good model's outputs was ever written.
// RUN: ls %t | FileCheck %s --check-prefix=FILES --implicit-check-not=out
// FILES: broken.mlir
// FILES-NEXT: good.h
// FILES-NEXT: good.mlir
// FILES-NEXT: good.o
// FILES-NEXT: invalid-op.mlir
// FILES-NEXT: two-inputs.mlir
// FILES-NOT: {{.}}

//--- good.mlir
func.func @good(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
}
