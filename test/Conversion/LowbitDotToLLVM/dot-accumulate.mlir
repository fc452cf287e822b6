// RUN: lowbit-opt %s --convert-lowbit-dot-to-llvm | FileCheck %s

// CHECK-LABEL: func.func @vnni
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%arg0, %arg1, %arg2) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: return %[[R]]
func.func @vnni(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %r = lowbit.dot_accumulate <avx512vnni> %acc, %a, %w : vector<64xi8>, vector<64xi8> into vector<16xi32>
  return %r : vector<16xi32>
}

// CHECK-LABEL: func.func @dotprod
// CHECK: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%arg0, %arg1, %arg2) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
func.func @dotprod(%acc: vector<4xi32>, %a: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  %r = lowbit.dot_accumulate <neon_dotprod> %acc, %a, %w : vector<16xi8>, vector<16xi8> into vector<4xi32>
  return %r : vector<4xi32>
}

// CHECK-LABEL: func.func @avx2
// CHECK: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%arg1, %arg2) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: arith.addi %arg0, %[[P]] : vector<8xi32>
func.func @avx2(%acc: vector<8xi32>, %a: vector<16xi16>, %w: vector<16xi16>) -> vector<8xi32> {
  %r = lowbit.dot_accumulate <avx2> %acc, %a, %w : vector<16xi16>, vector<16xi16> into vector<8xi32>
  return %r : vector<8xi32>
}

// Plain NEON: lane c sums products 4c .. 4c+3.
// CHECK-LABEL: func.func @neon
// CHECK-NOT: llvm.call_intrinsic
// CHECK-DAG: %[[A:.*]] = arith.extsi %arg1 : vector<16xi8> to vector<16xi32>
// CHECK-DAG: %[[W:.*]] = arith.extsi %arg2 : vector<16xi8> to vector<16xi32>
// CHECK: %[[P:.*]] = arith.muli %[[A]], %[[W]] : vector<16xi32>
// CHECK: %[[S0:.*]] = vector.shuffle %[[P]], %[[P]] [0, 4, 8, 12]
// CHECK: %[[R0:.*]] = arith.addi %arg0, %[[S0]]
// CHECK: vector.shuffle %[[P]], %[[P]] [1, 5, 9, 13]
// CHECK: vector.shuffle %[[P]], %[[P]] [2, 6, 10, 14]
// CHECK: vector.shuffle %[[P]], %[[P]] [3, 7, 11, 15]
func.func @neon(%acc: vector<4xi32>, %a: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  %r = lowbit.dot_accumulate <neon> %acc, %a, %w : vector<16xi8>, vector<16xi8> into vector<4xi32>
  return %r : vector<4xi32>
}

// decode_codes: one byte shuffle through the 16-entry table, repeated in
// every 128-bit lane for vpshufb on zmm.
// CHECK-LABEL: func.func @decode_vnni
// CHECK: %[[T:.*]] = vector.shuffle %arg1, %arg1 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, {{.*}}, 14, 15] : vector<16xi8>, vector<16xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.pshuf.b.512"(%[[T]], %arg0) : (vector<64xi8>, vector<64xi8>) -> vector<64xi8>
func.func @decode_vnni(%c: vector<64xi8>, %t: vector<16xi8>) -> vector<64xi8> {
  %r = lowbit.decode_codes <avx512vnni> %c, %t : vector<64xi8>, vector<16xi8>
  return %r : vector<64xi8>
}

// CHECK-LABEL: func.func @decode_avx2
// CHECK: llvm.call_intrinsic "llvm.x86.ssse3.pshuf.b.128"(%arg1, %arg0) : (vector<16xi8>, vector<16xi8>) -> vector<16xi8>
func.func @decode_avx2(%c: vector<16xi8>, %t: vector<16xi8>) -> vector<16xi8> {
  %r = lowbit.decode_codes <avx2> %c, %t : vector<16xi8>, vector<16xi8>
  return %r : vector<16xi8>
}

// CHECK-LABEL: func.func @decode_neon
// CHECK: llvm.call_intrinsic "llvm.aarch64.neon.tbl1.v16i8"(%arg1, %arg0) : (vector<16xi8>, vector<16xi8>) -> vector<16xi8>
// CHECK-LABEL: func.func @decode_dotprod
// CHECK: llvm.call_intrinsic "llvm.aarch64.neon.tbl1.v16i8"(%arg1, %arg0)
func.func @decode_neon(%c: vector<16xi8>, %t: vector<16xi8>) -> vector<16xi8> {
  %r = lowbit.decode_codes <neon> %c, %t : vector<16xi8>, vector<16xi8>
  return %r : vector<16xi8>
}
func.func @decode_dotprod(%c: vector<16xi8>, %t: vector<16xi8>) -> vector<16xi8> {
  %r = lowbit.decode_codes <neon_dotprod> %c, %t : vector<16xi8>, vector<16xi8>
  return %r : vector<16xi8>
}
