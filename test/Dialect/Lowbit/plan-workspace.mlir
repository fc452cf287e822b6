// RUN: lowbit-opt %s --lowbit-plan-workspace --split-input-file | FileCheck %s
// RUN: lowbit-opt %s --lowbit-plan-workspace=workspace-argument=true --split-input-file | FileCheck %s --check-prefix=ARG

// Live ranges [alloc, last use] that do not overlap share offset 0: the
// workspace is as big as the bigger buffer, and the deallocs are gone.

// CHECK: memref.global "private" @disjoint_workspace : memref<4096xi8> = dense<0> {alignment = 64 : i64}
// CHECK-LABEL: func.func private @disjoint(
// CHECK-SAME: %[[IN:.*]]: memref<1024xi32>, %[[OUT:.*]]: memref<4096xi8>)
// CHECK: %[[WS:.*]] = memref.get_global @disjoint_workspace : memref<4096xi8>
// CHECK: %[[OFFA:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[OFFA]]][] : memref<4096xi8> to memref<1024xi32>
// CHECK: linalg.copy ins(%[[IN]] : memref<1024xi32>) outs(%[[A]] : memref<1024xi32>)
// CHECK: linalg.copy ins(%[[A]] : memref<1024xi32>) outs(%[[IN]] : memref<1024xi32>)
// CHECK: %[[OFFB:.*]] = arith.constant 0 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[OFFB]]][] : memref<4096xi8> to memref<4096xi8>
// CHECK: linalg.copy ins(%[[OUT]] : memref<4096xi8>) outs(%[[B]] : memref<4096xi8>)
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func private @disjoint(%in: memref<1024xi32>, %out: memref<4096xi8>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1024xi32>
  linalg.copy ins(%in : memref<1024xi32>) outs(%a : memref<1024xi32>)
  linalg.copy ins(%a : memref<1024xi32>) outs(%in : memref<1024xi32>)
  %b = memref.alloc() {alignment = 64 : i64} : memref<4096xi8>
  linalg.copy ins(%out : memref<4096xi8>) outs(%b : memref<4096xi8>)
  linalg.copy ins(%b : memref<4096xi8>) outs(%out : memref<4096xi8>)
  memref.dealloc %a : memref<1024xi32>
  memref.dealloc %b : memref<4096xi8>
  return
}

// -----

// Buffers live at the same time get disjoint ranges, the larger one first
// and every offset a multiple of 64: %big (200 bytes) at 0, %small (100
// bytes) at 256; the workspace rounds 356 up to 384.

// CHECK: memref.global "private" @overlapping_workspace : memref<384xi8>
// CHECK-LABEL: func.func private @overlapping(
// CHECK: %[[WS:.*]] = memref.get_global @overlapping_workspace : memref<384xi8>
// CHECK: %[[OFF_SMALL:.*]] = arith.constant 256 : index
// CHECK: %[[SMALL:.*]] = memref.view %[[WS]][%[[OFF_SMALL]]][] : memref<384xi8> to memref<100xi8>
// CHECK: %[[OFF_BIG:.*]] = arith.constant 0 : index
// CHECK: %[[BIG:.*]] = memref.view %[[WS]][%[[OFF_BIG]]][] : memref<384xi8> to memref<50xi32>
// CHECK: memref.store %{{.*}}, %[[SMALL]]
// CHECK: memref.store %{{.*}}, %[[BIG]]
func.func private @overlapping(%x: i8, %y: i32, %i: index) -> (i8, i32) {
  %small = memref.alloc() {alignment = 64 : i64} : memref<100xi8>
  %big = memref.alloc() {alignment = 64 : i64} : memref<50xi32>
  memref.store %x, %small[%i] : memref<100xi8>
  memref.store %y, %big[%i] : memref<50xi32>
  %a = memref.load %small[%i] : memref<100xi8>
  %b = memref.load %big[%i] : memref<50xi32>
  memref.dealloc %small : memref<100xi8>
  memref.dealloc %big : memref<50xi32>
  return %a, %b : i8, i32
}

// -----

// A use through a view, inside a loop, keeps the buffer live until the
// loop: %b, allocated after the last direct use of %a, cannot share its
// bytes (offset 1024, not 0).

// CHECK: memref.global "private" @alias_in_loop_workspace : memref<2048xi8>
// CHECK-LABEL: func.func private @alias_in_loop(
// CHECK: %[[WS:.*]] = memref.get_global @alias_in_loop_workspace
// CHECK: arith.constant 0 : index
// CHECK: memref.view %[[WS]]{{.*}} to memref<16x16xi32>
// CHECK: %[[OFF_B:.*]] = arith.constant 1024 : index
// CHECK: memref.view %[[WS]][%[[OFF_B]]][] : memref<2048xi8> to memref<1024xi8>
func.func private @alias_in_loop(%in: memref<16x16xi32>, %out: memref<256xi32>,
                                 %bytes: memref<1024xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloc() {alignment = 64 : i64} : memref<16x16xi32>
  linalg.copy ins(%in : memref<16x16xi32>) outs(%a : memref<16x16xi32>)
  %flat = memref.collapse_shape %a [[0, 1]] : memref<16x16xi32> into memref<256xi32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1024xi8>
  linalg.copy ins(%bytes : memref<1024xi8>) outs(%b : memref<1024xi8>)
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %flat[%i] : memref<256xi32>
    memref.store %v, %out[%i] : memref<256xi32>
  }
  linalg.copy ins(%b : memref<1024xi8>) outs(%bytes : memref<1024xi8>)
  memref.dealloc %a : memref<16x16xi32>
  memref.dealloc %b : memref<1024xi8>
  return
}

// -----

// Left alone: a dynamic shape, an alloc inside a loop, a returned buffer,
// a buffer passed to a call and one freed through a view. No workspace.

// CHECK-NOT: memref.global
// CHECK-LABEL: func.func private @left_alone(
// CHECK: memref.alloc(%{{.*}}) : memref<?xi8>
// CHECK: scf.for
// CHECK: memref.alloc() : memref<4096xi8>
// CHECK: memref.alloc() : memref<8192xi8>
// CHECK: memref.alloc() : memref<2048xi8>
// CHECK: memref.alloc() : memref<64x64xi8>
// CHECK-NOT: memref.view
// CHECK: memref.dealloc
// CHECK: return
func.func private @consume(memref<2048xi8>)
func.func private @left_alone(%n: index, %x: i8) -> memref<8192xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %dynamic = memref.alloc(%n) : memref<?xi8>
  memref.store %x, %dynamic[%c0] : memref<?xi8>
  scf.for %i = %c0 to %n step %c1 {
    %nested = memref.alloc() : memref<4096xi8>
    memref.store %x, %nested[%i] : memref<4096xi8>
    memref.dealloc %nested : memref<4096xi8>
  }
  %returned = memref.alloc() : memref<8192xi8>
  %called = memref.alloc() : memref<2048xi8>
  func.call @consume(%called) : (memref<2048xi8>) -> ()
  %square = memref.alloc() : memref<64x64xi8>
  %flat = memref.collapse_shape %square [[0, 1]] : memref<64x64xi8> into memref<4096xi8>
  memref.store %x, %flat[%c0] : memref<4096xi8>
  memref.dealloc %dynamic : memref<?xi8>
  memref.dealloc %called : memref<2048xi8>
  memref.dealloc %flat : memref<4096xi8>
  return %returned : memref<8192xi8>
}

// -----

// With workspace-argument, a public function becomes a wrapper that passes
// the global workspace to its reentrant variant.

// ARG: memref.global "private" @entry_workspace : memref<4096xi8>
// ARG-LABEL: func.func @entry_with_workspace(
// ARG-SAME: %[[IN:.*]]: memref<4096xi8>, %[[WS:.*]]: memref<4096xi8>) -> i32
// ARG: memref.view %[[WS]][%{{.*}}][] : memref<4096xi8> to memref<4096xi8>
// ARG-NOT: memref.alloc
// ARG-LABEL: func.func @entry(
// ARG-SAME: %[[IN2:.*]]: memref<4096xi8>) -> i32
// ARG: %[[GLOBAL:.*]] = memref.get_global @entry_workspace : memref<4096xi8>
// ARG: %[[R:.*]] = call @entry_with_workspace(%[[IN2]], %[[GLOBAL]])
// ARG: return %[[R]] : i32

// Without it, the public function uses the global itself.
// CHECK-LABEL: func.func @entry(
// CHECK: memref.get_global @entry_workspace
// CHECK-NOT: call
func.func @entry(%in: memref<4096xi8>) -> i32 {
  %c0 = arith.constant 0 : i32
  %a = memref.alloc() {alignment = 64 : i64} : memref<4096xi8>
  linalg.copy ins(%in : memref<4096xi8>) outs(%a : memref<4096xi8>)
  linalg.copy ins(%a : memref<4096xi8>) outs(%in : memref<4096xi8>)
  memref.dealloc %a : memref<4096xi8>
  return %c0 : i32
}
