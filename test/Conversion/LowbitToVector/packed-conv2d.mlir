// RUN: lowbit-opt %s --convert-lowbit-to-vector --cse --split-input-file | FileCheck %s

// A 3x3 conv2d, stride 2, pads [1, 1, 2, 0] of an int8 input [1, 3, 5, 4]
// (C = 3, Cp = 4) into F = 20 channels of 3 x 2 = 6 output pixels:
// OH = (5 + 3 - 3) / 2 + 1 = 3, OW = (4 + 1 - 3) / 2 + 1 = 2. The padded
// NHWC copy is Hp = 2 * 2 + 2 + 1 = 7 rows (the input's 5 at rows 1..5),
// Wp = 1 * 2 + 2 + 1 = 5 columns (the input's 4 at columns 1..4), Cp = 4
// channels, filled with Zx = -5 first.

// CHECK-LABEL: func.func @conv3x3
// CHECK:         %[[X:.*]] = quant.scast %arg0 : tensor<1x3x5x4x!quant.uniform<i8:f32, {{.*}}>> to tensor<1x3x5x4xi8>
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%c-5_i8 : i8) outs(%{{.*}} : tensor<7x5x4xi8>)
// CHECK:         %[[SRC:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 3, 5, 4] [1, 1, 1, 1] : tensor<1x3x5x4xi8> to tensor<3x5x4xi8>
// CHECK:         %[[DST:.*]] = tensor.extract_slice %[[FILL]][1, 1, 0] [5, 4, 3] [1, 1, 1] : tensor<7x5x4xi8> to tensor<5x4x3xi8>
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[SRC]] : tensor<3x5x4xi8>) outs(%[[DST]] : tensor<5x4x3xi8>) permutation = [1, 2, 0]
// CHECK:         %[[PAD:.*]] = tensor.insert_slice %[[T]] into %[[FILL]][1, 1, 0] [5, 4, 3] [1, 1, 1]
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[PAD]] {{\[\[}}0, 1, 2]] : tensor<7x5x4xi8> into tensor<140xi8>
// The weight zero point's row sums: a window sum per output pixel.
// CHECK:         linalg.generic {{.*}} ins(%[[PAD]], %{{.*}} : tensor<7x5x4xi8>, tensor<3x3xi32>) outs(%{{.*}} : tensor<3x2xi32>)
// CHECK:         %[[SUMS:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<3x2xi32> into tensor<6xi32>
// One full block: one tile of the 6 pixels, whose window origins are
// (oh * 2 * 5 + ow * 2) * 4.
// CHECK:         scf.for %{{.*}} = %c0 to %c1 step %c1 iter_args(%[[OUT:.*]] = %{{.*}}) -> (tensor<20x6xi8>)
// CHECK:           scf.for %[[ROW0:.*]] = %c0 to %{{.*}} step %c6
// CHECK:             arith.divui %{{.*}}, %c2{{.*}} : index
// CHECK:             arith.remui %{{.*}}, %c2{{.*}} : index
// Taps: kh, kw, each one group of 4 channels read at origin + tap offset.
// CHECK:             scf.for %[[KH:.*]] = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK:               scf.for %[[KW:.*]] = %c0 to %c3 step %c1
// CHECK-DAG:             arith.muli %[[KH]], %c20 : index
// CHECK-DAG:             arith.muli %[[KW]], %c4 : index
// CHECK:                 vector.transfer_read %[[FLAT]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<140xi8>, vector<4xi8>
// CHECK:                 vector.transfer_read %arg1[%{{.*}}, %{{.*}}, %c0], %{{.*}} {in_bounds = [true]} : tensor<2x9x64xi8>, vector<64xi8>
// CHECK-COUNT-6:         lowbit.dot_accumulate <avx512vnni>
// Epilogue: bias, row sums, requantize, then the 16 channels of a pixel
// stored into the [F, pixels] result one by one.
// CHECK:             tensor.extract %[[SUMS]][%{{.*}}] : tensor<6xi32>
// CHECK:             arith.trunci {{.*}} : vector<16xi32> to vector<16xi8>
// CHECK-COUNT-16:    tensor.insert %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}] : tensor<20x6xi8>
// The partial block: its 4 valid channels.
// CHECK:         scf.for %{{.*}} = %c1 to %c2 step %c1
// CHECK:           arith.trunci {{.*}} : vector<16xi32> to vector<16xi8>
// CHECK:           vector.extract %{{.*}}[3] : i8 from vector<16xi8>
// CHECK:           tensor.insert %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}] : tensor<20x6xi8>
// CHECK-NOT:       vector.extract %{{.*}}[4] : i8
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2, 3]] output_shape [1, 20, 3, 2] : tensor<20x6xi8> into tensor<1x20x3x2xi8>
func.func @conv3x3(%x: tensor<1x3x5x4x!quant.uniform<i8:f32, 0.05:-5>>, %w: tensor<2x9x64xi8>, %b: tensor<32xi32>, %z: tensor<32xi32>) -> tensor<1x20x3x2x!quant.uniform<i8:f32, 0.1:2>> {
  %y = lowbit.packed_conv2d <avx512vnni> %x, %w, %b row_sums %z kernel [3, 3] strides [2, 2] pads [1, 1, 2, 0] dilations [1, 1] multiplier [1073741824] shift [38] clamp [-128, 127] : tensor<1x3x5x4x!quant.uniform<i8:f32, 0.05:-5>>, tensor<2x9x64xi8>, tensor<32xi32>, tensor<32xi32> -> tensor<1x20x3x2x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x20x3x2x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// Stride 3 with no bottom padding: the window of the last output row ends
// at input row (2 - 1) * 3 + 1 = 4, so row 5 of the 6 is never read and
// not copied (Hp = 5).
// CHECK-LABEL: func.func @unread_rows
// CHECK:         linalg.fill ins(%{{.*}} : i8) outs(%{{.*}} : tensor<5x5x4xi8>)
// CHECK:         tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 4, 5, 5] [1, 1, 1, 1] : tensor<1x4x6x6xi8> to tensor<4x5x5xi8>
func.func @unread_rows(%x: tensor<1x4x6x6x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x4x64xi8>, %b: tensor<16xi32>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:2>> {
  %y = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [2, 2] strides [3, 3] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1073741824] shift [38] clamp [0, 255] : tensor<1x4x6x6x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x4x64xi8>, tensor<16xi32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:2>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:2>>
}
