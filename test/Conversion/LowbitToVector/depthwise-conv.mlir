// RUN: lowbit-opt %s --convert-lowbit-to-vector --cse --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --convert-lowbit-to-vector=allow-i32-requantize=false --cse --split-input-file | FileCheck %s --check-prefix=I64

// Stride 1, pad 1, int8 input (Zx = -7), channel multiplier 2, per-tensor
// requantize. OW = 20: V = 16 lanes, one full column tile at 0, then the
// last tile shifted to column 4. OH = 6: one tile of 4 rows, then 2 single
// rows. The plane is [6 + 2, 20 + 2] filled with Zx once; each input
// channel is copied into it at (1, 1).

// CHECK-LABEL: func.func @stride1
// CHECK:         %[[X:.*]] = quant.scast %arg0 : {{.*}} to tensor<1x2x6x20xi8>
// CHECK:         %[[OUT:.*]] = tensor.empty() : tensor<1x4x6x20xi8>
// CHECK-DAG:     %[[ZX:.*]] = arith.constant -7 : i8
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : vector<16xi32>
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<8x22xi8>
// CHECK:         %[[PLANE:.*]] = linalg.fill ins(%[[ZX]] : i8) outs(%[[EMPTY]] : tensor<8x22xi8>)
// CHECK:         scf.for %[[N:.*]] = %c0 to %c1 step %c1 iter_args(%{{.*}} = %[[PLANE]], %{{.*}} = %[[OUT]])
// CHECK:           scf.for %[[C:.*]] = %c0 to %c2 step %c1 iter_args(%[[P:.*]] = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK:             %[[SLICE:.*]] = tensor.extract_slice %[[X]][%[[N]], %[[C]], 0, 0] [1, 1, 6, 20] [1, 1, 1, 1] : tensor<1x2x6x20xi8> to tensor<6x20xi8>
// CHECK:             %[[FILLED:.*]] = tensor.insert_slice %[[SLICE]] into %[[P]][1, 1] [6, 20] [1, 1] : tensor<6x20xi8> into tensor<8x22xi8>
// CHECK:             %[[F0:.*]] = arith.muli %[[C]], %c2
// CHECK:             scf.for %[[J:.*]] = %c0 to %c2 step %c1
// CHECK:               %[[F:.*]] = arith.addi %[[F0]], %[[J]] : index
// CHECK:               %[[W00:.*]] = tensor.extract %arg1[%[[F]], %c0, %c0] : tensor<4x3x3xi8>
// CHECK:               %[[W00I:.*]] = arith.extsi %[[W00]] : i8 to i32
// CHECK:               %[[W00V:.*]] = vector.broadcast %[[W00I]] : i32 to vector<16xi32>
// CHECK-COUNT-8:       tensor.extract %arg1[%[[F]]
// CHECK:               %[[BIAS:.*]] = tensor.extract %arg2[%[[F]]] : tensor<4xi32>
// CHECK:               %[[BIASV:.*]] = vector.broadcast %[[BIAS]] : i32 to vector<16xi32>
// Tiles of 4 rows by 16 columns: 6 input rows x 3 taps loaded once each,
// 36 multiply-adds.
// CHECK:               scf.for %[[OY:.*]] = %c0 to %c4 step %c4
// CHECK:                 scf.for %[[OX:.*]] = %c0 to %c16 step %c16
// CHECK:                   %[[IY:.*]] = arith.muli %[[OY]], %c1
// CHECK:                   %[[IX:.*]] = arith.muli %[[OX]], %c1
// CHECK:                   %[[R0:.*]] = arith.addi %[[IY]], %c0
// CHECK:                   %[[C0:.*]] = arith.addi %[[IX]], %c0
// CHECK:                   %[[A:.*]] = vector.transfer_read %[[FILLED]][%[[R0]], %[[C0]]], %{{.*}} {in_bounds = [true]} : tensor<8x22xi8>, vector<16xi8>
// CHECK:                   %[[A32:.*]] = arith.extsi %[[A]] : vector<16xi8> to vector<16xi32>
// CHECK:                   %[[P0:.*]] = arith.muli %[[A32]], %[[W00V]] : vector<16xi32>
// CHECK:                   arith.addi %[[BIASV]], %[[P0]] : vector<16xi32>
// CHECK-COUNT-17:          vector.transfer_read %[[FILLED]]
// CHECK-NOT:               vector.transfer_read
// CHECK:                   arith.mulsi_extended %{{.*}}, %[[M]] : vector<16xi32>
// CHECK:                   arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK:                   vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %[[F]], %{{.*}}, %[[OX]]] {in_bounds = [true]} : vector<16xi8>, tensor<1x4x6x20xi8>
// CHECK-COUNT-3:           vector.transfer_write
// The last column tile, shifted to end at OW = 20.
// CHECK:                 vector.transfer_write %{{.*}}, %{{.*}}[%[[N]], %[[F]], %{{.*}}, %c4] {in_bounds = [true]}
// Then the remaining rows one at a time.
// CHECK:               scf.for %{{.*}} = %c4 to %c6 step %c1
// CHECK:         quant.scast %{{.*}} : tensor<1x4x6x20xi8> to tensor<1x4x6x20x!quant.uniform<u8:f32, {{.*}}>>

// I64-LABEL: func.func @stride1
// I64-NOT:     arith.mulsi_extended
// I64:         arith.muli {{.*}} : vector<16xi64>
func.func @stride1(%x: tensor<1x2x6x20x!quant.uniform<i8:f32, 0.05:-7>>, %w: tensor<4x3x3xi8>, %b: tensor<4xi32>) -> tensor<1x4x6x20x!quant.uniform<u8:f32, 0.1:5>> {
  %y = lowbit.packed_depthwise_conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1073741824] shift [35] clamp [5, 65] : tensor<1x2x6x20x!quant.uniform<i8:f32, 0.05:-7>>, tensor<4x3x3xi8>, tensor<4xi32> -> tensor<1x4x6x20x!quant.uniform<u8:f32, 0.1:5>>
  return %y : tensor<1x4x6x20x!quant.uniform<u8:f32, 0.1:5>>
}

// -----

// Stride 2, uint8 input (Zx = 3), weight offsets, per-channel requantize.
// OW = 5: V = 4 lanes, tiles at columns 0 and 1. Loads of 8 bytes keep the
// even ones; the plane is [max(1 + 5, 2 * 2 + 2 + 1), max(1 + 9, 5 * 2 + 2)].

// CHECK-LABEL: func.func @stride2
// CHECK-DAG:     %[[MULT:.*]] = arith.constant dense<[1073741824, 1200000000]> : tensor<2xi32>
// CHECK:         tensor.empty() : tensor<7x12xi8>
// CHECK:         scf.for %[[C:.*]] = %c0 to %c2 step %c1
// CHECK:           %[[FILLED:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[1, 1] [5, 9] [1, 1] : tensor<5x9xi8> into tensor<7x12xi8>
// CHECK:           %[[OFF:.*]] = tensor.extract %arg3[%[[F:.*]]] : tensor<2xi32>
// CHECK:           %[[W:.*]] = tensor.extract %arg1[%[[F]], %c0, %c0] : tensor<2x3x3xi8>
// CHECK:           %[[WI:.*]] = arith.extsi %[[W]] : i8 to i32
// CHECK:           arith.subi %[[WI]], %[[OFF]] : i32
// CHECK:           %[[M:.*]] = tensor.extract %[[MULT]][%[[F]]] : tensor<2xi32>
// CHECK:           vector.broadcast %[[M]] : i32 to vector<4xi32>
// CHECK:           scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK:             scf.for %[[OX:.*]] = %c0 to %c4 step %c4
// CHECK:               %[[A:.*]] = vector.transfer_read %[[FILLED]][%{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<7x12xi8>, vector<8xi8>
// CHECK:               %[[EVEN:.*]] = vector.shuffle %[[A]], %[[A]] [0, 2, 4, 6] : vector<8xi8>, vector<8xi8>
// CHECK:               arith.extui %[[EVEN]] : vector<4xi8> to vector<4xi32>
// CHECK:               vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %[[F]], %{{.*}}, %[[OX]]] {in_bounds = [true]} : vector<4xi8>, tensor<1x2x3x5xi8>
// CHECK:             vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %[[F]], %{{.*}}, %c1] {in_bounds = [true]} : vector<4xi8>, tensor<1x2x3x5xi8>
func.func @stride2(%x: tensor<1x2x5x9x!quant.uniform<u8:f32, 0.05:3>>, %w: tensor<2x3x3xi8>, %b: tensor<2xi32>, %z: tensor<2xi32>) -> tensor<1x2x3x5x!quant.uniform<i8:f32, 0.1:-2>> {
  %y = lowbit.packed_depthwise_conv2d %x, %w, %b weight_offsets %z strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] multiplier [1073741824, 1200000000] shift [33, 34] clamp [-128, 100] : tensor<1x2x5x9x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x3xi8>, tensor<2xi32>, tensor<2xi32> -> tensor<1x2x3x5x!quant.uniform<i8:f32, 0.1:-2>>
  return %y : tensor<1x2x3x5x!quant.uniform<i8:f32, 0.1:-2>>
}
