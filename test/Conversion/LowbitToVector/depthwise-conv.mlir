// RUN: lowbit-opt %s --convert-lowbit-to-vector --cse --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --convert-lowbit-to-vector=allow-i32-requantize=false --cse --split-input-file | FileCheck %s --check-prefix=I64

// Stride 1, pad 1, int8 input (Zx = -7), 20 channels, per-tensor
// requantize. V = 16 lanes: one block of channels at 0, then the last block
// shifted to channels 4..19. OH = 6: tiles of 2 rows. OW = 10: tiles of 4
// columns at 0 and 4, then the last one shifted to column 6. The input is
// copied once per image into an [8, (10 + 2) * 20] buffer filled with Zx
// at (1, 1 * 20).

// CHECK-LABEL: func.func @stride1
// CHECK:         %[[OUT:.*]] = tensor.empty() : tensor<1x6x10x20xi8>
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : vector<16xi32>
// CHECK:         %[[XS:.*]] = quant.scast %arg0 : {{.*}} to tensor<1x6x10x20xi8>
// CHECK:         %[[X:.*]] = tensor.collapse_shape %[[XS]] {{\[\[}}0], [1], [2, 3]] : tensor<1x6x10x20xi8> into tensor<1x6x200xi8>
// CHECK-DAG:     %[[ZX:.*]] = arith.constant -7 : i8
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<8x240xi8>
// CHECK:         %[[BUF:.*]] = linalg.fill ins(%[[ZX]] : i8) outs(%[[EMPTY]] : tensor<8x240xi8>)
// CHECK:         scf.for %[[N:.*]] = %c0{{(_[0-9]+)?}} to %c1{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}} iter_args(%{{.*}} = %[[OUT]], %[[B:.*]] = %[[BUF]])
// CHECK:           %[[IMAGE:.*]] = tensor.extract_slice %[[X]][%[[N]], 0, 0] [1, 6, 200] [1, 1, 1] : tensor<1x6x200xi8> to tensor<6x200xi8>
// CHECK:           %[[P:.*]] = tensor.insert_slice %[[IMAGE]] into %[[B]][1, 20] [6, 200] [1, 1] : tensor<6x200xi8> into tensor<8x240xi8>
// CHECK:           scf.for %[[F:.*]] = %c0{{(_[0-9]+)?}} to %c16{{(_[0-9]+)?}} step %c16{{(_[0-9]+)?}}
// Per block: the weights of each tap (3x3) as i16, then the bias.
// CHECK:             %[[W00:.*]] = vector.transfer_read %arg1[%c0{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}, %[[F]]], %{{.*}} {in_bounds = [true]} : tensor<3x3x20xi8>, vector<16xi8>
// CHECK:             %[[W00S:.*]] = arith.extsi %[[W00]] : vector<16xi8> to vector<16xi16>
// CHECK-COUNT-8:     vector.transfer_read %arg1[
// CHECK:             %[[BIAS:.*]] = vector.transfer_read %arg2[%[[F]]], %{{.*}} {in_bounds = [true]} : tensor<20xi32>, vector<16xi32>
// Tiles of 2 rows by 4 columns: 4 x 6 input pixels loaded once each, 72
// multiply-adds.
// CHECK:             scf.for %[[OY:.*]] = %c0{{(_[0-9]+)?}} to %c6{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK:               scf.for %[[OX:.*]] = %c0{{(_[0-9]+)?}} to %c8{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}}
// CHECK:                 %[[IX0:.*]] = arith.muli %[[OX]], %c1{{(_[0-9]+)?}}
// CHECK:                 %[[COL:.*]] = arith.muli %{{.*}}, %c20{{(_[0-9]+)?}}
// CHECK:                 %[[COLF:.*]] = arith.addi %[[COL]], %[[F]]
// CHECK:                 %[[A:.*]] = vector.transfer_read %[[P]][%{{.*}}, %[[COLF]]], %{{.*}} {in_bounds = [true]} : tensor<8x240xi8>, vector<16xi8>
// CHECK:                 %[[A32:.*]] = arith.extsi %[[A]] : vector<16xi8> to vector<16xi32>
// CHECK:                 %[[W00I:.*]] = arith.extsi %[[W00S]] : vector<16xi16> to vector<16xi32>
// CHECK:                 %[[P0:.*]] = arith.muli %[[A32]], %[[W00I]] : vector<16xi32>
// CHECK:                 arith.addi %[[BIAS]], %[[P0]] : vector<16xi32>
// CHECK-COUNT-23:        vector.transfer_read %[[P]]
// CHECK-NOT:             vector.transfer_read
// CHECK:                 arith.mulsi_extended %{{.*}}, %[[M]] : vector<16xi32>
// CHECK:                 arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK:                 vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %{{.*}}, %{{.*}}, %[[F]]] {in_bounds = [true]} : vector<16xi8>, tensor<1x6x10x20xi8>
// CHECK-COUNT-7:         vector.transfer_write
// CHECK-NOT:             vector.transfer_write
// CHECK:                 scf.yield
// The last column tile, shifted to end at OW = 10.
// CHECK-COUNT-8:       vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %{{.*}}, %{{.*}}, %[[F]]] {in_bounds = [true]}
// CHECK:               scf.yield
// The last block of channels, shifted to end at F = 20.
// CHECK:           vector.transfer_read %arg1[%c0{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}, %c4]
// CHECK:           scf.for %{{.*}} = %c0{{(_[0-9]+)?}} to %c6{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK:             vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %{{.*}}, %{{.*}}, %c4] {in_bounds = [true]}
// CHECK:         quant.scast %{{.*}} : tensor<1x6x10x20xi8> to tensor<1x6x10x20x!quant.uniform<u8:f32, {{.*}}>>

// I64-LABEL: func.func @stride1
// I64-NOT:     arith.mulsi_extended
// I64:         arith.muli {{.*}} : vector<16xi64>
func.func @stride1(%x: tensor<1x6x10x20x!quant.uniform<i8:f32, 0.05:-7>>, %w: tensor<3x3x20xi8>, %b: tensor<20xi32>) -> tensor<1x6x10x20x!quant.uniform<u8:f32, 0.1:5>> {
  %y = lowbit.packed_depthwise_conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1073741824] shift [35] clamp [5, 65] : tensor<1x6x10x20x!quant.uniform<i8:f32, 0.05:-7>>, tensor<3x3x20xi8>, tensor<20xi32> -> tensor<1x6x10x20x!quant.uniform<u8:f32, 0.1:5>>
  return %y : tensor<1x6x10x20x!quant.uniform<u8:f32, 0.1:5>>
}

// -----

// Stride 2, no pads (the input is read in place), uint8 input, weight
// offsets, per-channel requantize, channel multiplier 2: F = 4 lanes read
// input channels 0 and 1, each twice. OH = 2: one tile of 2 rows; OW = 4:
// one tile of 4 columns whose pixels are 2 apart.

// CHECK-LABEL: func.func @stride2_multiplier
// CHECK-DAG:     %[[MULT:.*]] = arith.constant dense<[1073741824, 1200000000, 1073741824, 1200000000]> : tensor<4xi32>
// CHECK:         %[[X:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x5x9x2xi8> into tensor<1x5x18xi8>
// CHECK-NOT:     linalg.fill
// CHECK:         scf.for %[[N:.*]] = %c0{{(_[0-9]+)?}} to %c1{{(_[0-9]+)?}} step %c1{{(_[0-9]+)?}}
// CHECK:           scf.for %[[F:.*]] = %c0{{(_[0-9]+)?}} to %c4{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}}
// CHECK:             %[[OFF:.*]] = vector.transfer_read %arg3[%[[F]]], %{{.*}} {in_bounds = [true]} : tensor<4xi32>, vector<4xi32>
// CHECK:             %[[OFF16:.*]] = arith.trunci %[[OFF]] : vector<4xi32> to vector<4xi16>
// CHECK:             %[[W:.*]] = vector.transfer_read %arg1[%c0{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}, %[[F]]]
// CHECK:             %[[WS:.*]] = arith.extsi %[[W]] : vector<4xi8> to vector<4xi16>
// CHECK:             %[[W00:.*]] = arith.subi %[[WS]], %[[OFF16]] : vector<4xi16>
// CHECK:             vector.transfer_read %[[MULT]][%[[F]]], %{{.*}} {in_bounds = [true]} : tensor<4xi32>, vector<4xi32>
// CHECK:             %[[C0:.*]] = arith.divui %[[F]], %c2{{(_[0-9]+)?}} : index
// CHECK:             scf.for %{{.*}} = %c0{{(_[0-9]+)?}} to %c2{{(_[0-9]+)?}} step %c2{{(_[0-9]+)?}}
// CHECK:               scf.for %[[OX:.*]] = %c0{{(_[0-9]+)?}} to %c4{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}}
// CHECK:                 %[[IX0:.*]] = arith.muli %[[OX]], %c2{{(_[0-9]+)?}}
// CHECK:                 %[[COL:.*]] = arith.muli %{{.*}}, %c2{{(_[0-9]+)?}}
// CHECK:                 %[[COLC:.*]] = arith.addi %[[COL]], %[[C0]]
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
  %y = lowbit.packed_depthwise_conv2d %x, %w, %b weight_offsets %z strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] multiplier [1073741824, 1200000000, 1073741824, 1200000000] shift [33, 34, 33, 34] clamp [-128, 100] : tensor<1x5x9x2x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x4xi8>, tensor<4xi32>, tensor<4xi32> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-2>>
  return %y : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-2>>
}
