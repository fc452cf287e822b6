// RUN: lowbit-opt %s | FileCheck %s
// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s
// RUN: lowbit-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// RUN: lowbit-opt %s --mlir-print-op-generic | lowbit-opt | FileCheck %s

// Round trip of every lowbit op in every form: the custom form prints back
// as written (with normalized float spelling), survives a second round trip,
// and the generic form parses back to the same custom form.

//===----------------------------------------------------------------------===//
// lowbit.constant
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @constants
// GENERIC-LABEL: sym_name = "constants"
func.func @constants() -> (tensor<2x!quant.uniform<i8:f32, 0.5:-3>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>, tensor<2x2x!quant.uniform<u8<1:255>:f32:0, {0.5:128, 0.25:127}>>, tensor<2xi32>, tensor<3xi16>, tensor<2x!quant.uniform<i8:f32, 0.5>>) {
  // Per-tensor quantized result.
  // CHECK: %[[Q:.*]] = lowbit.constant dense<[-128, 127]> : tensor<2xi8> -> tensor<2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
  // GENERIC: %[[Q:.*]] = "lowbit.constant"() <{value = dense<[-128, 127]> : tensor<2xi8>}> : () -> tensor<2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
  %q = lowbit.constant dense<[-128, 127]> : tensor<2xi8> -> tensor<2x!quant.uniform<i8:f32, 0.5:-3>>
  // Per-axis result, default zero points.
  // CHECK: %[[PA:.*]] = lowbit.constant dense<{{\[}}[1, -2], [3, 4]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
  // GENERIC: "lowbit.constant"() <{value = dense<{{\[}}[1, -2], [3, 4]]> : tensor<2x2xi8>}> : () -> tensor<2x2x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
  %pa = lowbit.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  // Per-axis u8 with a narrow storage range and zero points: the storage
  // type is the signless i8, so 255 prints as -1.
  // CHECK: %[[U:.*]] = lowbit.constant dense<{{\[}}[1, -1], [2, 7]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<u8<1:255>:f32:0, {5.000000e-01:128,2.500000e-01:127}>>
  %u = lowbit.constant dense<[[1, 255], [2, 7]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<u8<1:255>:f32:0, {0.5:128, 0.25:127}>>
  // Integer results: an i32 bias and a plain i16 tensor.
  // CHECK: %[[B:.*]] = lowbit.constant dense<[10, -3]> : tensor<2xi32> -> tensor<2xi32>
  // GENERIC: "lowbit.constant"() <{value = dense<[10, -3]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %b = lowbit.constant dense<[10, -3]> : tensor<2xi32> -> tensor<2xi32>
  // CHECK: %[[S:.*]] = lowbit.constant dense<[1, -2, 3]> : tensor<3xi16> -> tensor<3xi16>
  %s = lowbit.constant dense<[1, -2, 3]> : tensor<3xi16> -> tensor<3xi16>
  // A blob: dense_resource keeps its handle.
  // CHECK: %[[R:.*]] = lowbit.constant dense_resource<weights> : tensor<2xi8> -> tensor<2x!quant.uniform<i8:f32, 5.000000e-01>>
  // GENERIC: "lowbit.constant"() <{value = dense_resource<weights> : tensor<2xi8>}> : () -> tensor<2x!quant.uniform<i8:f32, 5.000000e-01>>
  %r = lowbit.constant dense_resource<weights> : tensor<2xi8> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  // CHECK: return %[[Q]], %[[PA]], %[[U]], %[[B]], %[[S]], %[[R]]
  return %q, %pa, %u, %b, %s, %r : tensor<2x!quant.uniform<i8:f32, 0.5:-3>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>, tensor<2x2x!quant.uniform<u8<1:255>:f32:0, {0.5:128, 0.25:127}>>, tensor<2xi32>, tensor<3xi16>, tensor<2x!quant.uniform<i8:f32, 0.5>>
}

//===----------------------------------------------------------------------===//
// lowbit.fully_connected
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @fully_connected
// CHECK-SAME: (%[[X:.*]]: tensor<3x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, %[[W:.*]]: tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01:1,2.500000e-01:-2}>>, %[[B:.*]]: tensor<2xi32>, %[[X8:.*]]: tensor<3x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>, %[[W8:.*]]: tensor<2x4x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>)
// GENERIC-LABEL: sym_name = "fully_connected"
func.func @fully_connected(%x: tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, %w: tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>>, %b: tensor<2xi32>, %x8: tensor<3x4x!quant.uniform<i8:f32, 0.05:-3>>, %w8: tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.02>>) -> (tensor<3x2xi32>, tensor<3x2xi32>, tensor<3x2xi32>, tensor<?x2xi32>) {
  // u8 input, per-axis weights, with bias.
  // CHECK: %[[R0:.*]] = lowbit.fully_connected %[[X]], %[[W]], %[[B]] : tensor<3x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01:1,2.500000e-01:-2}>>, tensor<2xi32> -> tensor<3x2xi32>
  // GENERIC: "lowbit.fully_connected"(%[[GX:.*]], %[[GW:.*]], %[[GB:.*]]) : (tensor<3x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01:1,2.500000e-01:-2}>>, tensor<2xi32>) -> tensor<3x2xi32>
  %0 = lowbit.fully_connected %x, %w, %b : tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>>, tensor<2xi32> -> tensor<3x2xi32>
  // Without bias.
  // CHECK: %[[R1:.*]] = lowbit.fully_connected %[[X]], %[[W]] : tensor<3x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01:1,2.500000e-01:-2}>> -> tensor<3x2xi32>
  // GENERIC: "lowbit.fully_connected"(%[[GX]], %[[GW]]) : (tensor<3x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {5.000000e-01:1,2.500000e-01:-2}>>) -> tensor<3x2xi32>
  %1 = lowbit.fully_connected %x, %w : tensor<3x4x!quant.uniform<u8:f32, 0.1:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>> -> tensor<3x2xi32>
  // i8 input, per-tensor narrow-range weights.
  // CHECK: %[[R2:.*]] = lowbit.fully_connected %[[X8]], %[[W8]], %[[B]] : tensor<3x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<2x4x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>, tensor<2xi32> -> tensor<3x2xi32>
  %2 = lowbit.fully_connected %x8, %w8, %b : tensor<3x4x!quant.uniform<i8:f32, 0.05:-3>>, tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.02>>, tensor<2xi32> -> tensor<3x2xi32>
  // A dynamic batch.
  // CHECK: %[[XD:.*]] = tensor.cast %[[X8]]
  // CHECK: %[[R3:.*]] = lowbit.fully_connected %[[XD]], %[[W8]] : tensor<?x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<2x4x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>> -> tensor<?x2xi32>
  %xd = tensor.cast %x8 : tensor<3x4x!quant.uniform<i8:f32, 0.05:-3>> to tensor<?x4x!quant.uniform<i8:f32, 0.05:-3>>
  %3 = lowbit.fully_connected %xd, %w8 : tensor<?x4x!quant.uniform<i8:f32, 0.05:-3>>, tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.02>> -> tensor<?x2xi32>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
  return %0, %1, %2, %3 : tensor<3x2xi32>, tensor<3x2xi32>, tensor<3x2xi32>, tensor<?x2xi32>
}

//===----------------------------------------------------------------------===//
// lowbit.requantize
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @requantize
// CHECK-SAME: (%[[ACC:.*]]: tensor<3x2xi32>)
// GENERIC-LABEL: sym_name = "requantize"
func.func @requantize(%acc: tensor<3x2xi32>) -> (tensor<3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>, tensor<3x2x!quant.uniform<u8:f32, 1.000000e-01:7>>, tensor<3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>, tensor<3x2x!quant.uniform<i16:f32, 1.000000e-02>>) {
  // Per-tensor, single rounding (the default, not printed).
  // CHECK: %[[Y0:.*]] = lowbit.requantize %[[ACC]] multiplier [1518500250] shift [38] clamp [2, 127] : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>
  // GENERIC: "lowbit.requantize"(%[[GACC:.*]]) <{clamp_max = 127 : i32, clamp_min = 2 : i32, multiplier = array<i32: 1518500250>, rounding = #lowbit.rounding<single>, shift = array<i8: 38>}> : (tensor<3x2xi32>) -> tensor<3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>
  %0 = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [2, 127] : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 0.1:2>>
  // Per-channel, double rounding, u8 output, the extreme shifts 1 and 62.
  // CHECK: %[[Y1:.*]] = lowbit.requantize %[[ACC]] multiplier [1073741824, 2147483647] shift [1, 62] clamp [0, 255] rounding <double> : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<u8:f32, 1.000000e-01:7>>
  // GENERIC: "lowbit.requantize"(%[[GACC]]) <{clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1073741824, 2147483647>, rounding = #lowbit.rounding<double>, shift = array<i8: 1, 62>}> : (tensor<3x2xi32>) -> tensor<3x2x!quant.uniform<u8:f32, 1.000000e-01:7>>
  %1 = lowbit.requantize %acc multiplier [1073741824, 2147483647] shift [1, 62] clamp [0, 255] rounding <double> : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<u8:f32, 0.1:7>>
  // An explicit `rounding <single>` is the default and prints elided.
  // CHECK: %[[Y2:.*]] = lowbit.requantize %[[ACC]] multiplier [0, 1] shift [31, 32] clamp [-128, 127] : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 1.000000e-01:2>>
  %2 = lowbit.requantize %acc multiplier [0, 1] shift [31, 32] clamp [-128, 127] rounding <single> : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 0.1:2>>
  // i16 output with a ReLU6-like narrow clamp.
  // CHECK: %[[Y3:.*]] = lowbit.requantize %[[ACC]] multiplier [1073741824] shift [40] clamp [0, 600] rounding <double> : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i16:f32, 1.000000e-02>>
  %3 = lowbit.requantize %acc multiplier [1073741824] shift [40] clamp [0, 600] rounding <double> : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i16:f32, 0.01>>
  // CHECK: return %[[Y0]], %[[Y1]], %[[Y2]], %[[Y3]]
  return %0, %1, %2, %3 : tensor<3x2x!quant.uniform<i8:f32, 0.1:2>>, tensor<3x2x!quant.uniform<u8:f32, 0.1:7>>, tensor<3x2x!quant.uniform<i8:f32, 0.1:2>>, tensor<3x2x!quant.uniform<i16:f32, 0.01>>
}

// CHECK-LABEL: func.func @packed_fully_connected
// CHECK: lowbit.packed_fully_connected <avx512vnni> %arg0, %arg1, %arg2 row_sums %arg3 multiplier [1518500250] shift [38] clamp [-128, 127] rounding <double> : tensor<?x5x!quant.uniform<u8:f32, {{.*}}:3>>, tensor<1x2x64xi8>, tensor<16xi32>, tensor<16xi32> -> tensor<?x2x!quant.uniform<i8:f32, {{.*}}:2>>
// CHECK: lowbit.packed_fully_connected <avx2> %arg0, %arg4, %arg2 multiplier
func.func @packed_fully_connected(%x: tensor<?x5x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>, %z: tensor<16xi32>, %w2: tensor<1x3x32xi8>) -> (tensor<?x2x!quant.uniform<i8:f32, 0.1:2>>, tensor<?x2x!quant.uniform<i8:f32, 0.1:2>>) {
  %0 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b row_sums %z multiplier [1518500250] shift [38] clamp [-128, 127] rounding <double> : tensor<?x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<16xi32>, tensor<16xi32> -> tensor<?x2x!quant.uniform<i8:f32, 0.1:2>>
  %1 = lowbit.packed_fully_connected <avx2> %x, %w2, %b multiplier [1518500250, 1073741824] shift [38, 31] clamp [-128, 127] : tensor<?x5x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x3x32xi8>, tensor<16xi32> -> tensor<?x2x!quant.uniform<i8:f32, 0.1:2>>
  return %0, %1 : tensor<?x2x!quant.uniform<i8:f32, 0.1:2>>, tensor<?x2x!quant.uniform<i8:f32, 0.1:2>>
}

// CHECK-LABEL: func.func @dot_accumulate
// CHECK: lowbit.dot_accumulate <avx512vnni> %arg0, %arg1, %arg1 : vector<64xi8>, vector<64xi8> into vector<16xi32>
// CHECK: lowbit.dot_accumulate <neon_dotprod> %arg2, %arg3, %arg3 : vector<16xi8>, vector<16xi8> into vector<4xi32>
// CHECK: lowbit.dot_accumulate <avx2> %arg4, %arg5, %arg5 : vector<16xi16>, vector<16xi16> into vector<8xi32>
func.func @dot_accumulate(%a: vector<16xi32>, %b: vector<64xi8>, %c: vector<4xi32>, %d: vector<16xi8>, %e: vector<8xi32>, %f: vector<16xi16>) -> (vector<16xi32>, vector<4xi32>, vector<8xi32>) {
  %0 = lowbit.dot_accumulate <avx512vnni> %a, %b, %b : vector<64xi8>, vector<64xi8> into vector<16xi32>
  %1 = lowbit.dot_accumulate <neon_dotprod> %c, %d, %d : vector<16xi8>, vector<16xi8> into vector<4xi32>
  %2 = lowbit.dot_accumulate <avx2> %e, %f, %f : vector<16xi16>, vector<16xi16> into vector<8xi32>
  return %0, %1, %2 : vector<16xi32>, vector<4xi32>, vector<8xi32>
}

// CHECK-LABEL: func.func @coded_weights
// CHECK: lowbit.coded_constant dense<{{\[\[}}24], [37]]> : tensor<2x1xi8> bits 2 table [-7, 0, 7, 0] -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {5.000000e-01,2.500000e-01}>>
// CHECK: lowbit.packed_fully_connected <avx512vnni> %arg0, %arg1, %arg2 codes 1 table [-1, 1] multiplier [1] shift [31] clamp [-128, 127]
// CHECK: lowbit.decode_codes <avx512vnni> %arg3, %arg4 : vector<64xi8>, vector<16xi8>
// GENERIC-LABEL: "func.func"() <{function_type = (tensor<1x9x!quant.uniform<u8:f32, 5.000000e-02:3>>
// GENERIC: code_bits = 1 : i64, code_table = array<i8: -1, 1>
func.func @coded_weights(%x: tensor<1x9x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x1x64xi8>, %b: tensor<16xi32>, %c: vector<64xi8>, %t: vector<16xi8>) -> (tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>, tensor<1x2x!quant.uniform<i8:f32, 0.1>>, vector<64xi8>) {
  %0 = lowbit.coded_constant dense<[[24], [37]]> : tensor<2x1xi8> bits 2 table [-7, 0, 7, 0] -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>
  %1 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b codes 1 table [-1, 1] multiplier [1] shift [31] clamp [-128, 127] : tensor<1x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x1x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1>>
  %2 = lowbit.decode_codes <avx512vnni> %c, %t : vector<64xi8>, vector<16xi8>
  return %0, %1, %2 : tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>, tensor<1x2x!quant.uniform<i8:f32, 0.1>>, vector<64xi8>
}

// The blob of @constants survives every round trip: alignment 1, then the
// bytes 0x05 and 0xFB.
// CHECK: dialect_resources
// CHECK: weights: "0x0100000005FB"
// GENERIC: dialect_resources
// GENERIC: weights: "0x0100000005FB"
{-#
  dialect_resources: {
    builtin: {
      weights: "0x0100000005FB"
    }
  }
#-}
