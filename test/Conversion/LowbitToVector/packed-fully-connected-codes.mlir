// RUN: lowbit-opt %s --convert-lowbit-to-vector --cse --split-input-file | FileCheck %s

// 2-bit codes, K = 21: 5 full groups of 4 and a masked last one; P = 4
// groups per code byte, so one loop iteration over a super-group (4 steps
// unrolled: shifts 0, 2, 4, 6), then group 4 (super-group 1, shift 0) and
// the masked group 5 (super-group 1, shift 2). Every step loads the code
// bytes of its super-group, masks them, decodes them through the table
// (padded to 16 entries) and feeds vpdpbusd (M = 1: single rows only).
// The masked group pads the int8 activations with -128, which vpdpbusd
// sees as 0 after the flip.
// CHECK-LABEL: func.func @codes
// CHECK:         %[[TABLE:.*]] = arith.constant dense<[-7, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : vector<16xi8>
// CHECK:         scf.for %[[KS:.*]] = %c0 to %c1 step %c1 iter_args({{.*}}) -> (vector<16xi32>)
// CHECK:           %[[B0:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %[[KS]], %c0], %{{.*}} {in_bounds = [true]} : tensor<1x2x64xi8>, vector<64xi8>
// CHECK:           %[[C0:.*]] = arith.andi %[[B0]], %{{.*}} : vector<64xi8>
// CHECK:           %[[W0:.*]] = lowbit.decode_codes <avx512vnni> %[[C0]], %[[TABLE]]
// CHECK:           lowbit.dot_accumulate <avx512vnni> %{{.*}}, %{{.*}}, %[[W0]]
// CHECK:           %[[H2:.*]] = arith.shrui %[[B0]], %{{.*}} : vector<64xi8>
// CHECK:           arith.andi %[[H2]], %{{.*}}
// CHECK:           lowbit.decode_codes
// CHECK:           arith.shrui %[[B0]]
// CHECK:           %[[H6:.*]] = arith.shrui %[[B0]], %{{.*}} : vector<64xi8>
// CHECK-NEXT:      lowbit.decode_codes <avx512vnni> %[[H6]], %[[TABLE]]
// CHECK:         }
// CHECK:         %[[B1:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %c1, %c0], %{{.*}} {in_bounds = [true]} : tensor<1x2x64xi8>, vector<64xi8>
// CHECK:         arith.andi %[[B1]]
// CHECK:         %[[K5:.*]] = arith.muli %c5, %c4 : index
// CHECK:         vector.transfer_read %{{.*}}[%{{.*}}, %[[K5]]], %c-128_i8 : tensor<1x21xi8>, vector<4xi8>
// CHECK:         arith.shrui %[[B1]]
func.func @codes(%x: tensor<1x21x!quant.uniform<i8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>) -> tensor<1x16x!quant.uniform<i8:f32, 0.1>> {
  %0 = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b codes 2 table [-7, 0, 7, 0] multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<1x21x!quant.uniform<i8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<16xi32> -> tensor<1x16x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<1x16x!quant.uniform<i8:f32, 0.1>>
}

// -----

// AVX2: 16 code bytes per part, decoded with the 128-bit shuffle, then
// widened to 16 bits for vpmaddwd.
// CHECK-LABEL: func.func @avx2
// CHECK: %[[B:.*]] = vector.transfer_read {{.*}} : tensor<1x2x32xi8>, vector<16xi8>
// CHECK: %[[D:.*]] = lowbit.decode_codes <avx2> %{{.*}}, %{{.*}} : vector<16xi8>, vector<16xi8>
// CHECK: %[[W:.*]] = arith.extsi %[[D]] : vector<16xi8> to vector<16xi16>
// CHECK: lowbit.dot_accumulate <avx2> %{{.*}}, %{{.*}}, %[[W]]
func.func @avx2(%x: tensor<1x6x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x32xi8>, %b: tensor<16xi32>) -> tensor<1x16x!quant.uniform<i8:f32, 0.1>> {
  %0 = lowbit.packed_fully_connected <avx2> %x, %w, %b codes 4 table [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] multiplier [1073741824] shift [31] clamp [-128, 127] : tensor<1x6x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x32xi8>, tensor<16xi32> -> tensor<1x16x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<1x16x!quant.uniform<i8:f32, 0.1>>
}
