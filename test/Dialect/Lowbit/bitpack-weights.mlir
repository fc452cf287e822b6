// RUN: lowbit-opt %s --lowbit-bitpack-weights --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --lowbit-bitpack-weights=bitpack=off --split-input-file | FileCheck %s --check-prefix=OFF
// RUN: not lowbit-opt %s --lowbit-bitpack-weights=bitpack=on 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: unknown bitpack 'on' (auto or off)
// OFF-NOT: lowbit.coded_constant

// Two distinct values (binary): 1-bit codes, table [-1, 1], 8 codes per
// byte, least significant first: row 0 codes 0 1 1 = 0b110 = 6, row 1
// codes 1 0 0 = 1.
// CHECK-LABEL: func.func @binary
// CHECK: %[[W:.*]] = lowbit.coded_constant dense<{{\[\[}}6], [1]]> : tensor<2x1xi8> bits 1 table [-1, 1] -> tensor<2x3x!quant.uniform<i8<-1:1>:f32, 5.000000e-01>>
// CHECK: lowbit.fully_connected %arg0, %[[W]]
// OFF-LABEL: func.func @binary
// OFF: lowbit.constant dense<{{\[\[}}-1, 1, 1], [1, -1, -1]]>
func.func @binary(%x: tensor<1x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2xi32> {
  %w = lowbit.constant dense<[[-1, 1, 1], [1, -1, -1]]> : tensor<2x3xi8> -> tensor<2x3x!quant.uniform<i8<-1:1>:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x!quant.uniform<i8<-1:1>:f32, 0.5>> -> tensor<1x2xi32>
  return %acc : tensor<1x2xi32>
}

// -----

// Three distinct values (ternary / int2): 2-bit codes, table [-7, 0, 7, 0]
// (the unused entry 0); row 0 codes 0 2 1 = 0 + 2*4 + 1*16 = 24, row 1
// codes 1 1 2 = 1 + 4 + 32 = 37.
// CHECK-LABEL: func.func @ternary
// CHECK: lowbit.coded_constant dense<{{\[\[}}24], [37]]> : tensor<2x1xi8> bits 2 table [-7, 0, 7, 0] -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {5.000000e-01,2.500000e-01}>>
func.func @ternary(%x: tensor<1x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2xi32> {
  %w = lowbit.constant dense<[[-7, 7, 0], [0, 0, 7]]> : tensor<2x3xi8> -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>> -> tensor<1x2xi32>
  return %acc : tensor<1x2xi32>
}

// -----

// Four distinct values: still 2 bits, every table entry used. Five codes
// per row take two bytes: 3 2 1 0 | 3 = 3 + 8 + 16 + 0 = 27, 3.
// CHECK-LABEL: func.func @four_values
// CHECK: lowbit.coded_constant dense<{{\[\[}}27, 3]]> : tensor<1x2xi8> bits 2 table [-4, 1, 2, 64]
// CHECK-NOT: lowbit.coded_constant
func.func @four_values(%x: tensor<1x5x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<1x1xi32> {
  %w = lowbit.constant dense<[[64, 2, 1, -4, 64]]> : tensor<1x5xi8> -> tensor<1x5x!quant.uniform<i8<-64:64>:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x5x!quant.uniform<i8:f32, 0.05:3>>, tensor<1x5x!quant.uniform<i8<-64:64>:f32, 0.5>> -> tensor<1x1xi32>
  return %acc : tensor<1x1xi32>
}

// -----

// Fifteen distinct values (int4 in [-7, 7]): 4-bit codes, two per byte,
// table [-7 .. 7, 0]; code i at position i: bytes 0x10, 0x32, 0x54, 0x76,
// 0x98, 0xBA, 0xDC and 0x0E, as int8.
// CHECK-LABEL: func.func @int4
// CHECK: lowbit.coded_constant dense<{{\[\[}}16, 50, 84, 118, -104, -70, -36, 14]]> : tensor<1x8xi8> bits 4 table [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 0]
func.func @int4(%x: tensor<1x15x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<1x1xi32> {
  %w = lowbit.constant dense<[[-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]]> : tensor<1x15xi8> -> tensor<1x15x!quant.uniform<i8<-7:7>:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x15x!quant.uniform<i8:f32, 0.05:3>>, tensor<1x15x!quant.uniform<i8<-7:7>:f32, 0.5>> -> tensor<1x1xi32>
  return %acc : tensor<1x1xi32>
}

// -----

// Sixteen distinct values (a codebook): 4 bits, the table full; the last
// byte is 14 | 15 << 4 = 0xFE = -2.
// CHECK-LABEL: func.func @sixteen
// CHECK: lowbit.coded_constant dense<{{\[\[}}16, 50, 84, 118, -104, -70, -36, -2]]> : tensor<1x8xi8> bits 4 table [-100, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]
func.func @sixteen(%x: tensor<1x16x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<1x1xi32> {
  %w = lowbit.constant dense<[[-100, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]]> : tensor<1x16xi8> -> tensor<1x16x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x16x!quant.uniform<i8:f32, 0.05:3>>, tensor<1x16x!quant.uniform<i8:f32, 0.5>> -> tensor<1x1xi32>
  return %acc : tensor<1x1xi32>
}

// -----

// Seventeen distinct values stay int8.
// CHECK-LABEL: func.func @seventeen
// CHECK-NOT: lowbit.coded_constant
// CHECK: lowbit.constant dense<{{\[\[}}-8, -7
func.func @seventeen(%x: tensor<1x17x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<1x1xi32> {
  %w = lowbit.constant dense<[[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8]]> : tensor<1x17xi8> -> tensor<1x17x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x17x!quant.uniform<i8:f32, 0.05:3>>, tensor<1x17x!quant.uniform<i8:f32, 0.5>> -> tensor<1x1xi32>
  return %acc : tensor<1x1xi32>
}

// -----

// A tensor of a single value: 1 bit, table [5, 0], every code 0.
// CHECK-LABEL: func.func @single_value
// CHECK: lowbit.coded_constant dense<0> : tensor<3x2xi8> bits 1 table [5, 0]
func.func @single_value(%x: tensor<1x9x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<1x3xi32> {
  %w = lowbit.constant dense<5> : tensor<3x9xi8> -> tensor<3x9x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x9x!quant.uniform<i8:f32, 0.05:3>>, tensor<3x9x!quant.uniform<i8:f32, 0.5>> -> tensor<1x3xi32>
  return %acc : tensor<1x3xi32>
}

// -----

// uint8 weights: the table holds the stored bytes (255 prints as -1), in
// increasing unsigned order.
// CHECK-LABEL: func.func @uint8_weights
// CHECK: lowbit.coded_constant dense<{{\[\[}}2], [1]]> : tensor<2x1xi8> bits 1 table [0, -1]
func.func @uint8_weights(%x: tensor<1x2x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2xi32> {
  %w = lowbit.constant dense<[[0, 255], [255, 0]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x2x!quant.uniform<u8:f32, 0.5:128>> -> tensor<1x2xi32>
  return %acc : tensor<1x2xi32>
}

// -----

// Quantized conv2d weights [F, C, KH, KW]: one row of C * KH * KW codes
// per filter. Filter 0 is 1 -1 1 -1 (codes 1 0 1 0 = 5), filter 1
// -1 -1 1 1 (codes 0 0 1 1 = 12).
// CHECK-LABEL: func.func @conv
// CHECK: %[[W:.*]] = lowbit.coded_constant dense<{{\[\[}}5], [12]]> : tensor<2x1xi8> bits 1 table [-1, 1] -> tensor<2x1x2x2x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK: lowbit.conv2d %arg0, %[[W]]
func.func @conv(%x: tensor<1x1x3x3x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<1x2x2x2xi32> {
  %w = lowbit.constant dense<[[[[1, -1], [1, -1]]], [[[-1, -1], [1, 1]]]]> : tensor<2x1x2x2xi8> -> tensor<2x1x2x2x!quant.uniform<i8:f32, 0.5>>
  %y = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x1x2x2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x2x2xi32>
  return %y : tensor<1x2x2x2xi32>
}

// -----

// A constant that is also used as something else than a weight stays.
// CHECK-LABEL: func.func @shared
// CHECK-NOT: lowbit.coded_constant
func.func @shared(%x: tensor<1x2x!quant.uniform<u8:f32, 0.05:3>>) -> (tensor<1x2xi32>, tensor<2x2x!quant.uniform<i8:f32, 0.5>>) {
  %w = lowbit.constant dense<[[1, 0], [0, 1]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2xi32>
  return %acc, %w : tensor<1x2xi32>, tensor<2x2x!quant.uniform<i8:f32, 0.5>>
}
