#!/usr/bin/env python3
"""Writes one quantized depthwise 3x3 layer (pad 1) as a Lowbit model, the
shape of a MobileNetV2 depthwise layer: uint8 input, int8 per-channel
weights, int32 bias, per-channel requantize with a ReLU6 clamp to uint8.

  gen_depthwise.py NAME C H W STRIDE OUT_DIR [nchw|nhwc [ISA]]

nchw (default): lowbit.conv2d + lowbit.requantize on [1, C, H, W], what an
ONNX model gives; lowbit-pack-weights makes it the NHWC kernel between two
transposes. nhwc: the same layer written as the packed kernel itself
(lowbit.packed_depthwise_conv2d on [1, H, W, C], weights [3, 3, C], the
bias folded as lowbit-pack-weights folds it), i.e. the kernel without the
transposes, as it runs between other NHWC layers of a whole model, with
the kernel isa ISA (default avx512vnni; run.sh passes the one that
lowbit-compile --mcpu=native chooses).
"""
import sys

import numpy as np

name, c, h, w, stride, out_dir = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
layout = sys.argv[7] if len(sys.argv) > 7 else "nchw"
isa = sys.argv[8] if len(sys.argv) > 8 else "avx512vnni"
rng = np.random.default_rng(c * 1000 + h + stride)
oh, ow = (h - 1) // stride + 1, (w - 1) // stride + 1
zx = 100
x_q = f"!quant.uniform<u8:f32, 0.05:{zx}>"
y_q = "!quant.uniform<u8:f32, 0.0235:0>"
scales = ", ".join(f"{0.01 + 0.0001 * i:.4f}" for i in range(c))
w_t = f"tensor<{c}x1x3x3x!quant.uniform<i8:f32:0, {{{scales}}}>>"
weights = rng.integers(-127, 128, size=(c, 1, 3, 3))
bias = rng.integers(-3000, 3000, size=c)
mult = rng.integers(1 << 30, 1 << 31, size=c).tolist()
requant = f"multiplier {mult} shift {[40] * c} clamp [0, 255]"
with open(f"{out_dir}/{name}.mlir", "w") as out:
    if layout == "nchw":
        x_t = f"tensor<1x{c}x{h}x{w}x{x_q}>"
        y_t = f"tensor<1x{c}x{oh}x{ow}x{y_q}>"
        out.write(f"func.func @{name}(%x: {x_t}) -> {y_t} {{\n")
        out.write(f"  %w = lowbit.constant dense<{weights.tolist()}> : tensor<{c}x1x3x3xi8> -> {w_t}\n")
        out.write(f"  %b = lowbit.constant dense<{bias.tolist()}> : tensor<{c}xi32> -> tensor<{c}xi32>\n")
        out.write(f"  %a = lowbit.conv2d %x, %w, %b {{strides = array<i64: {stride}, {stride}>, "
                  f"pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = {c} : i64}} "
                  f": {x_t}, {w_t}, tensor<{c}xi32> -> tensor<1x{c}x{oh}x{ow}xi32>\n")
        out.write(f"  %y = lowbit.requantize %a {requant} "
                  f"{{channel_axis = 1 : i64}} : tensor<1x{c}x{oh}x{ow}xi32> -> {y_t}\n")
    else:
        x_t = f"tensor<1x{h}x{w}x{c}x{x_q}>"
        y_t = f"tensor<1x{oh}x{ow}x{c}x{y_q}>"
        taps = weights.reshape(c, 9).T.reshape(3, 3, c)
        folded = bias - zx * weights.reshape(c, 9).sum(axis=1)
        out.write(f"func.func @{name}(%x: {x_t}) -> {y_t} {{\n")
        out.write(f"  %w = arith.constant dense<{taps.tolist()}> : tensor<3x3x{c}xi8>\n")
        out.write(f"  %b = arith.constant dense<{folded.tolist()}> : tensor<{c}xi32>\n")
        out.write(f"  %y = lowbit.packed_depthwise_conv2d <{isa}> %x, %w, %b strides [{stride}, {stride}] "
                  f"pads [1, 1, 1, 1] dilations [1, 1] {requant} : {x_t}, "
                  f"tensor<3x3x{c}xi8>, tensor<{c}xi32> -> {y_t}\n")
    out.write(f"  return %y : {y_t}\n}}\n")
