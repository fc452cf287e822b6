// RUN: lowbit-opt --help | FileCheck %s

// CHECK-DAG: --convert-lowbit-to-linalg
// CHECK-DAG: --lowbit-export-entry
// CHECK-DAG: --lowbit-lower-to-llvm
// CHECK-DAG: --lowbit-set-rounding
