// RUN: lowbit-opt %s -split-input-file --lowbit-export-entry -verify-diagnostics
// An explicit prefix that is not a C identifier, and a model function that
// does not exist, are rejected for every module.
// RUN: not lowbit-opt %s -split-input-file --lowbit-export-entry=name=1net 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not lowbit-opt %s -split-input-file --lowbit-export-entry="name=my-net" 2>&1 | FileCheck %s --check-prefix=DASH
// RUN: not lowbit-opt %s -split-input-file --lowbit-export-entry=function=nope 2>&1 | FileCheck %s --check-prefix=NOFUNC

// Only the modules that pass every other check reach the name check.
// NAME-COUNT-3: error: '1net' is not a C identifier
// NAME-NOT: error: '{{[^']*}}' is not a C identifier
// DASH-COUNT-3: error: 'my-net' is not a C identifier
// NOFUNC-COUNT-10: error: no model function named 'nope'
// NOFUNC-NOT: no model function named

// expected-error@+1 {{expected exactly one public function as the model, found 2}}
module {
  func.func @a(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
    return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
  }
  func.func @b(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
    return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
  }
}

// -----

// Neither private functions nor declarations are candidates.
// expected-error@+1 {{expected exactly one public function as the model, found 0}}
module {
  func.func private @hidden(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
    return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
  }
  func.func private @declared(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// expected-error@+1 {{the model function must take one tensor and return one tensor, got '(tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>, tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>) -> tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>'}}
func.func @two_inputs(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>, %y: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// expected-error@+1 {{the model function must take one tensor and return one tensor}}
func.func @two_outputs(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> (tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<4x!quant.uniform<i8:f32, 1.0>>) {
  return %x, %x : tensor<4x!quant.uniform<i8:f32, 1.0>>, tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// expected-error@+1 {{the model input must be a tensor of a per-tensor !quant.uniform type, got 'tensor<2x!quant.uniform<i8:f32:0, {1.000000e+00,2.000000e+00}>>'}}
func.func @per_axis(%x: tensor<2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %0 = lowbit.constant dense<0> : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// expected-error@+1 {{the model output must be a tensor of a per-tensor !quant.uniform type, got 'tensor<4xi8>'}}
func.func @integer_output(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4xi8> {
  %0 = quant.scast %x : tensor<4x!quant.uniform<i8:f32, 1.0>> to tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// expected-error@+1 {{the model input must have a static shape, got 'tensor<?x4x!quant.uniform<i8:f32, 1.000000e+00>>'}}
func.func @dynamic(%x: tensor<?x4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %0 = lowbit.constant dense<0> : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// The C prefix defaults to the function's name, which must then be a C
// identifier.
// expected-error@+1 {{'my-model' is not a C identifier}}
func.func @"my-model"(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// The entry point would clash with an existing symbol.
// expected-error@+1 {{the module already defines 'm_run'}}
module {
  func.func @m(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
    return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
  }
  func.func private @m_run()
}

// -----

// So would a boundary helper.
// expected-error@+1 {{the module already defines 'n_dequantize_output'}}
module {
  func.func @n(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
    return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
  }
  memref.global "private" @n_dequantize_output : memref<4xf32>
}
