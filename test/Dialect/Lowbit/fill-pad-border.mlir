// RUN: lowbit-opt %s --pass-pipeline="builtin.module(func.func(lowbit-fill-pad-border))" --split-input-file | FileCheck %s

// A bufferized pad of 1x3x4x4 by one on each side of H and W: the border
// is two rows (3 channels x 1 x 6) and two columns (3 x 4 x 1); N and C
// are not padded, so their slabs are empty.

// CHECK-LABEL: func.func @pad_hw(
// CHECK-SAME: %[[X:.*]]: memref<1x3x4x4xi8>)
// CHECK: %[[Z:.*]] = arith.constant 7 : i8
// CHECK: %[[BUF:.*]] = memref.alloc() : memref<1x3x6x6xi8>
// CHECK-NOT: linalg.map
// CHECK: %[[TOP:.*]] = memref.subview %[[BUF]][0, 0, 0, 0] [1, 3, 1, 6] [1, 1, 1, 1]
// CHECK: linalg.fill ins(%[[Z]] : i8) outs(%[[TOP]]
// CHECK: %[[BOTTOM:.*]] = memref.subview %[[BUF]][0, 0, 5, 0] [1, 3, 1, 6] [1, 1, 1, 1]
// CHECK: linalg.fill ins(%[[Z]] : i8) outs(%[[BOTTOM]]
// CHECK: %[[LEFT:.*]] = memref.subview %[[BUF]][0, 0, 1, 0] [1, 3, 4, 1] [1, 1, 1, 1]
// CHECK: linalg.fill ins(%[[Z]] : i8) outs(%[[LEFT]]
// CHECK: %[[RIGHT:.*]] = memref.subview %[[BUF]][0, 0, 1, 5] [1, 3, 4, 1] [1, 1, 1, 1]
// CHECK: linalg.fill ins(%[[Z]] : i8) outs(%[[RIGHT]]
// CHECK-NOT: linalg.fill
// CHECK: %[[IN:.*]] = memref.subview %[[BUF]][0, 0, 1, 1] [1, 3, 4, 4] [1, 1, 1, 1]
// CHECK: linalg.copy ins(%[[X]] : memref<1x3x4x4xi8>) outs(%[[IN]]
func.func @pad_hw(%x: memref<1x3x4x4xi8>) -> memref<1x3x6x6xi8> {
  %z = arith.constant 7 : i8
  %buf = memref.alloc() : memref<1x3x6x6xi8>
  linalg.map outs(%buf : memref<1x3x6x6xi8>)
    (%init: i8) {
      linalg.yield %z : i8
    }
  %in = memref.subview %buf[0, 0, 1, 1] [1, 3, 4, 4] [1, 1, 1, 1] : memref<1x3x6x6xi8> to memref<1x3x4x4xi8, strided<[108, 36, 6, 1], offset: 7>>
  linalg.copy ins(%x : memref<1x3x4x4xi8>) outs(%in : memref<1x3x4x4xi8, strided<[108, 36, 6, 1], offset: 7>>)
  return %buf : memref<1x3x6x6xi8>
}

// -----

// Asymmetric padding along the last dimension only: 2 before, 1 after.

// CHECK-LABEL: func.func @pad_last(
// CHECK: memref.subview %{{.*}}[0, 0] [2, 2] [1, 1]
// CHECK: linalg.fill
// CHECK: memref.subview %{{.*}}[0, 7] [2, 1] [1, 1]
// CHECK: linalg.fill
// CHECK-NOT: linalg.fill
// CHECK: linalg.copy
func.func @pad_last(%x: memref<2x5xi32>) -> memref<2x8xi32> {
  %z = arith.constant -1 : i32
  %buf = memref.alloc() : memref<2x8xi32>
  linalg.map outs(%buf : memref<2x8xi32>)
    (%init: i32) {
      linalg.yield %z : i32
    }
  %in = memref.subview %buf[0, 2] [2, 5] [1, 1] : memref<2x8xi32> to memref<2x5xi32, strided<[8, 1], offset: 2>>
  linalg.copy ins(%x : memref<2x5xi32>) outs(%in : memref<2x5xi32, strided<[8, 1], offset: 2>>)
  return %buf : memref<2x8xi32>
}

// -----

// Left alone: the buffer is read between the fill and the copy, and a fill
// whose interior is never copied over.

// CHECK-LABEL: func.func @read_between(
// CHECK: linalg.map
// CHECK-LABEL: func.func @no_copy(
// CHECK: linalg.map
func.func @read_between(%x: memref<1x4xi8>, %i: index) -> (memref<1x6xi8>, i8) {
  %z = arith.constant 0 : i8
  %c0 = arith.constant 0 : index
  %buf = memref.alloc() : memref<1x6xi8>
  linalg.map outs(%buf : memref<1x6xi8>)
    (%init: i8) {
      linalg.yield %z : i8
    }
  %v = memref.load %buf[%c0, %i] : memref<1x6xi8>
  %in = memref.subview %buf[0, 1] [1, 4] [1, 1] : memref<1x6xi8> to memref<1x4xi8, strided<[6, 1], offset: 1>>
  linalg.copy ins(%x : memref<1x4xi8>) outs(%in : memref<1x4xi8, strided<[6, 1], offset: 1>>)
  return %buf, %v : memref<1x6xi8>, i8
}
func.func @no_copy() -> memref<1x6xi8> {
  %z = arith.constant 0 : i8
  %buf = memref.alloc() : memref<1x6xi8>
  linalg.map outs(%buf : memref<1x6xi8>)
    (%init: i8) {
      linalg.yield %z : i8
    }
  return %buf : memref<1x6xi8>
}
