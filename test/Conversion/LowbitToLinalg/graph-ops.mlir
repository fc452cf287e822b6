// RUN: lowbit-opt %s --convert-lowbit-to-linalg --split-input-file | FileCheck %s

// conv2d reads the input padded with its zero point (so padded positions
// contribute x - Zx = 0); groups index the input channel as
// f floordiv (F / G) * (C / G) + c.
// CHECK-LABEL: func.func @conv
// CHECK: %[[ZX:.*]] = arith.constant 7 : i8
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 0] high[0, 0, 0, 1]
// CHECK: tensor.yield %[[ZX]] : i8
// CHECK: linalg.generic {indexing_maps = [#[[IN:.*]], #[[W:.*]], #[[OUT:.*]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[PAD]], %{{.*}} : tensor<1x2x6x6xi8>, tensor<4x1x3x3xi8>)
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.extsi
// CHECK: arith.muli
func.func @conv(%x: tensor<1x2x5x5x!quant.uniform<u8:f32, 0.1:7>>) -> tensor<1x4x2x4xi32> {
  %w = lowbit.constant dense<1> : tensor<4x1x3x3xi8> -> tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>
  %y = lowbit.conv2d %x, %w {strides = array<i64: 2, 1>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x5x5x!quant.uniform<u8:f32, 0.1:7>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>> -> tensor<1x4x2x4xi32>
  return %y : tensor<1x4x2x4xi32>
}

// -----

// max_pool pads with the storage minimum (0 for u8, here also past the end
// for ceil_mode) and compares unsigned.
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[LOW:.*]] = arith.constant 0 : i8
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[LOW]] : i8
// CHECK: arith.maxui
func.func @max_pool(%x: tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:7>>) -> tensor<1x1x2x2x!quant.uniform<u8:f32, 0.1:7>> {
  %y = lowbit.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode} : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:7>> -> tensor<1x1x2x2x!quant.uniform<u8:f32, 0.1:7>>
  return %y : tensor<1x1x2x2x!quant.uniform<u8:f32, 0.1:7>>
}

// -----

// average_pool: sums of q - Z over the input padded with Z, divided by the
// compile-time counts (padding not counted: corners 4, edges 6, centre 9)
// rounding half away from zero.
// CHECK-LABEL: func.func @average_pool
// CHECK: arith.constant dense<{{\[\[}}4, 6, 4], [6, 9, 6], [4, 6, 4]]> : tensor<3x3xi32>
// CHECK: arith.divsi
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @average_pool(%x: tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-3>> {
  %y = lowbit.average_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-3>>
  return %y : tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

// lookup reads table[q - qmin] (qmin = -128 for i8).
// CHECK-LABEL: func.func @lookup
// CHECK: %[[TABLE:.*]] = arith.constant dense<{{.*}}> : tensor<256xi8>
// CHECK: linalg.generic
// CHECK: %[[Q:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[OFF:.*]] = arith.subi %[[Q]], %{{.*}} : i32
// CHECK: %[[I:.*]] = arith.index_cast %[[OFF]] : i32 to index
// CHECK: tensor.extract %[[TABLE]][%[[I]]] : tensor<256xi8>
func.func @lookup(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %y = lowbit.lookup %x table [-128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127] : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// reshape goes through the flat vector; transpose is linalg.transpose.
// CHECK-LABEL: func.func @shape
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<2x3x4xi8> into tensor<24xi8>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [6, 4] : tensor<24xi8> into tensor<6x4xi8>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<6x4xi8>) outs(%{{.*}} : tensor<4x6xi8>) permutation = [1, 0]
func.func @shape(%x: tensor<2x3x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x6x!quant.uniform<i8:f32, 0.1>> {
  %r = lowbit.reshape %x : tensor<2x3x4x!quant.uniform<i8:f32, 0.1>> -> tensor<6x4x!quant.uniform<i8:f32, 0.1>>
  %t = lowbit.transpose %r permutation [1, 0] : tensor<6x4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x6x!quant.uniform<i8:f32, 0.1>>
  return %t : tensor<4x6x!quant.uniform<i8:f32, 0.1>>
}
