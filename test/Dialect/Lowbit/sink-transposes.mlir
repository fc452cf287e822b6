// RUN: lowbit-opt %s --lowbit-sink-transposes --split-input-file | FileCheck %s

// A layout change and its inverse cancel: NHWC -> NCHW -> NHWC is nothing.
// CHECK-LABEL: func.func @inverse_pair
// CHECK-NOT: lowbit.transpose
// CHECK: return %arg0
!q = !quant.uniform<u8:f32, 0.05:3>
func.func @inverse_pair(%x: tensor<1x5x6x8x!q>) -> tensor<1x5x6x8x!q> {
  %t = lowbit.transpose %x permutation [0, 3, 1, 2] : tensor<1x5x6x8x!q> -> tensor<1x8x5x6x!q>
  %u = lowbit.transpose %t permutation [0, 2, 3, 1] : tensor<1x8x5x6x!q> -> tensor<1x5x6x8x!q>
  return %u : tensor<1x5x6x8x!q>
}

// -----

// Two transposes that are not inverses become one: result dimension i is
// input dimension p[q[i]] = [1, 0, 2][[0, 2, 1][i]] = [1, 2, 0].
// CHECK-LABEL: func.func @compose
// CHECK: %[[T:.*]] = lowbit.transpose %arg0 permutation [1, 2, 0] : tensor<2x3x4xi8> -> tensor<3x4x2xi8>
// CHECK-NEXT: return %[[T]]
func.func @compose(%x: tensor<2x3x4xi8>) -> tensor<3x4x2xi8> {
  %t = lowbit.transpose %x permutation [1, 0, 2] : tensor<2x3x4xi8> -> tensor<3x2x4xi8>
  %u = lowbit.transpose %t permutation [0, 2, 1] : tensor<3x2x4xi8> -> tensor<3x4x2xi8>
  return %u : tensor<3x4x2xi8>
}

// -----

// A residual block between two NHWC kernels: the rescale of the skip input
// and the add run in NHWC, and the transposes back to NCHW and again to
// NHWC around them cancel. One transpose is left for the NCHW user.
// CHECK-LABEL: func.func @residual
// CHECK: %[[R:.*]] = lowbit.requantize %arg0 multiplier [1073741824] shift [31] clamp [0, 255] : tensor<1x4x4x16x!quant.uniform<u8:f32, 5.000000e-02:3>> -> tensor<1x4x4x16x!quant.uniform<u8:f32, 1.000000e-01:2>>
// CHECK: %[[A:.*]] = lowbit.add %[[R]], %arg1 : tensor<1x4x4x16x{{.*}}>, tensor<1x4x4x16x{{.*}}> -> tensor<1x4x4x16x!quant.uniform<u8:f32, 1.000000e-01:2>>
// CHECK: %[[T:.*]] = lowbit.transpose %[[A]] permutation [0, 3, 1, 2]
// CHECK-NOT: lowbit.transpose
// CHECK: return %[[A]], %[[T]]
!a = !quant.uniform<u8:f32, 0.05:3>
!b = !quant.uniform<u8:f32, 0.1:2>
func.func @residual(%skip: tensor<1x4x4x16x!a>, %y: tensor<1x4x4x16x!b>) -> (tensor<1x4x4x16x!b>, tensor<1x16x4x4x!b>) {
  %s = lowbit.transpose %skip permutation [0, 3, 1, 2] : tensor<1x4x4x16x!a> -> tensor<1x16x4x4x!a>
  %t = lowbit.transpose %y permutation [0, 3, 1, 2] : tensor<1x4x4x16x!b> -> tensor<1x16x4x4x!b>
  %r = lowbit.requantize %s multiplier [1073741824] shift [31] clamp [0, 255] : tensor<1x16x4x4x!a> -> tensor<1x16x4x4x!b>
  %sum = lowbit.add %r, %t : tensor<1x16x4x4x!b>, tensor<1x16x4x4x!b> -> tensor<1x16x4x4x!b>
  %nhwc = lowbit.transpose %sum permutation [0, 2, 3, 1] : tensor<1x16x4x4x!b> -> tensor<1x4x4x16x!b>
  return %nhwc, %sum : tensor<1x4x4x16x!b>, tensor<1x16x4x4x!b>
}

// -----

// A per-channel requantize along dimension 1 of the NCHW value works along
// dimension p[1] = 3 of the NHWC one; without channel_axis (the innermost,
// 3) along p[3] = 2.
// CHECK-LABEL: func.func @per_channel_axis
// CHECK: lowbit.requantize %arg0 {{.*}} {channel_axis = 3 : i64} : tensor<1x3x5x2xi32>
// CHECK: lowbit.requantize %arg0 {{.*}} {channel_axis = 2 : i64} : tensor<1x3x5x2xi32>
!o = !quant.uniform<i8:f32, 0.1>
func.func @per_channel_axis(%acc: tensor<1x3x5x2xi32>) -> (tensor<1x2x3x5x!o>, tensor<1x2x3x5x!o>) {
  %t = lowbit.transpose %acc permutation [0, 3, 1, 2] : tensor<1x3x5x2xi32> -> tensor<1x2x3x5xi32>
  %a = lowbit.requantize %t multiplier [1073741824, 1073741824] shift [31, 32] clamp [-128, 127] {channel_axis = 1 : i64} : tensor<1x2x3x5xi32> -> tensor<1x2x3x5x!o>
  %b = lowbit.requantize %t multiplier [1073741824, 1073741824, 1073741824, 1073741824, 1073741824] shift [31, 32, 33, 34, 35] clamp [-128, 127] : tensor<1x2x3x5xi32> -> tensor<1x2x3x5x!o>
  return %a, %b : tensor<1x2x3x5x!o>, tensor<1x2x3x5x!o>
}

// -----

// Lookup tables are elementwise; concat along NCHW channels (1) is concat
// along NHWC dimension 3.
// CHECK-LABEL: func.func @lookup_concat
// CHECK: %[[L:.*]] = lowbit.lookup %arg0 table {{.*}} : tensor<1x2x2x3x!quant.uniform<u8:f32, 1.000000e-01>> -> tensor<1x2x2x3x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK: %[[C:.*]] = lowbit.concat %[[L]], %arg1 axis 3 : {{.*}} -> tensor<1x2x2x5x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK: %[[T:.*]] = lowbit.transpose %[[C]] permutation [0, 3, 1, 2] : tensor<1x2x2x5x{{.*}}> -> tensor<1x5x2x2x
// CHECK: return %[[T]]
!u = !quant.uniform<u8:f32, 0.1>
func.func @lookup_concat(%x: tensor<1x2x2x3x!u>, %y: tensor<1x2x2x2x!u>) -> tensor<1x5x2x2x!u> {
  %tx = lowbit.transpose %x permutation [0, 3, 1, 2] : tensor<1x2x2x3x!u> -> tensor<1x3x2x2x!u>
  %ty = lowbit.transpose %y permutation [0, 3, 1, 2] : tensor<1x2x2x2x!u> -> tensor<1x2x2x2x!u>
  %l = lowbit.lookup %tx table [255, 254, 253, 252, 251, 250, 249, 248, 247, 246, 245, 244, 243, 242, 241, 240, 239, 238, 237, 236, 235, 234, 233, 232, 231, 230, 229, 228, 227, 226, 225, 224, 223, 222, 221, 220, 219, 218, 217, 216, 215, 214, 213, 212, 211, 210, 209, 208, 207, 206, 205, 204, 203, 202, 201, 200, 199, 198, 197, 196, 195, 194, 193, 192, 191, 190, 189, 188, 187, 186, 185, 184, 183, 182, 181, 180, 179, 178, 177, 176, 175, 174, 173, 172, 171, 170, 169, 168, 167, 166, 165, 164, 163, 162, 161, 160, 159, 158, 157, 156, 155, 154, 153, 152, 151, 150, 149, 148, 147, 146, 145, 144, 143, 142, 141, 140, 139, 138, 137, 136, 135, 134, 133, 132, 131, 130, 129, 128, 127, 126, 125, 124, 123, 122, 121, 120, 119, 118, 117, 116, 115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 70, 69, 68, 67, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0] : tensor<1x3x2x2x!u> -> tensor<1x3x2x2x!u>
  %c = lowbit.concat %l, %ty axis 1 : tensor<1x3x2x2x!u>, tensor<1x2x2x2x!u> -> tensor<1x5x2x2x!u>
  return %c : tensor<1x5x2x2x!u>
}

// -----

// Not rewritten: an add of one transposed operand, an add with
// broadcasting, a concat of differently transposed inputs.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-2: lowbit.transpose
// CHECK: lowbit.add
// CHECK: lowbit.add
// CHECK: lowbit.transpose
// CHECK: lowbit.concat
!k = !quant.uniform<u8:f32, 0.1>
func.func @kept(%x: tensor<1x2x2x3x!k>, %y: tensor<1x3x2x2x!k>, %z: tensor<1x1x1x1x!k>, %w: tensor<3x2x1x2x!k>) -> (tensor<1x3x2x2x!k>, tensor<1x3x2x2x!k>, tensor<1x6x2x2x!k>) {
  %t = lowbit.transpose %x permutation [0, 3, 1, 2] : tensor<1x2x2x3x!k> -> tensor<1x3x2x2x!k>
  %u = lowbit.transpose %z permutation [0, 3, 1, 2] : tensor<1x1x1x1x!k> -> tensor<1x1x1x1x!k>
  %a = lowbit.add %t, %y : tensor<1x3x2x2x!k>, tensor<1x3x2x2x!k> -> tensor<1x3x2x2x!k>
  %b = lowbit.add %t, %u : tensor<1x3x2x2x!k>, tensor<1x1x1x1x!k> -> tensor<1x3x2x2x!k>
  %v = lowbit.transpose %w permutation [3, 0, 1, 2] : tensor<3x2x1x2x!k> -> tensor<2x3x2x1x!k>
  %r = lowbit.reshape %v : tensor<2x3x2x1x!k> -> tensor<1x3x2x2x!k>
  %c = lowbit.concat %t, %r axis 1 : tensor<1x3x2x2x!k>, tensor<1x3x2x2x!k> -> tensor<1x6x2x2x!k>
  return %a, %b, %c : tensor<1x3x2x2x!k>, tensor<1x3x2x2x!k>, tensor<1x6x2x2x!k>
}
