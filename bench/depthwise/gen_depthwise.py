#!/usr/bin/env python3
"""Writes one quantized depthwise 3x3 layer (pad 1) as a Lowbit model, the
shape of a MobileNetV2 depthwise layer: uint8 input [1, C, H, W], int8
per-channel weights, int32 bias, per-channel requantize with a ReLU6 clamp
to uint8.

  gen_depthwise.py NAME C H W STRIDE OUT_DIR
"""
import sys

import numpy as np

name, c, h, w, stride, out_dir = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
rng = np.random.default_rng(c * 1000 + h + stride)
oh, ow = (h - 1) // stride + 1, (w - 1) // stride + 1
x_t = f"tensor<1x{c}x{h}x{w}x!quant.uniform<u8:f32, 0.05:100>>"
scales = ", ".join(f"{0.01 + 0.0001 * i:.4f}" for i in range(c))
w_t = f"tensor<{c}x1x3x3x!quant.uniform<i8:f32:0, {{{scales}}}>>"
y_t = f"tensor<1x{c}x{oh}x{ow}x!quant.uniform<u8:f32, 0.0235:0>>"
weights = rng.integers(-127, 128, size=(c, 1, 3, 3)).tolist()
bias = rng.integers(-3000, 3000, size=c).tolist()
mult = rng.integers(1 << 30, 1 << 31, size=c).tolist()
with open(f"{out_dir}/{name}.mlir", "w") as out:
    out.write(f"func.func @{name}(%x: {x_t}) -> {y_t} {{\n")
    out.write(f"  %w = lowbit.constant dense<{weights}> : tensor<{c}x1x3x3xi8> -> {w_t}\n")
    out.write(f"  %b = lowbit.constant dense<{bias}> : tensor<{c}xi32> -> tensor<{c}xi32>\n")
    out.write(f"  %a = lowbit.conv2d %x, %w, %b {{strides = array<i64: {stride}, {stride}>, "
              f"pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = {c} : i64}} "
              f": {x_t}, {w_t}, tensor<{c}xi32> -> tensor<1x{c}x{oh}x{ow}xi32>\n")
    out.write(f"  %y = lowbit.requantize %a multiplier {mult} shift {[40] * c} clamp [0, 255] "
              f"{{channel_axis = 1 : i64}} : tensor<1x{c}x{oh}x{ow}xi32> -> {y_t}\n")
    out.write(f"  return %y : {y_t}\n}}\n")
