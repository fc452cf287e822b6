// Every verifier error of the graph-level ops (lib/Dialect/Lowbit/IR/GraphOps.cpp).
// RUN: lowbit-opt %s -split-input-file -verify-diagnostics

func.func @f0(%x: tensor<1x2x5xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error@+1 {{expects rank-4 NCHW input and result}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5xf32>, tensor<3x2x3x3xf32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f1(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error@+1 {{expects 2 strides, 2 dilations and 4 pads [top, left, bottom, right]}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f2(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error@+1 {{strides, dilations and kernel sizes must be positive and pads non-negative}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f3(%x: tensor<1x2x5x5xf32>) {
  // expected-error@+1 {{spatial dimensions must be static}}
  %r = lowbit.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x5x5xf32> -> tensor<1x2x?x4xf32>
  return
}

// -----

func.func @f4(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error@+1 {{spatial dimension 1 of the result is 4, expected 3}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32> -> tensor<1x3x3x4xf32>
  return
}

// -----

func.func @f5(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<3xi32>) {
  // expected-error@+1 {{float32 operands need float32 bias and result}}
  %r = lowbit.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<3xi32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f6(%x: tensor<1x2x5x5x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x3x3xf32>) {
  // expected-error@+1 {{operands must be all float32 or all uniform quantized}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x3x3xf32> -> tensor<1x3x3x3xi32>
  return
}

// -----

func.func @f7(%x: tensor<1x2x5x5x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{quantized operands need an i32 bias and an i32 accumulator result}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 1.0>> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f8(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3xf32>) {
  // expected-error@+1 {{expects a rank-4 OIHW weight}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x2x3xf32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f9(%x: tensor<?x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error@+1 {{input and weight shapes must be static}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<?x2x5x5xf32>, tensor<3x2x3x3xf32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f10(%x: tensor<1x2x5x5x!quant.uniform<i8:f32, 1.0>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32:1, {1.0, 1.0}>>) {
  // expected-error@+1 {{per-axis weight must be quantized along axis 0}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5x!quant.uniform<i8:f32, 1.0>>, tensor<3x2x3x3x!quant.uniform<i8:f32:1, {1.0, 1.0}>> -> tensor<1x3x3x3xi32>
  return
}

// -----

func.func @f11(%x: tensor<1x2x5x5x!quant.uniform<i8:f32:1, {1.0, 1.0}>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{the input must be quantized per tensor}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5x!quant.uniform<i8:f32:1, {1.0, 1.0}>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 1.0>> -> tensor<1x3x3x3xi32>
  return
}

// -----

func.func @f12(%x: tensor<1x2x5x5xf32>, %w: tensor<3x1x3x3xf32>) {
  // expected-error@+1 {{group 2 must divide the 2 input and 3 output channels}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x2x5x5xf32>, tensor<3x1x3x3xf32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f13(%x: tensor<1x2x5x5xf32>, %w: tensor<3x1x3x3xf32>) {
  // expected-error@+1 {{weight has 1 input channels per group, expected 2}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x1x3x3xf32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f14(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<2xf32>) {
  // expected-error@+1 {{bias must be [3]}}
  %r = lowbit.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<2xf32> -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @f15(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error@+1 {{result must be [N, F, OH, OW] = [1, 3, ...]}}
  %r = lowbit.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @f16(%a: tensor<4xf32>, %b: tensor<4x3xf32>) {
  // expected-error@+1 {{operands must have rank >= 2}}
  %r = lowbit.matmul %a, %b : tensor<4xf32>, tensor<4x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @f17(%a: tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 1.0}>>, %b: tensor<2x3x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error@+1 {{lhs must be quantized per tensor}}
  %r = lowbit.matmul %a, %b : tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 1.0}>>, tensor<2x3x!quant.uniform<i8:f32, 1.0>> -> tensor<2x3xi32>
  return
}

// -----

func.func @f18(%a: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 1.0}>>) {
  // expected-error@+1 {{per-axis rhs must be quantized along its last axis}}
  %r = lowbit.matmul %a, %b : tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 1.0}>> -> tensor<3x3xi32>
  return
}

// -----

func.func @f19(%a: tensor<2x4xf32>, %b: tensor<5x3xf32>) {
  // expected-error@+1 {{lhs has K = 4 but rhs has K = 5}}
  %r = lowbit.matmul %a, %b : tensor<2x4xf32>, tensor<5x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @f20(%a: tensor<2x2x4xf32>, %b: tensor<3x4x3xf32>) {
  // expected-error@+1 {{batch dimensions do not broadcast}}
  %r = lowbit.matmul %a, %b : tensor<2x2x4xf32>, tensor<3x4x3xf32> -> tensor<2x2x3xf32>
  return
}

// -----

func.func @f21(%a: tensor<2x2x4xf32>, %b: tensor<4x3xf32>) {
  // expected-error@+1 {{result shape does not match [batch..., M, N]}}
  %r = lowbit.matmul %a, %b : tensor<2x2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @f22(%a: tensor<2x4x1xf32>, %b: tensor<4x3xf32>) {
  // expected-error@+1 {{a and b must have rank 2}}
  %r = lowbit.gemm %a, %b : tensor<2x4x1xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @f23(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) {
  // expected-error@+1 {{op(a) has K = 2 but op(b) has K = 4}}
  %r = lowbit.gemm %a, %b {trans_a} : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @f24(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) {
  // expected-error@+1 {{result must be [2, 3]}}
  %r = lowbit.gemm %a, %b : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @f25(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<2xf32>) {
  // expected-error@+1 {{c does not broadcast to the result}}
  %r = lowbit.gemm %a, %b, %c : tensor<2x4xf32>, tensor<4x3xf32>, tensor<2xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @f26(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error@+1 {{operand shapes 'tensor<2x3xf32>' and 'tensor<2xf32>' do not broadcast}}
  %r = lowbit.sub %a, %b : tensor<2x3xf32>, tensor<2xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @f27(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{result shape does not match the broadcast of the operand shapes}}
  %r = lowbit.mul %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x1xf32>
  return
}

// -----

func.func @f28(%a: tensor<2xf32>) {
  // expected-error@+1 {{min 1.000000e+00 exceeds max 0.000000e+00}}
  %r = lowbit.clip %a [1.0, 0.0] : tensor<2xf32>
  return
}

// -----

func.func @f29(%x: tensor<3xf32>, %p: tensor<3xf32>) {
  // expected-error@+1 {{expects an [N, C, ...] input}}
  %r = lowbit.batch_norm %x, %p, %p, %p, %p epsilon 1.0e-5 : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @f30(%x: tensor<1x3x2xf32>, %p: tensor<2xf32>) {
  // expected-error@+1 {{parameters must be [3]}}
  %r = lowbit.batch_norm %x, %p, %p, %p, %p epsilon 1.0e-5 : tensor<1x3x2xf32>, tensor<2xf32> -> tensor<1x3x2xf32>
  return
}

// -----

func.func @f31(%x: tensor<1x3x2xf32>, %p: tensor<3xf32>) {
  // expected-error@+1 {{result type must equal the input type}}
  %r = lowbit.batch_norm %x, %p, %p, %p, %p epsilon 1.0e-5 : tensor<1x3x2xf32>, tensor<3xf32> -> tensor<1x3x1xf32>
  return
}

// -----

func.func @f32(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{axis 2 out of [0, 2)}}
  %r = lowbit.softmax %x axis 2 : tensor<2x3xf32>
  return
}

// -----

func.func @f33(%x: tensor<1x2x4x4xi8>) {
  // expected-error@+1 {{expects float32 or per-tensor quantized values}}
  %r = lowbit.average_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xi8> -> tensor<1x2x2x2xi8>
  return
}

// -----

func.func @avg_pool_window_in_padding(%x: tensor<1x2x4x4xf32>) {
  // Pads of 2 with a 2x2 kernel: the first window of each dimension reads
  // only padding, which count_include_pad = 0 does not count.
  // expected-error@+1 {{window 0 of spatial dimension 0 has no position to average}}
  %r = lowbit.average_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @avg_pool_window_past_padding(%x: tensor<1x2x4x4xf32>) {
  // ceil_mode with stride 5: the second window of each dimension starts at
  // 5, past the input and its padding (5 >= 4 + 0).
  // expected-error@+1 {{window 1 of spatial dimension 0 has no position to average}}
  %r = lowbit.average_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, ceil_mode, count_include_pad} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @f34(%x: tensor<1x2x4x4xf32>) {
  // expected-error@+1 {{result element type must equal the input's}}
  %r = lowbit.average_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @f35(%x: tensor<1x2x4x4xf32>) {
  // expected-error@+1 {{expects a 2-D kernel}}
  %r = lowbit.max_pool %x {kernel = array<i64: 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @f36(%x: tensor<1x2x4x4xf32>) {
  // expected-error@+1 {{expects a 2-D kernel}}
  %r = lowbit.average_pool %x {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @f37(%x: tensor<1x2x4x4xf32>) {
  // expected-error@+1 {{result must be [N, C, OH, OW] = [1, 2, ...]}}
  %r = lowbit.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x3x2x2xf32>
  return
}

// -----

func.func @f38(%x: tensor<1x2x4x4xf32>) {
  // expected-error@+1 {{result must be [N, C, OH, OW] = [1, 2, ...]}}
  %r = lowbit.average_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<2x2x2x2xf32>
  return
}

// -----

func.func @f39(%x: tensor<1x2xf32>) {
  // expected-error@+1 {{expects [N, C, spatial...] input and result}}
  %r = lowbit.global_average_pool %x : tensor<1x2xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @f40(%x: tensor<1x2x4x4xf32>) {
  // expected-error@+1 {{result must be [N, C, 1, ...]}}
  %r = lowbit.global_average_pool %x : tensor<1x2x4x4xf32> -> tensor<1x2x1x2xf32>
  return
}

// -----

func.func @f41(%x: tensor<2x!quant.uniform<i16:f32, 1.0>>) {
  // expected-error@+1 {{input storage must be at most 8 bits}}
  %r = lowbit.lookup %x table [0] : tensor<2x!quant.uniform<i16:f32, 1.0>> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @f42(%x: tensor<2x!quant.uniform<i8<-1:1>:f32, 1.0>>) {
  // expected-error@+1 {{table has 2 entries, the input takes 3 values}}
  %r = lowbit.lookup %x table [0, 1] : tensor<2x!quant.uniform<i8<-1:1>:f32, 1.0>> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @f43(%x: tensor<2x!quant.uniform<i8<-1:1>:f32, 1.0>>) {
  // expected-error@+1 {{table value 200 is outside the output storage range}}
  %r = lowbit.lookup %x table [0, 1, 200] : tensor<2x!quant.uniform<i8<-1:1>:f32, 1.0>> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @f44(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{element types differ}}
  %r = lowbit.reshape %x : tensor<2x3xf32> -> tensor<6x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @f45(%x: tensor<2x?xf32>) {
  // expected-error@+1 {{shapes must be static}}
  %r = lowbit.reshape %x : tensor<2x?xf32> -> tensor<6xf32>
  return
}

// -----

func.func @f46(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{input has 6 elements, result 5}}
  %r = lowbit.reshape %x : tensor<2x3xf32> -> tensor<5xf32>
  return
}

// -----

func.func @f47(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{element types differ}}
  %r = lowbit.transpose %x permutation [1, 0] : tensor<2x3xf32> -> tensor<3x2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

func.func @f48(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{permutation and result must have rank 2}}
  %r = lowbit.transpose %x permutation [1, 0, 2] : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @f49(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{permutation is not a permutation of [0, 2)}}
  %r = lowbit.transpose %x permutation [1, 1] : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @f50(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{result dimension 0 must equal input dimension 1}}
  %r = lowbit.transpose %x permutation [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @f51(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{axis 2 out of [0, 2)}}
  %r = lowbit.concat %x, %x axis 2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x6xf32>
  return
}

// -----

func.func @f52(%x: tensor<2x3xf32>, %y: tensor<2x3x1xf32>) {
  // expected-error@+1 {{inputs must have the result's element type and rank}}
  %r = lowbit.concat %x, %y axis 1 : tensor<2x3xf32>, tensor<2x3x1xf32> -> tensor<2x6xf32>
  return
}

// -----

func.func @f53(%x: tensor<2x3xf32>, %y: tensor<1x3xf32>) {
  // expected-error@+1 {{inputs differ from the result in dimension 0}}
  %r = lowbit.concat %x, %y axis 1 : tensor<2x3xf32>, tensor<1x3xf32> -> tensor<2x6xf32>
  return
}

// -----

func.func @f54(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{the inputs sum to 6 along axis 1, the result has 5}}
  %r = lowbit.concat %x, %x axis 1 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{axis 1 out of [0, 1)}}
  %p = lowbit.quantized_softmax %x axis 1 exp_table [2, 1] : tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<2x!quant.uniform<u8:f32, 0.00390625>>
  return
}

// -----

func.func @softmax_wide(%x: tensor<2x!quant.uniform<i16<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{input storage must be at most 8 bits}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [2, 1] : tensor<2x!quant.uniform<i16<-1:0>:f32, 1.0>> -> tensor<2x!quant.uniform<u8:f32, 0.00390625>>
  return
}

// -----

func.func @softmax_scale(%x: tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{result must be 8-bit with scale 1/256 and the storage minimum as zero point, got '!quant.uniform<u8:f32, 7.812500e-03>'}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [2, 1] : tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<2x!quant.uniform<u8:f32, 0.0078125>>
  return
}

// -----

func.func @softmax_zero_point(%x: tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{result must be 8-bit with scale 1/256}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [2, 1] : tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<2x!quant.uniform<i8:f32, 0.00390625>>
  return
}

// -----

func.func @softmax_narrow_result(%x: tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{result must be 8-bit with scale 1/256}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [2, 1] : tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<2x!quant.uniform<u8<0:254>:f32, 0.00390625>>
  return
}

// -----

func.func @softmax_table_size(%x: tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{exp_table has 3 entries, the input takes 2 values}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [4, 2, 1] : tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<2x!quant.uniform<u8:f32, 0.00390625>>
  return
}

// -----

func.func @softmax_zero_first(%x: tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{exp_table entries must be non-negative and the first positive}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [0, 1] : tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<2x!quant.uniform<u8:f32, 0.00390625>>
  return
}

// -----

func.func @softmax_negative(%x: tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{exp_table entries must be non-negative and the first positive}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [2, -1] : tensor<2x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<2x!quant.uniform<u8:f32, 0.00390625>>
  return
}

// -----

// (10 + 256) * 2^22 fits in int32, (10 + 256) * 2^23 does not.
func.func @softmax_fits(%x: tensor<10x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  %p = lowbit.quantized_softmax %x axis 0 exp_table [4194304, 1] : tensor<10x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<10x!quant.uniform<u8:f32, 0.00390625>>
  return
}

// -----

func.func @softmax_overflow(%x: tensor<10x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{the sum of 10 entries up to 8388608 may overflow int32: (N + 256) * max(exp_table) must be at most 2^31 - 1}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [1, 8388608] : tensor<10x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<10x!quant.uniform<u8:f32, 0.00390625>>
  return
}

// -----

func.func @softmax_dynamic(%x: tensor<?x!quant.uniform<i8<-1:0>:f32, 1.0>>) {
  // expected-error@+1 {{the axis dimension must be static}}
  %p = lowbit.quantized_softmax %x axis 0 exp_table [2, 1] : tensor<?x!quant.uniform<i8<-1:0>:f32, 1.0>> -> tensor<?x!quant.uniform<u8:f32, 0.00390625>>
  return
}
