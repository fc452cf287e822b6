// RUN: lowbit-opt %s --lowbit-export-entry --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --lowbit-export-entry=name=net --split-input-file | FileCheck %s --check-prefix=NAMED

// The C interface of a model: `int <name>_run(in_t *, out_t *)` on storage
// memrefs, and the float helpers <name>_quantize_input and
// <name>_dequantize_output. The constants below are computed by hand from
// the types: q = clamp(roundeven(x / s), qmin - Z, qmax - Z) + Z and
// y = s * (q - Z).

// The model function becomes private, to be inlined into the entry.
// CHECK-LABEL: func.func private @model(
// CHECK-SAME: %{{.*}}: tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-1>>) -> tensor<1x2x!quant.uniform<u8:f32, 2.500000e-01:3>>
// CHECK: lowbit.fully_connected
// CHECK: lowbit.requantize
// NAMED-LABEL: func.func private @model(
func.func @model(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.25:3>> {
  %w = lowbit.constant dense<1> : tensor<2x4xi8> -> tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  %acc = lowbit.fully_connected %x, %w : tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>, tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2xi32>
  %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [0, 255] : tensor<1x2xi32> -> tensor<1x2x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<1x2x!quant.uniform<u8:f32, 0.25:3>>
}

// int model_run(const int8_t *in, uint8_t *out): the u8 output is stored in
// the signless i8. The input buffer is only read (restrict to_tensor), the
// result written in place into the caller's buffer.
// CHECK-LABEL: func.func @model_run(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x4xi8>, %[[OUT:[^:]*]]: memref<1x2xi8>) -> i32 {
// CHECK-NEXT: %[[T:.*]] = bufferization.to_tensor %[[IN]] restrict : memref<1x4xi8> to tensor<1x4xi8>
// CHECK-NEXT: %[[Q:.*]] = quant.scast %[[T]] : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK-NEXT: %[[R:.*]] = call @model(%[[Q]]) : (tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-1>>) -> tensor<1x2x!quant.uniform<u8:f32, 2.500000e-01:3>>
// CHECK-NEXT: %[[S:.*]] = quant.scast %[[R]] : tensor<1x2x!quant.uniform<u8:f32, 2.500000e-01:3>> to tensor<1x2xi8>
// CHECK-NEXT: bufferization.materialize_in_destination %[[S]] in restrict writable %[[OUT]] : (tensor<1x2xi8>, memref<1x2xi8>) -> ()
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: return %[[ZERO]] : i32
// CHECK-NEXT: }

// i8 input, s = 0.5, Z = -1: clamp the rounded value to +-2^40 (so that
// fptosi to i64 is defined), add Z in i64, clamp to [-128, 127] in i64.
// CHECK-LABEL: func.func @model_quantize_input(
// CHECK-SAME: %[[X:[^:]*]]: memref<1x4xf32>, %[[QOUT:[^:]*]]: memref<1x4xi8>) {
// CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]] : memref<1x4xf32>) outs(%[[QOUT]] : memref<1x4xi8>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %{{.*}}: i8):
// CHECK-NEXT: %[[SCALE:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[DIV:.*]] = arith.divf %[[XV]], %[[SCALE]] : f32
// CHECK-NEXT: %[[RND:.*]] = math.roundeven %[[DIV]] : f32
// CHECK-NEXT: %[[NAN:.*]] = arith.cmpf uno, %[[RND]], %[[RND]] : f32
// CHECK-NEXT: %[[FZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[NONAN:.*]] = arith.select %[[NAN]], %[[FZERO]], %[[RND]] : f32
// CHECK-NEXT: %[[LO:.*]] = arith.constant -1.09951163E+12 : f32
// CHECK-NEXT: %[[MAX:.*]] = arith.maximumf %[[NONAN]], %[[LO]] : f32
// CHECK-NEXT: %[[HI:.*]] = arith.constant 1.09951163E+12 : f32
// CHECK-NEXT: %[[MIN:.*]] = arith.minimumf %[[MAX]], %[[HI]] : f32
// CHECK-NEXT: %[[INT:.*]] = arith.fptosi %[[MIN]] : f32 to i64
// CHECK-NEXT: %[[ZP:.*]] = arith.constant -1 : i64
// CHECK-NEXT: %[[ADD:.*]] = arith.addi %[[INT]], %[[ZP]] : i64
// CHECK-NEXT: %[[QMIN:.*]] = arith.constant -128 : i64
// CHECK-NEXT: %[[CMIN:.*]] = arith.maxsi %[[ADD]], %[[QMIN]] : i64
// CHECK-NEXT: %[[QMAX:.*]] = arith.constant 127 : i64
// CHECK-NEXT: %[[CMAX:.*]] = arith.minsi %[[CMIN]], %[[QMAX]] : i64
// CHECK-NEXT: %[[TRUNC:.*]] = arith.trunci %[[CMAX]] : i64 to i8
// CHECK-NEXT: linalg.yield %[[TRUNC]] : i8
// CHECK: return

// u8 output, s = 0.25, Z = 3: zero extension.
// CHECK-LABEL: func.func @model_dequantize_output(
// CHECK-SAME: %[[QIN:[^:]*]]: memref<1x2xi8>, %[[Y:[^:]*]]: memref<1x2xf32>) {
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[QIN]] : memref<1x2xi8>) outs(%[[Y]] : memref<1x2xf32>)
// CHECK-NEXT: ^bb0(%[[QV:.*]]: i8, %{{.*}}: f32):
// CHECK-NEXT: %[[EXT:.*]] = arith.extui %[[QV]] : i8 to i64
// CHECK-NEXT: %[[ZP3:.*]] = arith.constant 3 : i64
// CHECK-NEXT: %[[CEN:.*]] = arith.subi %[[EXT]], %[[ZP3]] : i64
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[CEN]] : i64 to f32
// CHECK-NEXT: %[[S4:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[MUL:.*]] = arith.mulf %[[S4]], %[[F]] : f32
// CHECK-NEXT: linalg.yield %[[MUL]] : f32
// CHECK: return

// name=net renames the three C symbols and nothing else.
// NAMED-LABEL: func.func @net_run(
// NAMED-SAME: memref<1x4xi8>, %{{.*}}: memref<1x2xi8>) -> i32
// NAMED: call @model(
// NAMED-LABEL: func.func @net_quantize_input(
// NAMED-SAME: memref<1x4xf32>, %{{.*}}: memref<1x4xi8>)
// NAMED-LABEL: func.func @net_dequantize_output(
// NAMED-SAME: memref<1x2xi8>, %{{.*}}: memref<1x2xf32>)
// NAMED-NOT: @model_run
// NAMED-NOT: @model_quantize_input
// NAMED-NOT: @model_dequantize_output

// -----

// u8 input (Z = 128: + 128, clamp to [0, 255] and truncate to the i8
// storage), i16 output (sign extension). A private helper and an external
// declaration are not candidates for the model function.
// CHECK-LABEL: func.func private @helper
// CHECK-LABEL: func.func private @external
// CHECK-LABEL: func.func private @wide(
// NAMED-LABEL: func.func private @wide(
func.func private @helper() {
  return
}
func.func private @external()
func.func @wide(%x: tensor<3x!quant.uniform<u8:f32, 0.125:128>>) -> tensor<2x2x!quant.uniform<i16:f32, 2.0:-7>> {
  %y = lowbit.constant dense<0> : tensor<2x2xi16> -> tensor<2x2x!quant.uniform<i16:f32, 2.0:-7>>
  return %y : tensor<2x2x!quant.uniform<i16:f32, 2.0:-7>>
}
// CHECK-LABEL: func.func @wide_run(
// CHECK-SAME: memref<3xi8>, %{{.*}}: memref<2x2xi16>) -> i32
// CHECK: bufferization.to_tensor %{{.*}} restrict : memref<3xi8> to tensor<3xi8>
// CHECK: quant.scast %{{.*}} : tensor<3xi8> to tensor<3x!quant.uniform<u8:f32, 1.250000e-01:128>>
// CHECK: call @wide(
// CHECK: quant.scast %{{.*}} : tensor<2x2x!quant.uniform<i16:f32, 2.000000e+00:-7>> to tensor<2x2xi16>
// CHECK-LABEL: func.func @wide_quantize_input(
// CHECK-SAME: memref<3xf32>, %{{.*}}: memref<3xi8>)
// CHECK: iterator_types = ["parallel"]
// CHECK: arith.constant 1.250000e-01 : f32
// CHECK: arith.divf
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK-NEXT: arith.constant 128 : i64
// CHECK-NEXT: arith.addi
// CHECK-NEXT: arith.constant 0 : i64
// CHECK-NEXT: arith.maxsi
// CHECK-NEXT: arith.constant 255 : i64
// CHECK-NEXT: arith.minsi
// CHECK-NEXT: arith.trunci %{{.*}} : i64 to i8
// CHECK-LABEL: func.func @wide_dequantize_output(
// CHECK-SAME: memref<2x2xi16>, %{{.*}}: memref<2x2xf32>)
// CHECK: iterator_types = ["parallel", "parallel"]
// CHECK: arith.extsi %{{.*}} : i16 to i64
// CHECK-NEXT: arith.constant -7 : i64
// CHECK-NEXT: arith.subi
// CHECK-NEXT: arith.sitofp
// CHECK-NEXT: arith.constant 2.000000e+00 : f32
// CHECK-NEXT: arith.mulf
// NAMED-LABEL: func.func @net_run(
// NAMED-SAME: memref<3xi8>, %{{.*}}: memref<2x2xi16>) -> i32

// -----

// 32-bit storage with Z = 0: the storage range is applied in i64, where
// 2^31 - 1 is exact (as an f32 bound it would not be).
// CHECK-LABEL: func.func @acc32_quantize_input(
// CHECK-SAME: memref<4xf32>, %{{.*}}: memref<4xi32>)
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK-NEXT: arith.constant 0 : i64
// CHECK-NEXT: arith.addi
// CHECK-NEXT: arith.constant -2147483648 : i64
// CHECK-NEXT: arith.maxsi
// CHECK-NEXT: arith.constant 2147483647 : i64
// CHECK-NEXT: arith.minsi
// CHECK-NEXT: %[[STORED:.*]] = arith.trunci %{{.*}} : i64 to i32
// CHECK-NEXT: linalg.yield %[[STORED]] : i32
// CHECK-LABEL: func.func @acc32_dequantize_output(
// CHECK-SAME: memref<4xi32>, %{{.*}}: memref<4xf32>)
// CHECK-NEXT: linalg.generic
// CHECK-NEXT: ^bb0(%[[Q32:.*]]: i32, %{{.*}}: f32):
// CHECK-NEXT: %[[Q64:.*]] = arith.extsi %[[Q32]] : i32 to i64
// CHECK-NEXT: arith.constant 0 : i64
// CHECK-NEXT: arith.subi %[[Q64]]
func.func @acc32(%x: tensor<4x!quant.uniform<i32:f32, 1.0>>) -> tensor<4x!quant.uniform<i32:f32, 1.0>> {
  return %x : tensor<4x!quant.uniform<i32:f32, 1.0>>
}
