// The named phases of lowbit-compile (lib/Pipelines/Pipelines.cpp): export,
// linalg, bufferize, llvm, then LLVM IR. The C prefix defaults to the input
// file's name ("phases"); --entry-name overrides it.
//
// RUN: lowbit-compile %s --until=export -o - | FileCheck %s --check-prefix=EXPORT
// RUN: lowbit-compile %s --until=pack -o - | FileCheck %s --check-prefix=PACK
// The LINALG checks follow the int8 weights (--bitpack=off); with codes,
// the contraction reads the code bytes instead (PACK).
// RUN: lowbit-compile %s --until=linalg --bitpack=off -o - | FileCheck %s --check-prefix=LINALG
// RUN: lowbit-compile %s --until=linalg --no-i32-requantize -o - | FileCheck %s --check-prefix=LINALG64
// RUN: lowbit-compile %s --until=linalg --rounding=double -o - | FileCheck %s --check-prefix=DOUBLE
// RUN: lowbit-compile %s --until=bufferize -o - | FileCheck %s --check-prefix=BUF
// RUN: lowbit-compile %s --until=llvm -o - | FileCheck %s --check-prefix=LLVM
// RUN: lowbit-compile %s --emit=llvm -o - | FileCheck %s --check-prefix=IR
// RUN: lowbit-compile %s --until=llvm --entry-name=net -o - | FileCheck %s --check-prefix=NAMED
//
// What must be gone after a phase, anywhere in its output (NOT-only
// prefixes scan the whole output).
// RUN: lowbit-compile %s --until=linalg -o - | FileCheck %s --check-prefix=NOLOWBIT
// RUN: lowbit-compile %s --until=bufferize -o - | FileCheck %s --check-prefixes=NOLOWBIT,NOTENSOR,NOTENSORTYPE
// RUN: lowbit-compile %s --until=llvm -o - | FileCheck %s --check-prefixes=NOLOWBIT,NOTENSOR,NOMEMREF
// NOLOWBIT-NOT: lowbit.
// NOLOWBIT-NOT: !quant
// NOLOWBIT-NOT: @tiny
// NOLOWBIT-NOT: call @
// NOTENSOR-NOT: tensor.
// NOTENSORTYPE-NOT: tensor<
// NOTENSOR-NOT: bufferization.
// NOTENSOR-NOT: memref.alloc(
// NOTENSOR-NOT: memref.dealloc
// NOTENSOR-NOT: memref.copy
// NOMEMREF-NOT: func.func
// NOMEMREF-NOT: memref.
// NOMEMREF-NOT: linalg.
// NOMEMREF-NOT: unrealized_conversion_cast
// NOMEMREF-NOT: @malloc
//
// --until writes MLIR to the output file too, and what it writes parses.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-compile %s --until=bufferize -o %t/bufferized.mlir
// RUN: lowbit-opt %t/bufferized.mlir | FileCheck %s --check-prefix=BUF
// RUN: lowbit-compile %s --until=llvm -o %t/llvm.mlir
// RUN: lowbit-opt %t/llvm.mlir | FileCheck %s --check-prefix=LLVM

// A small model: per-channel weight zero points, per-channel requantize on
// the 32-bit path (every shift >= 32), u8 output.
func.func @tiny(%x: tensor<2x3x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<2x2x!quant.uniform<u8:f32, 0.25:10>> {
  %w = lowbit.constant dense<[[1, 2, 3], [-1, -2, -3]]> : tensor<2x3xi8> -> tensor<2x3x!quant.uniform<i8:f32:0, {0.5:0, 0.25:2}>>
  %b = lowbit.constant dense<[100, -100]> : tensor<2xi32> -> tensor<2xi32>
  %acc = lowbit.fully_connected %x, %w, %b : tensor<2x3x!quant.uniform<i8:f32, 0.5:-1>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.5:0, 0.25:2}>>, tensor<2xi32> -> tensor<2x2xi32>
  %y = lowbit.requantize %acc multiplier [1073741824, 1518500250] shift [33, 38] clamp [10, 255] : tensor<2x2xi32> -> tensor<2x2x!quant.uniform<u8:f32, 0.25:10>>
  return %y : tensor<2x2x!quant.uniform<u8:f32, 0.25:10>>
}

//===----------------------------------------------------------------------===//
// export: the model is still lowbit on quantized tensors, now private, with
// the C entry point and the helpers beside it.
//===----------------------------------------------------------------------===//

// EXPORT-LABEL: func.func private @tiny(
// EXPORT: lowbit.fully_connected
// EXPORT: lowbit.requantize %{{.*}} multiplier [1073741824, 1518500250] shift [33, 38] clamp [10, 255] :
// EXPORT-LABEL: func.func @phases_run(
// EXPORT-SAME: %{{.*}}: memref<2x3xi8>, %{{.*}}: memref<2x2xi8>) -> i32
// EXPORT: call @tiny(
// EXPORT-LABEL: func.func @phases_quantize_input(
// EXPORT-SAME: memref<2x3xf32>, %{{.*}}: memref<2x3xi8>)
// EXPORT-LABEL: func.func @phases_dequantize_output(
// EXPORT-SAME: memref<2x2xi8>, %{{.*}}: memref<2x2xf32>)

//===----------------------------------------------------------------------===//
// linalg: integer linalg on tensors, the model inlined and removed.
// Requantize parameters for n = [33, 38]: r = [1, 6], addends [1, 32].
//===----------------------------------------------------------------------===//

// LINALG-LABEL: func.func @phases_run(
// LINALG-SAME: %[[IN:[^:]*]]: memref<2x3xi8>, %[[OUT:[^:]*]]: memref<2x2xi8>) -> i32
// The pack phase stores the six distinct weights as 4-bit codes
// (lowbit-bitpack-weights); the generic target packs nothing else.
// PACK: lowbit.coded_constant dense<{{\[\[}}67, 5], [18, 0]]> : tensor<2x2xi8> bits 4 table [-3, -2, -1, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
// PACK: lowbit.fully_connected
// LINALG-DAG: %[[ZW:.*]] = arith.constant dense<[0, 2]> : tensor<2xi32>
// LINALG-DAG: %[[M:.*]] = arith.constant dense<[1073741824, 1518500250]> : tensor<2xi32>
// LINALG-DAG: %[[R:.*]] = arith.constant dense<[1, 6]> : tensor<2xi32>
// LINALG-DAG: %[[A:.*]] = arith.constant dense<[1, 32]> : tensor<2xi32>
// LINALG-DAG: %[[BIAS:.*]] = arith.constant dense<[100, -100]> : tensor<2xi32>
// LINALG-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[1, 2, 3], [-1, -2, -3]]> : tensor<2x3xi8>
// LINALG: %[[T:.*]] = bufferization.to_tensor %[[IN]] restrict : memref<2x3xi8> to tensor<2x3xi8>
// LINALG: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[BIAS]] : tensor<2xi32>)
// LINALG: %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[T]], %[[W]], %[[ZW]] : tensor<2x3xi8>, tensor<2x3xi8>, tensor<2xi32>) outs(%[[INIT]] : tensor<2x2xi32>)
// LINALG: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %[[M]], %[[R]], %[[A]] : tensor<2x2xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>)
// LINALG: arith.mulsi_extended
// LINALG: bufferization.materialize_in_destination %[[Y]] in restrict writable %[[OUT]]
// LINALG: return %{{.*}} : i32
// LINALG-NOT: call
// LINALG-LABEL: func.func @phases_quantize_input(
// LINALG-LABEL: func.func @phases_dequantize_output(

// Without the 32-bit path: n = [33, 38] and 2^(n-1) = [2^32, 2^37] in i64.
// LINALG64-NOT: arith.mulsi_extended
// LINALG64-DAG: arith.constant dense<[33, 38]> : tensor<2xi32>
// LINALG64-DAG: arith.constant dense<[4294967296, 137438953472]> : tensor<2xi64>
// LINALG64-NOT: arith.mulsi_extended

// --rounding=double: left factors [1, 1], right shifts [2, 7], masks [3, 127].
// DOUBLE-NOT: arith.mulsi_extended
// DOUBLE-DAG: arith.constant dense<1> : tensor<2xi64>
// DOUBLE-DAG: arith.constant dense<[2, 7]> : tensor<2xi32>
// DOUBLE-DAG: arith.constant dense<[3, 127]> : tensor<2xi32>
// DOUBLE: arith.divsi
// DOUBLE-NOT: arith.mulsi_extended

//===----------------------------------------------------------------------===//
// bufferize: no tensors left; the result is written straight into the
// caller's output buffer, the accumulator lives on the stack.
//===----------------------------------------------------------------------===//

// BUF-LABEL: func.func @phases_run(
// BUF-SAME: %[[IN:[^:]*]]: memref<2x3xi8>, %[[OUT:[^:]*]]: memref<2x2xi8>) -> i32
// BUF-NOT: memref.alloc(
// BUF: %[[ACC:.*]] = memref.alloca() {{.*}} : memref<2x2xi32>
// BUF: linalg.generic {{.*}} outs(%[[ACC]] : memref<2x2xi32>)
// BUF: linalg.generic {{.*}} ins(%[[IN]], {{.*}}) outs(%[[ACC]] : memref<2x2xi32>)
// BUF: linalg.generic {{.*}} ins(%[[ACC]], {{.*}}) outs(%[[OUT]] : memref<2x2xi8>)
// BUF: return

//===----------------------------------------------------------------------===//
// llvm: the LLVM dialect with bare pointers at the C boundary.
//===----------------------------------------------------------------------===//

// LLVM-LABEL: llvm.func @phases_run(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// LLVM: llvm.return %{{.*}} : i32
// LLVM-LABEL: llvm.func @phases_quantize_input(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// LLVM-LABEL: llvm.func @phases_dequantize_output(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)

// NAMED-LABEL: llvm.func @net_run(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// NAMED-LABEL: llvm.func @net_quantize_input(
// NAMED-LABEL: llvm.func @net_dequantize_output(
// NAMED-NOT: @phases_

//===----------------------------------------------------------------------===//
// LLVM IR for the host: the entry is integer-only.
//===----------------------------------------------------------------------===//

// IR-LABEL: define {{.*}}i32 @phases_run(ptr
// IR-NOT: float
// IR-NOT: double
// IR-NOT: call {{.*}}@malloc
// IR: ret i32 0
// IR-LABEL: define void @phases_quantize_input(ptr
// IR: fptosi float
// IR-LABEL: define void @phases_dequantize_output(ptr
// IR: sitofp i64 %{{.*}} to float
