// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s

// binarize: pad the axis with Z (sign +1), split it into [words, 64], OR the
// bits (q < Z, signed compare for i8 storage) into i64 words.
// CHECK-LABEL: func.func @binarize
// CHECK-SAME:    (%[[X:.*]]: tensor<2x70xi8>) -> tensor<2x2xi64>
// CHECK:         %[[Z:.*]] = arith.constant -3 : i8
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 0] high[0, 58]
// CHECK:           tensor.yield %[[Z]] : i8
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2]] output_shape [2, 2, 64] : tensor<2x128xi8> into tensor<2x2x64xi8>
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[E]] : tensor<2x2x64xi8>) outs(%{{.*}} : tensor<2x2xi64>)
// CHECK:           %[[NEG:.*]] = arith.cmpi slt, %{{.*}}, %[[Z]] : i8
// CHECK:           %[[BIT:.*]] = arith.extui %[[NEG]] : i1 to i64
// CHECK:           %[[B:.*]] = linalg.index 2 : index
// CHECK:           %[[B64:.*]] = arith.index_cast %[[B]] : index to i64
// CHECK:           %[[SH:.*]] = arith.shli %[[BIT]], %[[B64]] : i64
// CHECK:           arith.ori %{{.*}}, %[[SH]] : i64
func.func @binarize(%x: tensor<2x70x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<2x2xi64> {
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<2x70x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x2xi64>
  return %b : tensor<2x2xi64>
}

// -----

// Unsigned storage compares unsigned; a float input x < 0 (ordered); a
// multiple of 64 needs no pad; a middle axis moves innermost.
// CHECK-LABEL: func.func @binarize_u8
// CHECK-NOT:     tensor.pad
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] output_shape [1, 1, 64, 3] : tensor<1x64x3xi8> into tensor<1x1x64x3xi8>
// CHECK:         linalg.generic {indexing_maps = [#[[IN:.*]], #[[OUT:.*]]], {{.*}} outs(%{{.*}} : tensor<1x3x1xi64>)
// CHECK:           arith.cmpi ult, %{{.*}}, %{{.*}} : i8
func.func @binarize_u8(%x: tensor<1x64x3x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<1x3x1xi64> {
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<1x64x3x!quant.uniform<u8:f32, 0.5:128>> -> tensor<1x3x1xi64>
  return %b : tensor<1x3x1xi64>
}
// CHECK-LABEL: func.func @binarize_f32
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         tensor.pad
// CHECK:           tensor.yield %[[ZERO]] : f32
// CHECK:         arith.cmpf olt, %{{.*}}, %[[ZERO]] : f32
func.func @binarize_f32(%x: tensor<1x5xf32>) -> tensor<1x1xi64> {
  %b = lowbit.binarize %x {axis = 1 : i64} : tensor<1x5xf32> -> tensor<1x1xi64>
  return %b : tensor<1x1xi64>
}

// -----

// binary_fully_connected: start at bias + K, subtract 2 * popcount(x XOR w).
// CHECK-LABEL: func.func @fully_connected
// CHECK-SAME:    (%[[X:.*]]: tensor<3x2xi64>, %[[W:.*]]: tensor<5x2xi64>, %[[B:.*]]: tensor<5xi32>)
// CHECK:         %[[K:.*]] = arith.constant dense<100> : tensor<i32>
// CHECK:         %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[B]], %[[K]] : tensor<5xi32>, tensor<i32>) outs(%{{.*}} : tensor<3x5xi32>)
// CHECK:           arith.addi
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<3x2xi64>, tensor<5x2xi64>) outs(%[[INIT]] : tensor<3x5xi32>)
// CHECK:           %[[XOR:.*]] = arith.xori %{{.*}}, %{{.*}} : i64
// CHECK:           %[[POP:.*]] = math.ctpop %[[XOR]] : i64
// CHECK:           %[[N:.*]] = arith.trunci %[[POP]] : i64 to i32
// CHECK:           %[[TWICE:.*]] = arith.shli %[[N]], %{{.*}} : i32
// CHECK:           arith.subi %{{.*}}, %[[TWICE]] : i32
func.func @fully_connected(%x: tensor<3x2xi64>, %w: tensor<5x2xi64>, %b: tensor<5xi32>) -> tensor<3x5xi32> {
  %r = lowbit.binary_fully_connected %x, %w, %b {depth = 100 : i64} : tensor<3x2xi64>, tensor<5x2xi64>, tensor<5xi32> -> tensor<3x5xi32>
  return %r : tensor<3x5xi32>
}

// -----

// binary_conv2d, 3x3 image, pads 1: C * (taps inside the input) per output
// position (corners 4, edges 6, center 9, times C = 5), the input padded with
// zero words and a mask that selects 0 for the padding taps.
// CHECK-LABEL: func.func @conv
// CHECK-DAG:     %[[MASK:.*]] = arith.constant dense<{{\[\[}}false, false, false, false, false], [false, true, true, true, false], [false, true, true, true, false], [false, true, true, true, false], [false, false, false, false, false]]> : tensor<5x5xi1>
// CHECK-DAG:     %[[TAPS:.*]] = arith.constant dense<{{\[\[}}20, 30, 20], [30, 45, 30], [20, 30, 20]]> : tensor<3x3xi32>
// CHECK:         %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[TAPS]] : tensor<3x3xi32>) outs(%{{.*}} : tensor<1x2x3x3xi32>)
// CHECK:         %[[P:.*]] = tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[P]], %{{.*}}, %[[MASK]] : tensor<1x5x5x1xi64>, tensor<2x3x3x1xi64>, tensor<5x5xi1>) outs(%[[INIT]] : tensor<1x2x3x3xi32>)
// CHECK:           math.ctpop
// CHECK:           %[[TERM:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : i32
// CHECK:           arith.subi %{{.*}}, %[[TERM]] : i32
func.func @conv(%x: tensor<1x3x3x1xi64>, %w: tensor<2x3x3x1xi64>) -> tensor<1x2x3x3xi32> {
  %r = lowbit.binary_conv2d %x, %w {channels = 5 : i64, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x3x3x1xi64>, tensor<2x3x3x1xi64> -> tensor<1x2x3x3xi32>
  return %r : tensor<1x2x3x3xi32>
}

// -----

// binarize_threshold: sext(acc) < t with a [words, 64] table, -2^63 past
// the channels (bit 0 whatever the zero padding of the input).
// CHECK-LABEL: func.func @threshold
// CHECK:         %[[T:.*]] = arith.constant dense<{{\[\[}}-2147483648, 7, 2147483648, -9223372036854775808, {{.*}}]]> : tensor<1x64xi64>
// CHECK:         %[[P:.*]] = tensor.pad %{{.*}} low[0, 0] high[0, 61]
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[P]]
// CHECK:         linalg.generic {{.*}} ins(%[[E]], %[[T]] : tensor<2x1x64xi32>, tensor<1x64xi64>) outs(%{{.*}} : tensor<2x1xi64>)
// CHECK:           %[[W:.*]] = arith.extsi %{{.*}} : i32 to i64
// CHECK:           arith.cmpi slt, %[[W]], %{{.*}} : i64
func.func @threshold(%acc: tensor<2x3xi32>) -> tensor<2x1xi64> {
  %bits = lowbit.binarize_threshold %acc {axis = 1 : i64, thresholds = array<i64: -2147483648, 7, 2147483648>} : tensor<2x3xi32> -> tensor<2x1xi64>
  return %bits : tensor<2x1xi64>
}
