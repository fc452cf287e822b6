// RUN: lowbit-opt %s -split-input-file --lowbit-export-entry -verify-diagnostics

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

// expected-error@+1 {{the model function must take one tensor and return one tensor}}
func.func @two_inputs(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>, %y: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// expected-error@+1 {{the model input must be a tensor of a per-tensor !quant.uniform type}}
func.func @per_axis(%x: tensor<2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %0 = lowbit.constant dense<0> : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// expected-error@+1 {{the model input must have a static shape}}
func.func @dynamic(%x: tensor<?x4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %0 = lowbit.constant dense<0> : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// expected-error@+1 {{the module already defines 'clash_run'}}
module {
  func.func @clash(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
    return %x : tensor<4x!quant.uniform<i8:f32, 1.0>>
  }
  func.func private @clash_run()
}
