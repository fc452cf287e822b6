// Bad input to lowbit-compile: one clear error, a non-zero exit, and no
// output file.
// RUN: rm -rf %t && mkdir -p %t

// RUN: not lowbit-compile %t/missing.mlir -o %t/out.o 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot open input file '{{.*}}missing.mlir': No such file or directory
// RUN: test ! -e %t/out.o

// RUN: echo "func.func @broken(" > %t/broken.mlir
// RUN: not lowbit-compile %t/broken.mlir -o %t/out.o 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: broken.mlir:{{[0-9]+}}:{{[0-9]+}}: error:
// RUN: test ! -e %t/out.o

// RUN: not lowbit-compile %s --until=quantise -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=PHASE
// PHASE: error: unknown phase 'quantise' (phases: export, linalg, bufferize, llvm)
// RUN: test ! -e %t/out.mlir

// RUN: not lowbit-compile %S/../../examples/mlp/mlp.mlir --mcpu=notacpu -o %t/out.o 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: unknown CPU 'notacpu'
// RUN: test ! -e %t/out.o

// RUN: not lowbit-compile %S/../../examples/mlp/mlp.mlir --emit=exe --cc=no-such-cc -o %t/out 2>&1 | FileCheck %s --check-prefix=CC
// CC: error: C compiler 'no-such-cc' not found
// RUN: test ! -e %t/out

// RUN: not lowbit-compile %s -o %t/out.o 2>&1 | FileCheck %s --check-prefix=MODEL
// MODEL: errors.mlir:[[@LINE+1]]:1: error: the model function must take one tensor and return one tensor
func.func @two_inputs(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>, %y: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
}
// RUN: test ! -e %t/out.o
