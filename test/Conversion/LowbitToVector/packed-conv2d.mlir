// RUN: lowbit-opt %s --convert-lowbit-to-vector --cse --split-input-file | FileCheck %s

// A 3x3 conv2d, stride 2, pads [1, 1, 2, 0] of an NHWC int8 input
// [1, 5, 4, 3] (C = 3, Cp = 4) into F = 20 channels of 3 x 2 = 6 output
// pixels: OH = (5 + 3 - 3) / 2 + 1 = 3, OW = (4 + 1 - 3) / 2 + 1 = 2. The
// padded NHWC copy is Hp = 2 * 2 + 2 + 1 = 7 rows (the input's 5 at rows
// 1..5), Wp = 1 * 2 + 2 + 1 = 5 columns (the input's 4 at columns 1..4),
// Cp = 4 channels: 140 bytes filled with Zx = -5 first. Input row h (12
// bytes at 12 h) goes to ((h + 1) * 5 + 1) * 4 = 20 h + 24: its 4 pixels
// widened from 3 to 4 channels by one shuffle with Zx (lane 12).

// CHECK-LABEL: func.func @conv3x3
// CHECK:         %[[X:.*]] = quant.scast %arg0 : tensor<1x5x4x3x!quant.uniform<i8:f32, {{.*}}>> to tensor<1x5x4x3xi8>
// CHECK:         %[[SRC:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2, 3]] : tensor<1x5x4x3xi8> into tensor<60xi8>
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%c-5_i8 : i8) outs(%{{.*}} : tensor<140xi8>)
// CHECK:         %[[PAD:.*]] = scf.for %[[H:.*]] = %c0 to %c5 step %c1 iter_args(%[[BUF:.*]] = %[[FILL]]) -> (tensor<140xi8>)
// CHECK:           %[[FROM:.*]] = arith.muli %[[H]], %c12
// CHECK:           %[[ROW:.*]] = arith.addi %[[H]], %c1
// CHECK:           %[[TO0:.*]] = arith.muli %[[ROW]], %c20
// CHECK:           %[[TO:.*]] = arith.addi %[[TO0]], %c4
// CHECK:           %[[NARROW:.*]] = vector.transfer_read %[[SRC]][%[[FROM]]], %{{.*}} {in_bounds = [true]} : tensor<60xi8>, vector<12xi8>
// CHECK:           %[[ZX:.*]] = vector.broadcast %c-5_i8 : i8 to vector<1xi8>
// CHECK:           %[[WIDE:.*]] = vector.shuffle %[[NARROW]], %[[ZX]] [0, 1, 2, 12, 3, 4, 5, 12, 6, 7, 8, 12, 9, 10, 11, 12] : vector<12xi8>, vector<1xi8>
// CHECK:           vector.transfer_write %[[WIDE]], %[[BUF]][%[[TO]]] {in_bounds = [true]} : vector<16xi8>, tensor<140xi8>
// CHECK-NOT:     linalg.transpose
// The weight zero point's row sums: a window sum per output pixel.
// CHECK:         %[[PAD3:.*]] = tensor.expand_shape %[[PAD]] {{\[\[}}0, 1, 2]] output_shape [7, 5, 4] : tensor<140xi8> into tensor<7x5x4xi8>
// CHECK:         linalg.generic {{.*}} ins(%[[PAD3]], %{{.*}} : tensor<7x5x4xi8>, tensor<3x3xi32>) outs(%{{.*}} : tensor<3x2xi32>)
// CHECK:         %[[SUMS:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<3x2xi32> into tensor<6xi32>
// One panel of the two blocks (the second partial, at a constant position):
// one tile of the 6 pixels (oh, ow) = (p / 2, p % 2), whose window origins
// are (oh * 2 * 5 + ow * 2) * 4, written into the result [1, 3, 2, 20]
// itself.
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<1x3x2x20xi8>
// CHECK:         scf.for %{{.*}} = %c0 to %c2 step %c2 iter_args(%[[OUT:.*]] = %[[EMPTY]]) -> (tensor<1x3x2x20xi8>)
// CHECK:           scf.for %[[ROW0:.*]] = %c0 to %{{.*}} step %c6 iter_args(%[[TILE:.*]] = %[[OUT]])
// CHECK:             %[[P0:.*]] = arith.addi %[[ROW0]], %c0 : index
// CHECK:             %[[OH:.*]] = arith.divui %[[P0]], %c2{{.*}} : index
// CHECK:             %[[OW:.*]] = arith.remui %[[P0]], %c2{{.*}} : index
// Taps: kh, kw, each one group of 4 channels read at origin + tap offset,
// 6 pixels x 2 blocks of accumulators.
// CHECK:             scf.for %[[KH:.*]] = %c0 to %c3 step %c1{{(_[0-9]+)?}} iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK:               scf.for %[[KW:.*]] = %c0 to %c3 step %c1
// CHECK-DAG:             arith.muli %[[KH]], %c20 : index
// CHECK-DAG:             arith.muli %[[KW]], %c4 : index
// CHECK:                 vector.transfer_read %[[PAD]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<140xi8>, vector<4xi8>
// CHECK:                 vector.transfer_read %arg1[%{{.*}}, %{{.*}}, %c0], %{{.*}} {in_bounds = [true]} : tensor<2x9x64xi8>, vector<64xi8>
// CHECK-COUNT-12:        lowbit.dot_accumulate <avx512vnni>
// Epilogue: bias, row sums, requantize, then the 16 channels of each pixel
// stored as one vector at [0, oh, ow, 16 * block] of the NHWC result, and
// the 4 valid channels of the partial block as one vector<4xi8>.
// CHECK:             tensor.extract %[[SUMS]][%{{.*}}] : tensor<6xi32>
// CHECK:             arith.trunci {{.*}} : vector<16xi32> to vector<16xi8>
// CHECK:             vector.transfer_write %{{.*}}, %[[TILE]][%c0, %[[OH]], %[[OW]], %{{.*}}] {in_bounds = [true]} : vector<16xi8>, tensor<1x3x2x20xi8>
// CHECK:             %[[VALID:.*]] = vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [4], strides = [1]} : vector<16xi8> to vector<4xi8>
// CHECK:             vector.transfer_write %[[VALID]], %{{.*}}[%c0, %[[OH]], %[[OW]], %{{.*}}] {in_bounds = [true]} : vector<4xi8>, tensor<1x3x2x20xi8>
// CHECK-COUNT-5:     vector.transfer_write %{{.*}}, %{{.*}}[%c0, %{{.*}}, %{{.*}}, %{{.*}}] {in_bounds = [true]} : vector<4xi8>, tensor<1x3x2x20xi8>
// CHECK-NOT:         vector.transfer_write
// CHECK-NOT:         tensor.insert
// CHECK-NOT:     tensor.expand_shape
// CHECK:         quant.scast %{{.*}} : tensor<1x3x2x20xi8> to tensor<1x3x2x20x!quant.uniform<i8:f32, {{.*}}>>
func.func @conv3x3(%x: tensor<1x5x4x3x!quant.uniform<i8:f32, 0.05:-5>>, %w: tensor<2x9x64xi8>, %b: tensor<32xi32>, %z: tensor<32xi32>) -> tensor<1x3x2x20x!quant.uniform<i8:f32, 0.1:2>> {
  %y = lowbit.packed_conv2d <avx512vnni> %x, %w, %b row_sums %z kernel [3, 3] strides [2, 2] pads [1, 1, 2, 0] dilations [1, 1] multiplier [1073741824] shift [38] clamp [-128, 127] : tensor<1x5x4x3x!quant.uniform<i8:f32, 0.05:-5>>, tensor<2x9x64xi8>, tensor<32xi32>, tensor<32xi32> -> tensor<1x3x2x20x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x3x2x20x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// C = Cp = 8: an input row of 20 pixels is one contiguous run of 160 bytes,
// copied as two vectors of 64 bytes and one of 32 into the padded row
// (Wp = 22, pad 1: at ((h + 1) * 22 + 1) * 8 = 176 h + 184).
// CHECK-LABEL: func.func @contiguous_rows
// CHECK:         %[[SRC:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2, 3]] : tensor<1x4x20x8xi8> into tensor<640xi8>
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : i8) outs(%{{.*}} : tensor<1056xi8>)
// CHECK:         scf.for %[[H:.*]] = %c0 to %c4 step %c1 iter_args(%[[BUF:.*]] = %[[FILL]])
// CHECK:           %[[FROM:.*]] = arith.muli %[[H]], %c160
// CHECK:           %[[TO0:.*]] = arith.muli %{{.*}}, %c176
// CHECK:           %[[TO:.*]] = arith.addi %[[TO0]], %c8
// CHECK:           %[[CHUNKS:.*]] = scf.for %[[AT:.*]] = %c0 to %c128 step %c64 iter_args(%[[ROW:.*]] = %[[BUF]])
// CHECK-DAG:         %[[F:.*]] = arith.addi %[[FROM]], %[[AT]]
// CHECK-DAG:         %[[T:.*]] = arith.addi %[[TO]], %[[AT]]
// CHECK:             %[[V:.*]] = vector.transfer_read %[[SRC]][%[[F]]], %{{.*}} {in_bounds = [true]} : tensor<640xi8>, vector<64xi8>
// CHECK:             vector.transfer_write %[[V]], %[[ROW]][%[[T]]] {in_bounds = [true]} : vector<64xi8>, tensor<1056xi8>
// CHECK-DAG:       %[[F:.*]] = arith.addi %[[FROM]], %c128
// CHECK-DAG:       %[[T:.*]] = arith.addi %[[TO]], %c128
// CHECK:           %[[V:.*]] = vector.transfer_read %[[SRC]][%[[F]]], %{{.*}} {in_bounds = [true]} : tensor<640xi8>, vector<32xi8>
// CHECK:           vector.transfer_write %[[V]], %[[CHUNKS]][%[[T]]] {in_bounds = [true]} : vector<32xi8>, tensor<1056xi8>
// CHECK-NOT:     vector.shuffle
// CHECK:         lowbit.dot_accumulate
func.func @contiguous_rows(%x: tensor<1x4x20x8x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x18x64xi8>, %b: tensor<16xi32>) -> tensor<1x4x20x16x!quant.uniform<u8:f32, 0.1:2>> {
  %y = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1073741824] shift [38] clamp [0, 255] : tensor<1x4x20x8x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x18x64xi8>, tensor<16xi32> -> tensor<1x4x20x16x!quant.uniform<u8:f32, 0.1:2>>
  return %y : tensor<1x4x20x16x!quant.uniform<u8:f32, 0.1:2>>
}

// -----

// Stride 3 with no bottom padding: the window of the last output row ends
// at input row (2 - 1) * 3 + 1 = 4, so row 5 of the 6 is never read and
// not copied (Hp = 5), nor column 5 (Wp = 5): 5 rows of 5 * 4 = 20 bytes.
// CHECK-LABEL: func.func @unread_rows
// CHECK:         linalg.fill ins(%{{.*}} : i8) outs(%{{.*}} : tensor<100xi8>)
// CHECK:         scf.for %{{.*}} = %c0 to %c5 step %c1
// CHECK:           vector.transfer_read {{.*}} : tensor<144xi8>, vector<20xi8>
func.func @unread_rows(%x: tensor<1x6x6x4x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x4x64xi8>, %b: tensor<16xi32>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:2>> {
  %y = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [2, 2] strides [3, 3] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1073741824] shift [38] clamp [0, 255] : tensor<1x6x6x4x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x4x64xi8>, tensor<16xi32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:2>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:2>>
}

// -----

// C = 33, Cp = 36: a padded pixel is wider than half a vector, so the
// pixels of a row are copied one by one (33 bytes from 33 p to 36 p), the
// 3 padded channels keeping the fill's Zx.
// CHECK-LABEL: func.func @wide_pixels
// CHECK:         scf.for %[[H:.*]] = %c0 to %c2 step %c1
// CHECK:           scf.for %[[P:.*]] = %c0 to %c2 step %c1
// CHECK-DAG:         arith.muli %[[P]], %c33
// CHECK-DAG:         arith.muli %[[P]], %c36
// CHECK:             vector.transfer_read {{.*}} : tensor<132xi8>, vector<33xi8>
// CHECK:             vector.transfer_write {{.*}} : vector<33xi8>, tensor<144xi8>
func.func @wide_pixels(%x: tensor<1x2x2x33x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x36x64xi8>, %b: tensor<16xi32>) -> tensor<1x1x1x16x!quant.uniform<u8:f32, 0.1:2>> {
  %y = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1073741824] shift [38] clamp [0, 255] : tensor<1x2x2x33x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x36x64xi8>, tensor<16xi32> -> tensor<1x1x1x16x!quant.uniform<u8:f32, 0.1:2>>
  return %y : tensor<1x1x1x16x!quant.uniform<u8:f32, 0.1:2>>
}
