// RUN: lowbit-opt %s --convert-lowbit-binary-to-vector=target-isa=avx2 --cse --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --convert-lowbit-binary-to-vector=target-isa=avx512vnni --cse --split-input-file | FileCheck %s --check-prefix=ZMM
// RUN: lowbit-opt %s --convert-lowbit-binary-to-vector=target-isa=generic --split-input-file | FileCheck %s --check-prefix=GENERIC
// RUN: not lowbit-opt %s --convert-lowbit-binary-to-vector=target-isa=sse9 --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// M = 5 rows (two tiles of 2, then a single row), N = 21 channels (a panel
// of two whole blocks of 8, then the partial block of 5 channels padded
// with zero words), K = 100 (2 words). The weights are repacked [block,
// word, channel in block].
// CHECK-LABEL: func.func @fully_connected
// CHECK-SAME:    (%[[X:.*]]: tensor<5x2xi64>, %[[B:.*]]: tensor<21xi32>)
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 3, 5, 7, 9, 11, 13, 15], [2, 4, 6, 8, 10, 12, 14, 16]], {{\[\[}}17, 19, 21, 23, 25, 27, 29, 31], [18, 20, 22, 24, 26, 28, 30, 32]], {{\[\[}}33, 35, 37, 39, 41, 0, 0, 0], [34, 36, 38, 40, 42, 0, 0, 0]]]> : tensor<3x2x8xi64>
// CHECK:         %[[K:.*]] = arith.constant 100 : i32
// CHECK:         %[[PANELS:.*]] = scf.for %[[NB:.*]] = %c0 to %c2 step %c2 iter_args(%{{.*}}) -> (tensor<5x24xi32>)
// CHECK:           scf.for %{{.*}} = %c0 to %c4 step %c2 iter_args(%{{.*}}) -> (tensor<5x24xi32>)
// CHECK:             %[[ACC:.*]]:4 = scf.for %[[WORD:.*]] = %c0 to %c2 step %c1{{.*}} iter_args({{.*}}) -> (vector<8xi64>, vector<8xi64>, vector<8xi64>, vector<8xi64>)
// CHECK:               %[[W0:.*]] = vector.transfer_read %[[W]][%{{.*}}, %[[WORD]], %c0], %{{.*}} {in_bounds = [true]} : tensor<3x2x8xi64>, vector<8xi64>
// CHECK:               %[[W1:.*]] = vector.transfer_read %[[W]]
// CHECK:               %[[XW:.*]] = tensor.extract %[[X]][%{{.*}}, %[[WORD]]] : tensor<5x2xi64>
// CHECK:               %[[XB:.*]] = vector.broadcast %[[XW]] : i64 to vector<8xi64>
// CHECK:               %[[D:.*]] = arith.xori %[[XB]], %[[W0]] : vector<8xi64>
// CHECK:               %[[P:.*]] = math.ctpop %[[D]] : vector<8xi64>
// CHECK:               arith.addi %{{.*}}, %[[P]] : vector<8xi64>
// CHECK-COUNT-3:       math.ctpop
// CHECK:               scf.yield
// Epilogue: K - 2 * count + bias (read past its end as 0), stored in bounds.
// CHECK:             %[[BIAS:.*]] = vector.transfer_read %[[B]][%{{.*}}], %{{.*}} : tensor<21xi32>, vector<8xi32>
// CHECK:             %[[N:.*]] = arith.trunci %[[ACC]]#0 : vector<8xi64> to vector<8xi32>
// CHECK:             %[[TWICE:.*]] = arith.addi %[[N]], %[[N]] : vector<8xi32>
// CHECK:             %[[KV:.*]] = vector.broadcast %[[K]] : i32 to vector<8xi32>
// CHECK:             %[[DOT:.*]] = arith.subi %[[KV]], %[[TWICE]] : vector<8xi32>
// CHECK:             %[[OUT:.*]] = arith.addi %[[DOT]], %[[BIAS]] : vector<8xi32>
// CHECK:             vector.transfer_write %[[OUT]], %{{.*}}[%{{.*}}, %{{.*}}] {in_bounds = [true]} : vector<8xi32>, tensor<5x24xi32>
// The last row alone.
// CHECK:           scf.for %{{.*}} = %c4 to %c5 step %c1
// CHECK:             scf.for {{.*}} -> (vector<8xi64>, vector<8xi64>)
// The partial block.
// CHECK:         scf.for %{{.*}} = %c2 to %c3 step %c1 iter_args(%{{.*}} = %[[PANELS]])
// CHECK:         tensor.extract_slice %{{.*}}[0, 0] [5, 21] [1, 1] : tensor<5x24xi32> to tensor<5x21xi32>

// AVX-512: a panel of 4 blocks would need 32 channels; 21 channels take
// single blocks, rows in tiles of 4.
// ZMM-LABEL: func.func @fully_connected
// ZMM:         scf.for %{{.*}} = %c0 to %c2 step %c1
// ZMM:           scf.for %{{.*}} = %c0 to %c4 step %c4
// ZMM:             scf.for {{.*}} -> (vector<8xi64>, vector<8xi64>, vector<8xi64>, vector<8xi64>)

// GENERIC-LABEL: func.func @fully_connected
// GENERIC:         lowbit.binary_fully_connected
func.func @fully_connected(%x: tensor<5x2xi64>, %b: tensor<21xi32>) -> tensor<5x21xi32> {
  %w = lowbit.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14], [15, 16], [17, 18], [19, 20], [21, 22], [23, 24], [25, 26], [27, 28], [29, 30], [31, 32], [33, 34], [35, 36], [37, 38], [39, 40], [41, 42]]> : tensor<21x2xi64> -> tensor<21x2xi64>
  %r = lowbit.binary_fully_connected %x, %w, %b {depth = 100 : i64} : tensor<5x2xi64>, tensor<21x2xi64>, tensor<21xi32> -> tensor<5x21xi32>
  return %r : tensor<5x21xi32>
}

// -----

// Weights that are not a constant keep the op (for the linalg lowering).
// CHECK-LABEL: func.func @variable_weights
// CHECK:         lowbit.binary_fully_connected
func.func @variable_weights(%x: tensor<5x2xi64>, %w: tensor<3x2xi64>) -> tensor<5x3xi32> {
  %r = lowbit.binary_fully_connected %x, %w {depth = 100 : i64} : tensor<5x2xi64>, tensor<3x2xi64> -> tensor<5x3xi32>
  return %r : tensor<5x3xi32>
}

// -----

// The convolution: per output row y the taps inside the input,
// [max(0, ceil((pad - y*s) / d)), min(KH, floor((H - 1 + pad - y*s) / d) + 1));
// the same per column at the borders (x = 0 and x = 5 of 6: one column at a
// time), while the columns [1, 5), whose window rows lie inside the input,
// go in one tile of 4 (ZMM) that loads each weight vector once for 4
// extracted input words. Loops over those taps and the words,
// C * taps - 2 * count + bias stored channel by channel into the NCHW
// result: 8 channels of the whole block, then 1 of the last, partial block
// (O = 9).
// ZMM-LABEL: func.func @conv
// ZMM:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x3x3x1x8xi64>
// ZMM:         %[[C:.*]] = arith.constant 5 : i32
// ZMM:         %[[EMPTY:.*]] = tensor.empty() : tensor<1x9x3x6xi32>
// ZMM:         %[[R:.*]] = scf.for %[[BLOCK:.*]] = %c0 to %c1 step %c1 iter_args(%{{.*}} = %[[EMPTY]]) -> (tensor<1x9x3x6xi32>)
// ZMM:           scf.for %[[N:.*]] = %c0 to %c1
// ZMM:             scf.for %[[Y:.*]] = %c0 to %c3
// The left border column.
// ZMM:               scf.for %[[XO:.*]] = %c0 to %c1 step %c1
// ZMM:                 %[[YS:.*]] = arith.muli %[[Y]], %c1 : index
// ZMM:                 %[[YSTART:.*]] = arith.subi %c1, %[[YS]] : index
// ZMM:                 %[[CEIL:.*]] = arith.ceildivsi %[[YSTART]], %c1 : index
// ZMM:                 %[[ILO:.*]] = arith.maxsi %c0, %[[CEIL]] : index
// ZMM:                 %[[LAST:.*]] = arith.addi %[[YSTART]], %c2{{.*}} : index
// ZMM:                 %[[FLOOR:.*]] = arith.floordivsi %[[LAST]], %c1 : index
// ZMM:                 %[[END:.*]] = arith.addi %[[FLOOR]], %c1 : index
// ZMM:                 %[[MIN:.*]] = arith.minsi %c3, %[[END]] : index
// ZMM:                 %[[IHI:.*]] = arith.maxsi %[[ILO]], %[[MIN]] : index
// ZMM:                 %[[COUNT:.*]] = scf.for %[[I:.*]] = %[[ILO]] to %[[IHI]] step %c1 iter_args(%{{.*}}) -> (vector<8xi64>)
// ZMM:                   scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %c1 iter_args(%{{.*}}) -> (vector<8xi64>)
// ZMM:                     scf.for %[[WORD:.*]] = %c0 to %c1 step %c1 iter_args(%{{.*}}) -> (vector<8xi64>)
// ZMM:                       %[[IY:.*]] = arith.subi %{{.*}}, %[[YSTART]] : index
// ZMM:                       vector.transfer_read %[[W]][%{{.*}}, %[[I]], %[[J]], %[[WORD]], %c0]
// ZMM:                       %[[WORDX:.*]] = tensor.extract %{{.*}}[%[[N]], %[[IY]], %{{.*}}, %[[WORD]]] : tensor<1x3x6x1xi64>
// ZMM:                       math.ctpop %{{.*}} : vector<8xi64>
// ZMM:                 %[[TAPS:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// ZMM:                 %[[TAPS32:.*]] = arith.index_cast %[[TAPS]] : index to i32
// ZMM:                 %[[SIGNS:.*]] = arith.muli %[[TAPS32]], %[[C]] : i32
// ZMM:                 vector.broadcast %[[SIGNS]] : i32 to vector<8xi32>
// ZMM:                 tensor.insert %{{.*}} into %{{.*}}[%[[N]], %{{.*}}, %[[Y]], %{{.*}}] : tensor<1x9x3x6xi32>
// ZMM-COUNT-7:         tensor.insert %{{.*}} : tensor<1x9x3x6xi32>
// ZMM-NEXT:            scf.yield
// The tile of 4 inner columns: all 3 taps of a window row, 4 words, 4 counts.
// ZMM:               scf.for %{{.*}} = %c1 to %c5 step %c4
// ZMM:                 scf.for %{{.*}} iter_args(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) -> (vector<8xi64>, vector<8xi64>, vector<8xi64>, vector<8xi64>)
// ZMM:                   scf.for %{{.*}} = %c0 to %c3 step %c1
// ZMM:                     vector.transfer_read %[[W]]
// ZMM-NOT:                 vector.transfer_read
// ZMM-COUNT-4:             math.ctpop
// ZMM-NOT:                 math.ctpop
// ZMM:                     scf.yield
// The tile's 4 x 8 values transposed: per channel one vector<4xi32> store.
// ZMM:                 vector.transpose %{{.*}}, [1, 0] : vector<4x8xi32> to vector<8x4xi32>
// ZMM-COUNT-8:         vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<4xi32>, tensor<1x9x3x6xi32>
// ZMM-NEXT:            scf.yield
// The right border column.
// ZMM:               scf.for %{{.*}} = %c5 to %c6 step %c1
// ZMM:         scf.for %{{.*}} = %c1 to %c2 step %c1 iter_args(%{{.*}} = %[[R]]) -> (tensor<1x9x3x6xi32>)
// ZMM:           scf.for %{{.*}} = %c1 to %c5 step %c4
// ZMM:             vector.transfer_write
// ZMM-NOT:         vector.transfer_write
// ZMM:             scf.yield
// ZMM:         return
func.func @conv(%x: tensor<1x3x6x1xi64>) -> tensor<1x9x3x6xi32> {
  %w = lowbit.constant dense<1> : tensor<9x3x3x1xi64> -> tensor<9x3x3x1xi64>
  %r = lowbit.binary_conv2d %x, %w {channels = 5 : i64, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x3x6x1xi64>, tensor<9x3x3x1xi64> -> tensor<1x9x3x6xi32>
  return %r : tensor<1x9x3x6xi32>
}

// -----

// binarize along the innermost axis: per row, each whole word is one
// vector<64xi8> load, a compare with Z and a bitcast of the 64 lanes to an
// i64; the last, partial word (K = 100) is read with Z as padding. The
// leading dimensions are collapsed to rows and expanded back.
// CHECK-LABEL: func.func @binarize_rows
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x100x!quant.uniform<u8:f32, 5.000000e-02:128>>)
// CHECK:         %[[S:.*]] = quant.scast %[[X]] : tensor<2x3x100x!quant.uniform<u8:f32, 5.000000e-02:128>> to tensor<2x3x100xi8>
// CHECK:         %[[ROWS:.*]] = tensor.collapse_shape %[[S]] {{\[\[}}0, 1], [2]] : tensor<2x3x100xi8> into tensor<6x100xi8>
// CHECK:         %[[Z:.*]] = arith.constant -128 : i8
// CHECK:         %[[ZS:.*]] = vector.broadcast %[[Z]] : i8 to vector<64xi8>
// CHECK:         %[[OUT:.*]] = scf.for %[[R:.*]] = %c0 to %c6 step %c1
// CHECK:           scf.for %[[W:.*]] = %c0 to %c1 step %c1
// CHECK:             %[[FIRST:.*]] = arith.muli %[[W]], %c64
// CHECK:             %[[V:.*]] = vector.transfer_read %[[ROWS]][%[[R]], %[[FIRST]]], %[[Z]] {in_bounds = [true]} : tensor<6x100xi8>, vector<64xi8>
// CHECK:             %[[NEG:.*]] = arith.cmpi ult, %[[V]], %[[ZS]] : vector<64xi8>
// CHECK:             %[[BITS:.*]] = vector.bitcast %[[NEG]] : vector<64xi1> to vector<1xi64>
// CHECK:             %[[WORD:.*]] = vector.extract %[[BITS]][0] : i64 from vector<1xi64>
// CHECK:             tensor.insert %[[WORD]] into %{{.*}}[%[[R]], %[[W]]] : tensor<6x2xi64>
// CHECK:           %[[LAST:.*]] = vector.transfer_read %[[ROWS]][%[[R]], %{{.*}}], %[[Z]] : tensor<6x100xi8>, vector<64xi8>
// CHECK:           arith.cmpi ult, %[[LAST]], %[[ZS]] : vector<64xi8>
// CHECK:           tensor.insert %{{.*}} into %{{.*}}[%[[R]], %c1] : tensor<6x2xi64>
// CHECK:         tensor.expand_shape %[[OUT]] {{\[\[}}0, 1], [2]] output_shape [2, 3, 2] : tensor<6x2xi64> into tensor<2x3x2xi64>
// GENERIC-LABEL: func.func @binarize_rows
// GENERIC:         lowbit.binarize
func.func @binarize_rows(%x: tensor<2x3x100x!quant.uniform<u8:f32, 0.05:128>>) -> tensor<2x3x2xi64> {
  %b = lowbit.binarize %x {axis = 2 : i64} : tensor<2x3x100x!quant.uniform<u8:f32, 0.05:128>> -> tensor<2x3x2xi64>
  return %b : tensor<2x3x2xi64>
}

// -----

// Signed storage compares signed; other axes (NCHW channels) are left to
// the linalg lowering.
// CHECK-LABEL: func.func @binarize_signed
// CHECK:         arith.cmpi slt, %{{.*}}, %{{.*}} : vector<64xi8>
// CHECK-LABEL: func.func @binarize_channels
// CHECK:         lowbit.binarize %{{.*}} {axis = 1 : i64}
func.func @binarize_signed(%x: tensor<4x64x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x1xi64> {
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<4x64x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<4x1xi64>
  return %b : tensor<4x1xi64>
}
func.func @binarize_channels(%x: tensor<1x70x3x3x!quant.uniform<u8:f32, 0.05:128>>) -> tensor<1x3x3x2xi64> {
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<1x70x3x3x!quant.uniform<u8:f32, 0.05:128>> -> tensor<1x3x3x2xi64>
  return %b : tensor<1x3x3x2xi64>
}

// BAD: error: unknown target-isa 'sse9'
