// lowbit-compile picks the packed kernel from the target's features, and
// each one reaches the target's int8 dot-product instruction.
// RUN: lowbit-compile %s --until=linalg -o - --mtriple=x86_64-linux-gnu --mcpu=znver4 | FileCheck %s --check-prefix=VNNI-IR
// RUN: lowbit-compile %s --until=linalg -o - --mtriple=x86_64-linux-gnu --mcpu=znver4 --target-isa=generic | FileCheck %s --check-prefix=GENERIC-IR
// RUN: lowbit-compile %s --until=linalg -o - --mtriple=x86_64-linux-gnu | FileCheck %s --check-prefix=GENERIC-IR
// RUN: lowbit-compile %s --until=linalg -o - --mtriple=x86_64-linux-gnu --mattr=+avx2 | FileCheck %s --check-prefix=AVX2-IR
// RUN: lowbit-compile %s --until=linalg -o - --mtriple=aarch64-linux-gnu | FileCheck %s --check-prefix=NEON-IR
// RUN: lowbit-compile %s --until=linalg -o - --mtriple=aarch64-linux-gnu --mattr=+dotprod | FileCheck %s --check-prefix=DOT-IR
// RUN: lowbit-compile %s --emit=asm --entry-name=kernel -o - --mtriple=x86_64-linux-gnu --mcpu=znver4 | FileCheck %s --check-prefix=VNNI-ASM
// RUN: lowbit-compile %s --emit=asm --entry-name=kernel -o - --mtriple=x86_64-linux-gnu --mcpu=icelake-server | FileCheck %s --check-prefix=VNNI-ASM
// RUN: lowbit-compile %s --emit=asm --entry-name=kernel -o - --mtriple=x86_64-linux-gnu --mattr=+avx2 | FileCheck %s --check-prefix=AVX2-ASM
// RUN: lowbit-compile %s --emit=asm --entry-name=kernel -o - --mtriple=aarch64-linux-gnu --mattr=+dotprod | FileCheck %s --check-prefix=DOT-ASM
// RUN: lowbit-compile %s --emit=asm --entry-name=kernel -o - --mtriple=aarch64-linux-gnu | FileCheck %s --check-prefix=NEON-ASM
// RUN: not lowbit-compile %s --until=linalg -o - --target-isa=sse 2>&1 | FileCheck %s --check-prefix=BAD

// VNNI-IR: lowbit.dot_accumulate <avx512vnni>
// GENERIC-IR-NOT: lowbit.dot_accumulate
// GENERIC-IR: linalg.generic
// AVX2-IR: lowbit.dot_accumulate <avx2>
// NEON-IR: lowbit.dot_accumulate <neon>
// DOT-IR: lowbit.dot_accumulate <neon_dotprod>

// VNNI-ASM-LABEL: kernel_run:
// VNNI-ASM: vpdpbusd {{.*}}%zmm
// AVX2-ASM-LABEL: kernel_run:
// AVX2-ASM: vpmaddwd {{.*}}%ymm
// AVX2-ASM-NOT: vpmaddubsw
// DOT-ASM-LABEL: kernel_run:
// DOT-ASM: sdot v{{[0-9]+}}.4s, v{{[0-9]+}}.16b, v{{[0-9]+}}.16b
// NEON-ASM-LABEL: kernel_run:
// NEON-ASM-NOT: sdot
// NEON-ASM: ret
// BAD: unknown target-isa 'sse'

func.func @kernel(%x: tensor<3x10x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<3x20x!quant.uniform<i8:f32, 0.1:2>> {
  %w = lowbit.constant dense<3> : tensor<20x10xi8> -> tensor<20x10x!quant.uniform<i8:f32, 0.01>>
  %acc = lowbit.fully_connected %x, %w : tensor<3x10x!quant.uniform<u8:f32, 0.05:3>>, tensor<20x10x!quant.uniform<i8:f32, 0.01>> -> tensor<3x20xi32>
  %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<3x20xi32> -> tensor<3x20x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<3x20x!quant.uniform<i8:f32, 0.1:2>>
}
