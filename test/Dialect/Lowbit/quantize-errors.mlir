// RUN: not lowbit-opt %s --lowbit-quantize --split-input-file 2>&1 | FileCheck %s
// RUN: not lowbit-opt %s --lowbit-quantize=keep-float=probs --split-input-file 2>&1 | FileCheck %s --check-prefix=KEEP

// An op outside the supported set is an error naming the ONNX node.
// CHECK: error: {{.*}}cannot quantize 'square' (lowbit.mul): this op is not supported by the quantizer; keep it in float with --keep-float=square
func.func @mul(%x: tensor<1x4xf32> {lowbit.range = array<f64: 0.0, 1.0>}) -> tensor<1x4xf32> {
  %s = lowbit.mul %x, %x {lowbit.range = array<f64: 0.0, 1.0>} : tensor<1x4xf32>, tensor<1x4xf32> -> tensor<1x4xf32> loc("square")
  return %s : tensor<1x4xf32>
}

// -----

// A softmax axis too long for the int32 sum of its exp table (k < 16).
// CHECK: error: {{.*}}cannot quantize 'probs' (lowbit.softmax): the softmax axis has 32512 elements, too many for the int32 sum of its exp table
func.func @long_softmax(%x: tensor<1x32512xf32> {lowbit.range = array<f64: 0.0, 1.0>}) -> tensor<1x32512xf32> {
  %s = lowbit.softmax %x axis 1 : tensor<1x32512xf32> loc("probs")
  return %s : tensor<1x32512xf32>
}

// -----

// A value without a calibrated range cannot be given a type.
// CHECK: error: {{.*}}cannot quantize 'act' (lowbit.tanh): no calibrated range (run calibration first)
func.func @uncalibrated(%x: tensor<1x4xf32> {lowbit.range = array<f64: 0.0, 1.0>}) -> tensor<1x4xf32> {
  %t = lowbit.tanh %x : tensor<1x4xf32> loc("act")
  return %t : tensor<1x4xf32>
}

// -----

// --keep-float keeps a node in float between quant.dcast and quant.qcast.
// KEEP-LABEL: func.func @kept(
// KEEP: %[[D:.*]] = quant.dcast %{{.*}} : tensor<1x4x!quant.uniform<u8:f32, {{.*}}>> to tensor<1x4xf32>
// KEEP: %[[S:.*]] = lowbit.softmax %[[D]] axis 1 : tensor<1x4xf32>
// KEEP: quant.qcast %[[S]] : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 0.0039215688593685627>>
func.func @kept(%x: tensor<1x4xf32> {lowbit.range = array<f64: -2.0, 2.0>}) -> tensor<1x4xf32> {
  %s = lowbit.softmax %x axis 1 {lowbit.range = array<f64: 0.0, 1.0>} : tensor<1x4xf32> loc("probs")
  return %s : tensor<1x4xf32>
}
