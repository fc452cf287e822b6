// RUN: lowbit-opt %s --convert-lowbit-to-vector --cse --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --convert-lowbit-to-vector=allow-i32-requantize=false --cse --split-input-file | FileCheck %s --check-prefix=I64

// Stride 1, pad 1, int8 input (Zx = -7), 20 channels, per-tensor
// requantize, for neon: tiles of 2 x 4 outputs of V = 8 lanes, a loop over
// blocks of channels at 0, 8 and min(16, 20 - 8) = 12 (the last block
// shifted to end at F). The input is
// read in place as [N, H, W * C]. Rows 1 to 4 have their windows inside the
// input: a loop over tiles of 2 rows; rows 0 and 5 read padding and are
// emitted at constant positions. Per row, the tile of 4 columns at 0 reads
// column -1 (constant position), the tile at 4 is inside (a loop) and the
// last one is shifted to end at OW = 10 (columns 6 to 9).

// CHECK-LABEL: func.func @stride1
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : vector<8xi32>
// CHECK:         %[[XS:.*]] = quant.scast %arg0 : {{.*}} to tensor<1x6x10x20xi8>
// CHECK:         %[[X:.*]] = tensor.collapse_shape %[[XS]] {{\[\[}}0], [1], [2, 3]] : tensor<1x6x10x20xi8> into tensor<1x6x200xi8>
// CHECK-NOT:     linalg.fill
// CHECK:         scf.for %[[N:.*]] = %c0{{(_[0-9]+)?}} to %c1{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}}
// Row 0.
// CHECK:           scf.for %[[B0:.*]] = %c0{{(_[0-9]+)?}} to %c24{{(_[0-9]+)?}} step %c8{{(_[0-9]+)?}}
// CHECK:             %[[F0:.*]] = arith.minui %[[B0]], %c12{{(_[0-9]+)?}}
// CHECK:             vector.transfer_read %arg1[%c0{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}, %[[F0]]]
// The first tile: the taps that read row -1 or column -1 multiply Zx;
// 2 rows x 5 columns of the input are loaded.
// CHECK:             %[[ZX:.*]] = arith.constant dense<-7> : vector<8xi32>
// CHECK:             arith.muli %[[ZX]], %{{.*}} : vector<8xi32>
// CHECK-COUNT-10:    vector.transfer_read %[[X]][%[[N]], %c{{[01](_[0-9]+)?}}, %{{.*}}]
// CHECK-NOT:         vector.transfer_read
// CHECK-COUNT-4:     vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %c0{{(_[0-9]+)?}}, %c{{[0-3](_[0-9]+)?}}, %[[F0]]]
// CHECK:             scf.for %{{.*}} = %c4{{(_[0-9]+)?}} to %c8{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}}
// CHECK-COUNT-12:      vector.transfer_read %[[X]]
// CHECK-NOT:           vector.transfer_read
// CHECK:               scf.yield
// CHECK:             vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %c0{{(_[0-9]+)?}}, %c6{{(_[0-9]+)?}}, %[[F0]]]
// Rows 1 to 4.
// CHECK:           scf.for %[[OY:.*]] = %c1{{(_[0-9]+)?}} to %c5{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK:             scf.for %[[B:.*]] = %c0{{(_[0-9]+)?}} to %c24{{(_[0-9]+)?}} step %c8{{(_[0-9]+)?}}
// CHECK:               %[[F:.*]] = arith.minui %[[B]], %c12{{(_[0-9]+)?}}
// Per block and row tile: the weights of each tap (3x3) as i16, the bias.
// CHECK:               %[[W00:.*]] = vector.transfer_read %arg1[%c0{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}, %[[F]]], %{{.*}} {in_bounds = [true]} : tensor<3x3x20xi8>, vector<8xi8>
// CHECK:               %[[W00S:.*]] = arith.extsi %[[W00]] : vector<8xi8> to vector<8xi16>
// CHECK-COUNT-8:       vector.transfer_read %arg1[
// CHECK:               %[[BIAS:.*]] = vector.transfer_read %arg2[%[[F]]], %{{.*}} {in_bounds = [true]} : tensor<20xi32>, vector<8xi32>
// The tile of 2 x 4 outputs inside the input: 4 x 6 pixels loaded once
// each (no padding), 72 multiply-adds.
// CHECK:               %[[W32:.*]] = arith.extsi %[[W00S]] : vector<8xi16> to vector<8xi32>
// CHECK:               scf.for %[[OX:.*]] = %c4{{(_[0-9]+)?}} to %c8{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}}
// CHECK:                 %[[COL:.*]] = arith.muli %[[OX]], %c20{{(_[0-9]+)?}}
// CHECK:                 %[[A:.*]] = vector.transfer_read %[[X]][%[[N]], %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x6x200xi8>, vector<8xi8>
// CHECK:                 %[[A32:.*]] = arith.extsi %[[A]] : vector<8xi8> to vector<8xi32>
// CHECK:                 %[[P0:.*]] = arith.muli %[[A32]], %[[W32]] : vector<8xi32>
// CHECK:                 arith.addi %[[BIAS]], %[[P0]] : vector<8xi32>
// CHECK-COUNT-23:        vector.transfer_read %[[X]]
// CHECK-NOT:             vector.transfer_read
// CHECK:                 arith.mulsi_extended %{{.*}}, %[[M]] : vector<8xi32>
// CHECK:                 arith.trunci %{{.*}} : vector<8xi32> to vector<8xi8>
// CHECK:                 vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %{{.*}}, %{{.*}}, %[[F]]] {in_bounds = [true]} : vector<8xi8>, tensor<1x6x10x20xi8>
// CHECK-COUNT-7:         vector.transfer_write
// CHECK-NOT:             vector.transfer_write
// CHECK:                 scf.yield
// CHECK-COUNT-8:       vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %{{.*}}, %c{{[6-9](_[0-9]+)?}}, %[[F]]] {in_bounds = [true]}
// CHECK:               scf.yield
// Row 5.
// CHECK:           scf.for %{{.*}} = %c0{{(_[0-9]+)?}} to %c24{{(_[0-9]+)?}} step %c8{{(_[0-9]+)?}}
// CHECK:             vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %c5{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}, %{{.*}}] {in_bounds = [true]}
// CHECK:         quant.scast %{{.*}} : tensor<1x6x10x20xi8> to tensor<1x6x10x20x!quant.uniform<u8:f32, {{.*}}>>

// I64-LABEL: func.func @stride1
// I64-NOT:     arith.mulsi_extended
// I64:         arith.muli {{.*}} : vector<8xi64>
func.func @stride1(%x: tensor<1x6x10x20x!quant.uniform<i8:f32, 0.05:-7>>, %w: tensor<3x3x20xi8>, %b: tensor<20xi32>) -> tensor<1x6x10x20x!quant.uniform<u8:f32, 0.1:5>> {
  %y = lowbit.packed_depthwise_conv2d <neon> %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1073741824] shift [35] clamp [5, 65] : tensor<1x6x10x20x!quant.uniform<i8:f32, 0.05:-7>>, tensor<3x3x20xi8>, tensor<20xi32> -> tensor<1x6x10x20x!quant.uniform<u8:f32, 0.1:5>>
  return %y : tensor<1x6x10x20x!quant.uniform<u8:f32, 0.1:5>>
}

// -----

// Stride 2, no pads (every window is inside: loops only), uint8 input,
// weight offsets, per-channel requantize, channel multiplier 2: F = 4
// lanes read input channels 0 and 1, each twice. OH = 2: one tile of 2
// rows; OW = 4: one tile of 4 columns whose pixels are 2 apart.

// CHECK-LABEL: func.func @stride2_multiplier
// CHECK-DAG:     %[[MULT:.*]] = arith.constant dense<[1073741824, 1200000000, 1073741824, 1200000000]> : tensor<4xi32>
// CHECK:         %[[X:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x5x9x2xi8> into tensor<1x5x18xi8>
// CHECK:         scf.for %[[N:.*]] = %c0{{(_[0-9]+)?}} to %c1{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}}
// CHECK:           scf.for %[[OY:.*]] = %c0{{(_[0-9]+)?}} to %c2{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK:             scf.for %[[F:.*]] = %c0{{(_[0-9]+)?}} to %c4{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}}
// CHECK:               %[[OFF:.*]] = vector.transfer_read %arg3[%[[F]]], %{{.*}} {in_bounds = [true]} : tensor<4xi32>, vector<4xi32>
// CHECK:               %[[OFF16:.*]] = arith.trunci %[[OFF]] : vector<4xi32> to vector<4xi16>
// CHECK:               %[[W:.*]] = vector.transfer_read %arg1[%c0{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}, %[[F]]]
// CHECK:               %[[WS:.*]] = arith.extsi %[[W]] : vector<4xi8> to vector<4xi16>
// CHECK:               %[[W00:.*]] = arith.subi %[[WS]], %[[OFF16]] : vector<4xi16>
// CHECK:               vector.transfer_read %[[MULT]][%[[F]]], %{{.*}} {in_bounds = [true]} : tensor<4xi32>, vector<4xi32>
// CHECK:               %[[C0:.*]] = arith.divui %[[F]], %c2{{(_[0-9]+)?}} : index
// CHECK:               scf.for %[[OX:.*]] = %c0{{(_[0-9]+)?}} to %c4{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}}
// CHECK:                 %[[IY:.*]] = arith.muli %[[OY]], %c2{{(_[0-9]+)?}}
// The column of pixel (ox * 2) * C + c0 (C = 2).
// CHECK:                 %[[COL:.*]] = arith.muli %[[OX]], %c4{{(_[0-9]+)?}}
// CHECK:                 %[[COLC:.*]] = arith.addi %{{.*}}, %[[C0]]
// CHECK:                 %[[A:.*]] = vector.transfer_read %[[X]][%[[N]], %{{.*}}, %[[COLC]]], %{{.*}} {in_bounds = [true]} : tensor<1x5x18xi8>, vector<2xi8>
// CHECK:                 %[[REP:.*]] = vector.shuffle %[[A]], %[[A]] [0, 0, 1, 1] : vector<2xi8>, vector<2xi8>
// CHECK:                 %[[A32:.*]] = arith.extui %[[REP]] : vector<4xi8> to vector<4xi32>
// CHECK:                 %[[W32:.*]] = arith.extsi %[[W00]] : vector<4xi16> to vector<4xi32>
// CHECK:                 arith.muli %[[A32]], %[[W32]] : vector<4xi32>
// 5 x 9 distinct pixels for 2 x 4 outputs of 3x3 taps at stride 2.
// CHECK-COUNT-44:        vector.shuffle
// CHECK-NOT:             vector.transfer_read
// CHECK:                 vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %{{.*}}, %{{.*}}, %[[F]]] {in_bounds = [true]} : vector<4xi8>, tensor<1x2x4x4xi8>
func.func @stride2_multiplier(%x: tensor<1x5x9x2x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x4xi8>, %b: tensor<4xi32>, %z: tensor<4xi32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-2>> {
  %y = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b weight_offsets %z strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1073741824, 1200000000, 1073741824, 1200000000] shift [33, 34, 33, 34] clamp [-128, 100] : tensor<1x5x9x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x4xi8>, tensor<4xi32>, tensor<4xi32> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-2>>
  return %y : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-2>>
}

// -----

// The tile follows `isa`. avx512vnni: 16 lanes, tiles of 2 x 8 outputs;
// OW = 18: the tile at column 0 reads column -1, the one at 8 is inside (a
// loop of one step), the last is shifted to end at 18 (columns 10 to 17).
// x86 forms the 64-bit products of the requantization as two i64
// multiplies of the even and odd lanes, and with every shift above 32
// (35) there is no carry select.

// CHECK-LABEL: func.func @tile_avx512vnni
// CHECK:         scf.for %{{.*}} = %c1{{(_[0-9]+)?}} to %c3{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK:           scf.for %[[B:.*]] = %c0{{(_[0-9]+)?}} to %c32{{(_[0-9]+)?}} step %c16{{(_[0-9]+)?}}
// CHECK:             scf.for %{{.*}} = %c8{{(_[0-9]+)?}} to %c16{{(_[0-9]+)?}} step %c8{{(_[0-9]+)?}}
// CHECK-COUNT-40:      vector.transfer_read %{{.*}} : tensor<1x4x576xi8>, vector<16xi8>
// CHECK-NOT:           vector.transfer_read
// CHECK-NOT:           arith.mulsi_extended
// CHECK-NOT:           arith.select
// CHECK:               arith.muli %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK:               arith.muli %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK:               vector.transfer_write %{{.*}} : vector<16xi8>, tensor<1x4x18x32xi8>
// CHECK-COUNT-15:      vector.transfer_write %{{.*}} : vector<16xi8>, tensor<1x4x18x32xi8>
// CHECK-NOT:           vector.transfer_write
// CHECK:               scf.yield
// CHECK-COUNT-16:    vector.transfer_write %{{.*}}[%{{.*}}, %{{.*}}, %c{{1[0-7]|[0-9]+}}{{(_[0-9]+)?}}, %{{.*}}] {{.*}} : vector<16xi8>, tensor<1x4x18x32xi8>
// CHECK:             scf.yield
func.func @tile_avx512vnni(%x: tensor<1x4x18x32x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x32xi8>, %b: tensor<32xi32>) -> tensor<1x4x18x32x!quant.uniform<i8:f32, 0.1:-2>> {
  %y = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1073741824] shift [35] clamp [-128, 127] : tensor<1x4x18x32x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x32xi8>, tensor<32xi32> -> tensor<1x4x18x32x!quant.uniform<i8:f32, 0.1:-2>>
  return %y : tensor<1x4x18x32x!quant.uniform<i8:f32, 0.1:-2>>
}

// -----

// avx2: 8 lanes (blocks of 8 channels), tiles of 2 x 4 outputs: the
// interior tile loop runs over columns 4 to 16. A shift of 32 keeps the
// carry select (r = n - 32 = 0 rounds on the low half's carry).

// CHECK-LABEL: func.func @tile_avx2
// CHECK:         scf.for %{{.*}} = %c1{{(_[0-9]+)?}} to %c3{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK:           scf.for %[[B:.*]] = %c0{{(_[0-9]+)?}} to %c32{{(_[0-9]+)?}} step %c8{{(_[0-9]+)?}}
// CHECK:             scf.for %{{.*}} = %c4{{(_[0-9]+)?}} to %c16{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}}
// CHECK-COUNT-24:      vector.transfer_read %{{.*}} : tensor<1x4x576xi8>, vector<8xi8>
// CHECK-NOT:           vector.transfer_read
// CHECK-NOT:           arith.mulsi_extended
// CHECK:               arith.muli %{{.*}}, %{{.*}} : vector<4xi64>
// CHECK:               arith.select
// CHECK:               vector.transfer_write %{{.*}} : vector<8xi8>, tensor<1x4x18x32xi8>
// CHECK-COUNT-7:       vector.transfer_write %{{.*}} : vector<8xi8>, tensor<1x4x18x32xi8>
// CHECK-NOT:           vector.transfer_write
// CHECK:               scf.yield
func.func @tile_avx2(%x: tensor<1x4x18x32x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<3x3x32xi8>, %b: tensor<32xi32>) -> tensor<1x4x18x32x!quant.uniform<i8:f32, 0.1:-2>> {
  %y = lowbit.packed_depthwise_conv2d <avx2> %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1073741824] shift [32] clamp [-128, 127] : tensor<1x4x18x32x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x32xi8>, tensor<32xi32> -> tensor<1x4x18x32x!quant.uniform<i8:f32, 0.1:-2>>
  return %y : tensor<1x4x18x32x!quant.uniform<i8:f32, 0.1:-2>>
}
