// RUN: lowbit-opt %s --convert-lowbit-to-vector --cse --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --convert-lowbit-to-vector=allow-i32-requantize=false --cse --split-input-file | FileCheck %s --check-prefix=I64

// M = 7 rows (one tile of 6, then one single row), K = 10 (two groups of 4
// and a masked last group of 2), N = 20 (two blocks in one panel: the full
// block stored in bounds, the partial one as a shorter vector), weight zero
// points (row sums), int8 input flipped to uint8 for vpdpbusd.

// CHECK-LABEL: func.func @vnni
// CHECK:         %[[X:.*]] = quant.scast %arg0 : tensor<7x10x!quant.uniform<i8:f32, {{.*}}>> to tensor<7x10xi8>
// CHECK:         %[[SUMS:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<7x10xi8>) outs(%{{.*}} : tensor<7xi32>)
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// One panel of both blocks (the partial last block is in the panel at a
// constant position): tiles of 6 rows x 2 blocks, 12 accumulators in
// registers, each broadcast activation feeding both blocks.
// CHECK:         scf.for %[[NB:.*]] = %c0 to %c2 step %c2 iter_args(%[[OUT:.*]] = %{{.*}}) -> (tensor<7x20xi8>)
// CHECK:           scf.for %[[M0:.*]] = %c0 to %{{.*}} step %c6 iter_args(%{{.*}} = %[[OUT]]) -> (tensor<7x20xi8>)
// CHECK:             scf.for %[[KB:.*]] = %c0 to %c2{{.*}} step %c1{{(_[0-9]+)?}} iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK:               %[[K:.*]] = arith.muli %[[KB]], %c4{{.*}} : index
// CHECK:               %[[A:.*]] = vector.transfer_read %[[X]][%{{.*}}, %[[K]]], %{{.*}} {in_bounds = [true]} : tensor<7x10xi8>, vector<4xi8>
// CHECK:               %[[A32:.*]] = vector.bitcast %[[A]] : vector<4xi8> to vector<1xi32>
// CHECK:               %[[E:.*]] = vector.extract %[[A32]][0] : i32 from vector<1xi32>
// CHECK:               %[[FLIP:.*]] = arith.constant -2139062144 : i32
// CHECK:               %[[F:.*]] = arith.xori %[[E]], %[[FLIP]] : i32
// CHECK:               vector.broadcast %[[F]] : i32 to vector<16xi32>
// CHECK:               %[[W:.*]] = vector.transfer_read %arg1[%{{.*}}, %[[KB]], %c0{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2x3x64xi8>, vector<64xi8>
// CHECK-COUNT-6:       lowbit.dot_accumulate <avx512vnni> %{{.*}}, %{{.*}}, %[[W]] : vector<64xi8>, vector<64xi8> into vector<16xi32>
// CHECK:               %[[W1:.*]] = vector.transfer_read %arg1[%{{.*}}, %[[KB]], %c0{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2x3x64xi8>, vector<64xi8>
// CHECK-COUNT-6:       lowbit.dot_accumulate <avx512vnni> %{{.*}}, %{{.*}}, %[[W1]] : vector<64xi8>, vector<64xi8> into vector<16xi32>
// CHECK-NOT:           lowbit.dot_accumulate
// CHECK:               scf.yield
// The masked last group of K (no in_bounds), padded with -128: vpdpbusd
// sees 0 after the flip.
// CHECK:             vector.transfer_read %[[X]][%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}], %c-128_i8{{[a-z0-9_]*}} : tensor<7x10xi8>, vector<4xi8>
// CHECK:             vector.transfer_read %arg1[%{{.*}}, %c2{{.*}}, %c0{{.*}}]
// CHECK-COUNT-12:    lowbit.dot_accumulate <avx512vnni>
// Fused epilogue: bias, row sums, 32-bit requantize, narrow, store.
// CHECK:             %[[B:.*]] = vector.transfer_read %arg2[{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<32xi32>, vector<16xi32>
// CHECK:             arith.addi %{{.*}}, %[[B]] : vector<16xi32>
// CHECK:             tensor.extract %[[SUMS]][%{{.*}}] : tensor<7xi32>
// CHECK:             vector.transfer_read %arg3[{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<32xi32>, vector<16xi32>
// CHECK:             arith.muli {{.*}} : vector<16xi32>
// CHECK:             arith.subi {{.*}} : vector<16xi32>
// The 64-bit products M0 * acc as two i64 multiplies (vpmuldq), of the even
// lanes and of the odd lanes sign-extended in their pairs, then the high
// half of lane i from product i / 2 of one of them. The shift 38 > 32
// rounds with 2^5 alone: no low half, no carry select.
// CHECK:             %[[M64:.*]] = vector.bitcast %{{.*}} : vector<16xi32> to vector<8xi64>
// CHECK:             %[[ACC64:.*]] = vector.bitcast %{{.*}} : vector<16xi32> to vector<8xi64>
// CHECK:             %[[ACCE:.*]] = arith.shrsi %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK:             %[[EVEN:.*]] = arith.muli %[[ACCE]], %{{.*}} : vector<8xi64>
// CHECK:             %[[ME:.*]] = vector.bitcast %[[EVEN]] : vector<8xi64> to vector<16xi32>
// CHECK:             %[[MO:.*]] = arith.shrsi %[[M64]], %{{.*}} : vector<8xi64>
// CHECK:             %[[ACCO:.*]] = arith.shrsi %[[ACC64]], %{{.*}} : vector<8xi64>
// CHECK:             %[[ODD:.*]] = arith.muli %[[ACCO]], %[[MO]] : vector<8xi64>
// CHECK:             %[[MOD:.*]] = vector.bitcast %[[ODD]] : vector<8xi64> to vector<16xi32>
// CHECK-NOT:         [0, 16, 2, 18
// CHECK:             %[[HIGH:.*]] = vector.shuffle %[[ME]], %[[MOD]] [1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31]
// CHECK-NOT:         arith.select
// CHECK:             arith.addi %[[HIGH]], %{{.*}} : vector<16xi32>
// CHECK-NOT:         arith.mulsi_extended
// CHECK:             arith.trunci {{.*}} : vector<16xi32> to vector<16xi8>
// CHECK:             vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xi8>, tensor<7x20xi8>
// The partial block of the same row: its 4 valid channels stored as one
// vector<4xi8> at [row, 16]; then the other 5 rows of the tile.
// CHECK:             %[[VALID:.*]] = vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [4], strides = [1]} : vector<16xi8> to vector<4xi8>
// CHECK:             vector.transfer_write %[[VALID]], %{{.*}}[%{{.*}}, %{{.*}}] {in_bounds = [true]} : vector<4xi8>, tensor<7x20xi8>
// CHECK-COUNT-5:     vector.transfer_write {{.*}} {in_bounds = [true]} : vector<4xi8>, tensor<7x20xi8>
// CHECK-NOT:         vector.transfer_write
// CHECK:             scf.yield
// The remaining row, one at a time, both blocks.
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1
// CHECK-COUNT-4:     lowbit.dot_accumulate <avx512vnni>
// CHECK-NOT:         lowbit.dot_accumulate
// CHECK:             vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xi8>, tensor<7x20xi8>
// CHECK:             vector.transfer_write {{.*}} {in_bounds = [true]} : vector<4xi8>, tensor<7x20xi8>
// CHECK-NOT:       tensor.insert
// CHECK:         quant.scast %{{.*}} : tensor<7x20xi8> to tensor<7x20x!quant.uniform<i8:f32, {{.*}}>>
// I64-LABEL: func.func @vnni
// I64-NOT:     arith.mulsi_extended
// I64:         arith.muli {{.*}} : vector<16xi64>
func.func @vnni(%x: tensor<7x10x!quant.uniform<i8:f32, 0.05:-3>>, %w: tensor<2x3x64xi8>, %b: tensor<32xi32>, %z: tensor<32xi32>) -> tensor<7x20x!quant.uniform<i8:f32, 0.1:2>> {
  %y = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b row_sums %z multiplier [1518500250] shift [38] clamp [-128, 127] : tensor<7x10x!quant.uniform<i8:f32, 0.05:-3>>, tensor<2x3x64xi8>, tensor<32xi32>, tensor<32xi32> -> tensor<7x20x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<7x20x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// sdot: uint8 input flipped to int8, four vector<4xi32> per block; per
// channel requantize parameters read per block; double rounding.

// CHECK-LABEL: func.func @dotprod
// CHECK:         vector.transfer_read {{.*}} : tensor<1x8xi8>, vector<4xi8>
// CHECK:         arith.xori
// CHECK:         vector.broadcast %{{.*}} : i32 to vector<4xi32>
// CHECK:         vector.bitcast %{{.*}} : vector<4xi32> to vector<16xi8>
// CHECK-COUNT-4: lowbit.dot_accumulate <neon_dotprod> {{.*}} : vector<16xi8>, vector<16xi8> into vector<4xi32>
// CHECK:         vector.shuffle {{.*}} : vector<4xi32>, vector<4xi32>
// CHECK:         vector.transfer_read %{{.*}} : tensor<16xi32>, vector<16xi32>
// CHECK:         vector.extract_strided_slice {{.*}} {offsets = [0], sizes = [2], strides = [1]} : vector<16xi8> to vector<2xi8>
// CHECK:         vector.transfer_write {{.*}} {in_bounds = [true]} : vector<2xi8>, tensor<1x2xi8>
func.func @dotprod(%x: tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>) -> tensor<1x2x!quant.uniform<u8:f32, 0.1:2>> {
  %y = lowbit.packed_fully_connected <neon_dotprod> %x, %w, %b multiplier [1518500250, 1073741824] shift [38, 31] clamp [0, 255] rounding <double> : tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<u8:f32, 0.1:2>>
  return %y : tensor<1x2x!quant.uniform<u8:f32, 0.1:2>>
}

// -----

// vpmaddwd: pairs of activations widened to i16 as stored (no flip), weights
// sign-extended to i16, two vector<8xi32> per block.

// CHECK-LABEL: func.func @avx2
// CHECK:         vector.transfer_read {{.*}} : tensor<2x6xi8>, vector<2xi8>
// CHECK-NOT:     arith.xori
// CHECK:         arith.extui %{{.*}} : vector<2xi8> to vector<2xi16>
// CHECK:         vector.broadcast %{{.*}} : i32 to vector<8xi32>
// CHECK:         arith.extsi %{{.*}} : vector<16xi8> to vector<16xi16>
// CHECK:         lowbit.dot_accumulate <avx2> {{.*}} : vector<16xi16>, vector<16xi16> into vector<8xi32>
func.func @avx2(%x: tensor<2x6x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x3x32xi8>, %b: tensor<16xi32>) -> tensor<2x3x!quant.uniform<i16:f32, 0.1>> {
  %y = lowbit.packed_fully_connected <avx2> %x, %w, %b multiplier [1518500250] shift [38] clamp [-32768, 32767] : tensor<2x6x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x3x32xi8>, tensor<16xi32> -> tensor<2x3x!quant.uniform<i16:f32, 0.1>>
  return %y : tensor<2x3x!quant.uniform<i16:f32, 0.1>>
}

// -----

// sdot with single rounding: the 32-bit requantize keeps mulsi_extended
// (smull/smull2 on AArch64), no even/odd i64 products.

// CHECK-LABEL: func.func @dotprod_single
// CHECK:         lowbit.dot_accumulate <neon_dotprod>
// CHECK-NOT:     vector<8xi64>
// CHECK:         arith.mulsi_extended {{.*}} : vector<16xi32>
// CHECK-NOT:     vector<8xi64>
func.func @dotprod_single(%x: tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>) -> tensor<1x2x!quant.uniform<u8:f32, 0.1:2>> {
  %y = lowbit.packed_fully_connected <neon_dotprod> %x, %w, %b multiplier [1518500250] shift [38] clamp [0, 255] : tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<u8:f32, 0.1:2>>
  return %y : tensor<1x2x!quant.uniform<u8:f32, 0.1:2>>
}

// -----

// Per-channel shifts [32, 38]: channel 0 rounds on the carry out of the
// low half (n - 32 = 0), so the low halves are formed too and a per-lane
// select picks the carry or 2^(n-33).

// CHECK-LABEL: func.func @vnni_shift32
// CHECK:         vector.bitcast %{{.*}} : vector<16xi32> to vector<8xi64>
// CHECK:         %[[EVEN:.*]] = vector.bitcast %{{.*}} : vector<8xi64> to vector<16xi32>
// CHECK:         %[[ODD:.*]] = vector.bitcast %{{.*}} : vector<8xi64> to vector<16xi32>
// CHECK-DAG:     %[[LOW:.*]] = vector.shuffle %[[EVEN]], %[[ODD]] [0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30]
// CHECK-DAG:     %[[HIGH:.*]] = vector.shuffle %[[EVEN]], %[[ODD]] [1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31]
// CHECK:         %[[ZERO:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK:         %[[CARRY:.*]] = arith.shrui %[[LOW]], %{{.*}} : vector<16xi32>
// CHECK:         %[[ROUND:.*]] = arith.select %[[ZERO]], %[[CARRY]], %{{.*}} : vector<16xi1>, vector<16xi32>
// CHECK:         arith.addi %[[HIGH]], %[[ROUND]] : vector<16xi32>
func.func @vnni_shift32(%x: tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<1x2x64xi8>, %b: tensor<16xi32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.1:2>> {
  %y = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b multiplier [1518500250, 1073741824] shift [32, 38] clamp [-128, 127] : tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>, tensor<16xi32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1:2>>
  return %y : tensor<1x2x!quant.uniform<i8:f32, 0.1:2>>
}
