#!/usr/bin/env python3
"""Writes the depthwise conv2d models of integration_test/depthwise-conv.test
(integration_test/Inputs/depthwise-conv-{a,b,c}.mlir): chains of quantized
depthwise lowbit.conv2d + lowbit.requantize layers over the odd shapes the
depthwise kernel has to get right. Weights and biases are seeded random
values (biases within one standard deviation of the accumulator); each requantize multiplier maps about 3 standard deviations of its
accumulator (numpy, on inputs like make_inputs.py's) to 100 output steps, so
that few outputs saturate.

  make_depthwise_models.py OUT_DIR
"""
import math
import os
import sys

import numpy as np

rng = np.random.default_rng(6)


def qtype(storage, scale, zp):
    return f"!quant.uniform<{storage}:f32, {scale}:{zp}>"


def tensor(shape, element):
    return "tensor<" + "x".join(str(s) for s in shape) + "x" + element + ">"


def dense(values):
    return "dense<" + np.array2string(
        values, separator=", ", threshold=10**9, max_line_width=10**9
    ).replace("\n", "") + ">"


def fixed_point(real):
    """(multiplier, shift) with real = multiplier * 2^-shift, Q31."""
    exponent = math.floor(math.log2(real))
    multiplier = round(real * 2.0 ** (30 - exponent))
    if multiplier == 2**31:
        multiplier //= 2
        exponent += 1
    return multiplier, 30 - exponent


def conv(x, w, zx, zw, bias, stride, pads, dilation, group):
    """The int32 accumulator of docs/IntegerSemantics.md (x padded with zx)."""
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    xp = np.full((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]), zx,
                 dtype=np.int64)
    xp[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = x
    oh = (xp.shape[2] - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    ow = (xp.shape[3] - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    acc = np.zeros((n, f, oh, ow), dtype=np.int64) + bias[None, :, None, None]
    m = f // group
    for o in range(f):
        ci = o // m
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, ci, i * dilation[0]:i * dilation[0] + (oh - 1) * stride[0] + 1:stride[0],
                           j * dilation[1]:j * dilation[1] + (ow - 1) * stride[1] + 1:stride[1]]
                acc[:, o] += (patch - zx) * (w[o, 0, i, j] - zw[o])
    return acc


class Model:
    def __init__(self, name, shape, in_type):
        self.name, self.shape, self.type = name, shape, in_type
        self.lines, self.count = [], 0
        zx = in_type[2]
        lo, hi = (0, 255) if in_type[0] == "u8" else (-128, 127)
        samples = (32,) + tuple(shape[1:])
        self.x = np.clip(np.round(rng.normal(0, 2.0, size=samples) / in_type[1]) + zx,
                         lo, hi).astype(np.int64)

    def typename(self, shape=None, t=None):
        t = t or self.type
        return tensor(shape or self.shape, qtype(*t))

    def layer(self, kernel, mult, stride, pads, dilation, weights, out_type,
              per_channel, bias=True, clamp=None, rounding=None, wscale=0.02,
              gain=1.0):
        """weights: 'int8' (per channel), 'uint8' (per tensor, Z = 3),
        'ternary' (per channel, i8<-1:1>) or 'small' (per tensor, [-3, 3])."""
        n, c, h, wd = self.shape
        f = c * mult
        self.count += 1
        k = self.count
        if weights == "uint8":
            w = rng.integers(0, 256, size=(f, 1) + kernel)
            zw = np.full(f, 3)
            wtype = f"!quant.uniform<u8:f32, {wscale}:3>"
        elif weights == "ternary":
            w = rng.integers(-1, 2, size=(f, 1) + kernel)
            zw = np.zeros(f, dtype=np.int64)
            scales = ", ".join(f"{wscale * (1 + i / 10):.4f}" for i in range(f))
            wtype = f"!quant.uniform<i8<-1:1>:f32:0, {{{scales}}}>"
        elif weights == "small":
            w = rng.integers(-3, 4, size=(f, 1) + kernel)
            zw = np.zeros(f, dtype=np.int64)
            wtype = f"!quant.uniform<i8:f32, {wscale}>"
        else:
            w = rng.integers(-127, 128, size=(f, 1) + kernel)
            zw = np.zeros(f, dtype=np.int64)
            scales = ", ".join(f"{wscale * (1 + i / 10):.4f}" for i in range(f))
            wtype = f"!quant.uniform<i8:f32:0, {{{scales}}}>"
        acc = conv(self.x, w, self.type[2], zw, np.zeros(f, dtype=np.int64),
                   stride, pads, dilation, c)
        # A bias within one standard deviation of the accumulator.
        spread = int(max(acc.std(), 1.0))
        b = rng.integers(-spread, spread + 1, size=f) if bias else np.zeros(f, dtype=np.int64)
        acc += b[None, :, None, None]
        oshape = (self.shape[0],) + acc.shape[1:]
        wshape = (f, 1) + kernel
        self.lines.append(
            f"  %w{k} = lowbit.constant {dense(w.astype(np.int64) if weights != 'uint8' else (w - 256 * (w > 127)))} : "
            f"{tensor(wshape, 'i8')} -> {tensor(wshape, wtype)}")
        operands = f"%x{k - 1}, %w{k}"
        types = f"{self.typename()}, {tensor(wshape, wtype)}"
        if bias:
            self.lines.append(f"  %b{k} = lowbit.constant {dense(b)} : "
                              f"{tensor((f,), 'i32')} -> {tensor((f,), 'i32')}")
            operands += f", %b{k}"
            types += f", {tensor((f,), 'i32')}"
        attrs = (f"strides = array<i64: {stride[0]}, {stride[1]}>, "
                 f"pads = array<i64: {', '.join(map(str, pads))}>, "
                 f"dilations = array<i64: {dilation[0]}, {dilation[1]}>, group = {c} : i64")
        self.lines.append(f"  %a{k} = lowbit.conv2d {operands} {{{attrs}}} : {types} -> "
                          f"{tensor(oshape, 'i32')}")
        # Requantize: 3 sigma of the accumulator (per channel or overall)
        # to 100 output steps.
        if per_channel:
            sigmas = [max(acc[:, o].std(), 1.0) for o in range(f)]
        else:
            sigmas = [max(acc.std(), 1.0)]
        pairs = [fixed_point(gain * 100.0 / (3 * s)) for s in sigmas]
        lo, hi = (0, 255) if out_type[0] == "u8" else (-128, 127)
        clo, chi = clamp or (lo, hi)
        extra = " {channel_axis = 1 : i64}" if per_channel else ""
        rnd = f" rounding <{rounding}>" if rounding else ""
        self.lines.append(
            f"  %x{k} = lowbit.requantize %a{k} multiplier [{', '.join(str(p[0]) for p in pairs)}] "
            f"shift [{', '.join(str(p[1]) for p in pairs)}] clamp [{clo}, {chi}]{rnd}{extra} : "
            f"{tensor(oshape, 'i32')} -> {tensor(oshape, qtype(*out_type))}")
        # The next layer's input, approximately (exactness does not matter
        # here: it only scales the next multiplier).
        mults = np.array([p[0] * 2.0 ** -p[1] for p in pairs])
        mults = mults[None, :, None, None] if per_channel else mults[0]
        self.x = np.clip(np.round(acc * mults) + out_type[2], clo, chi).astype(np.int64)
        self.shape, self.type = oshape, out_type

    def write(self, path, comment):
        n, c, h, w = self.first_shape
        flat = tensor((1, n * c * h * w), qtype(*self.first_type))
        with open(path, "w") as out:
            out.write("".join(f"// {line}\n" for line in comment.splitlines()))
            out.write("// Generated by integration_test/reference/make_depthwise_models.py.\n")
            out.write(f"func.func @{self.name}(%in: {flat}) -> {self.typename()} {{\n")
            out.write(f"  %x0 = lowbit.reshape %in : {flat} -> "
                      f"{tensor(self.first_shape, qtype(*self.first_type))}\n")
            out.write("\n".join(self.lines) + "\n")
            out.write(f"  return %x{self.count} : {self.typename()}\n}}\n")


def model(name, shape, in_type):
    m = Model(name, shape, in_type)
    m.first_shape, m.first_type = shape, in_type
    return m


out_dir = sys.argv[1]
a = model("depthwise_a", (1, 8, 19, 37), ("u8", 0.05, 100))
# 3x3 stride 1 pad 1 on uint8, per-channel requantize with a ReLU6 clamp;
# width 37 = two tiles of 16 and a shifted last tile.
a.layer((3, 3), 1, (1, 1), (1, 1, 1, 1), (1, 1), "int8", ("i8", 0.05, -4),
        per_channel=True, clamp=(-4, 116))
# 3x3 stride 2 pad 1 on int8, uint8 weights with zero point 3, no bias,
# per-tensor requantize.
a.layer((3, 3), 1, (2, 2), (1, 1, 1, 1), (1, 1), "uint8", ("u8", 0.2, 120),
        per_channel=False, bias=False)
a.write(os.path.join(out_dir, "depthwise-conv-a.mlir"),
        "3x3 depthwise layers, stride 1 and 2, pad 1, uint8 then int8\n"
        "activations, int8 per-channel and uint8 (zero point 3) weights.")

b = model("depthwise_b", (1, 8, 10, 19), ("i8", 0.04, 5))
# 5x5, asymmetric pads, ternary weights (coded by lowbit-bitpack-weights).
b.layer((5, 5), 1, (1, 1), (2, 1, 0, 3), (1, 1), "ternary", ("u8", 0.1, 128),
        per_channel=True)
# 3x3 dilation 2 unpadded, channel multiplier 2, double rounding; width 15
# (tiles of 8 lanes: 0 and 7).
b.layer((3, 3), 2, (1, 1), (0, 0, 0, 0), (2, 2), "int8", ("i8", 0.1, 0),
        per_channel=True, rounding="double")
b.write(os.path.join(out_dir, "depthwise-conv-b.mlir"),
        "5x5 depthwise with asymmetric pads and ternary weights, then a\n"
        "dilated 3x3 with channel multiplier 2 and double rounding.")

c = model("depthwise_c", (1, 6, 4, 15), ("u8", 0.05, 90))
# A 3x15 kernel over the whole width: width 1 (one lane); weights in
# [-3, 3] and a gain of 8 so that the multiplier is large (shift < 32:
# the 64-bit requantize path).
c.layer((3, 15), 1, (1, 1), (1, 0, 1, 0), (1, 1), "small", ("i8", 0.05, -10),
        per_channel=False, gain=8.0)
# 4x1, stride 2: a 1x1 image.
c.layer((4, 1), 1, (2, 2), (0, 0, 0, 0), (1, 1), "int8", ("u8", 0.1, 60),
        per_channel=True)
# 3x3 pad 1 on the 1x1 image: only the centre tap is inside.
c.layer((3, 3), 1, (1, 1), (1, 1, 1, 1), (1, 1), "int8", ("u8", 0.1, 100),
        per_channel=False, clamp=(100, 160))
c.write(os.path.join(out_dir, "depthwise-conv-c.mlir"),
        "Small shapes: width 1 (3x15 kernel), a 1x1 image (4x1 stride 2)\n"
        "and a 3x3 pad 1 layer on it.")

d = model("depthwise_d", (2, 20, 13, 11), ("u8", 0.05, 100))
# Two images of 20 channels: a block of 16 and the last one shifted to
# channels 4..19; 13 rows (tiles of 2 and a single row), 11 columns (tiles
# of 4 and a shifted last tile).
d.layer((3, 3), 1, (1, 1), (1, 1, 1, 1), (1, 1), "int8", ("i8", 0.05, -4),
        per_channel=True)
# 5x5 stride 2 on the odd 13x11: 7x6, uint8 weights (weight offsets).
d.layer((5, 5), 1, (2, 2), (2, 2, 2, 2), (1, 1), "uint8", ("u8", 0.1, 120),
        per_channel=False)
# Channel multiplier 2 (F = 40: blocks at 0, 16 and 24, reading input
# channels from 0, 8 and 12), asymmetric pads.
d.layer((3, 3), 2, (1, 1), (1, 0, 1, 2), (1, 1), "int8", ("u8", 0.1, 60),
        per_channel=True)
d.write(os.path.join(out_dir, "depthwise-conv-d.mlir"),
        "Two images of 20 channels (not a multiple of 16): 3x3, 5x5 stride 2\n"
        "on an odd size, channel multiplier 2 with asymmetric pads.")

e = model("depthwise_e", (1, 24, 7, 7), ("i8", 0.04, 3))
# The last MobileNetV2 size, 7x7, with 24 int8 channels, no padding.
e.layer((3, 3), 1, (1, 1), (0, 0, 0, 0), (1, 1), "int8", ("u8", 0.1, 128),
        per_channel=True, clamp=(128, 228))
e.layer((3, 3), 1, (1, 1), (1, 1, 1, 1), (1, 1), "int8", ("i8", 0.1, 0),
        per_channel=True, rounding="double")
# A 7x7 kernel (49 taps) over a 5x5 image padded by 3, stride 2: 3x3.
e.layer((7, 7), 1, (2, 2), (3, 3, 3, 3), (1, 1), "int8", ("i8", 0.1, 5),
        per_channel=True)
# Channel multiplier 3 (F = 72: 15 lanes, blocks at 0, 15, 30, 45 and 57)
# with dilation 2 to a 1x1 image, then 3x3 pad 1 on it.
e.layer((2, 2), 3, (1, 1), (0, 0, 0, 0), (2, 2), "ternary", ("u8", 0.1, 100),
        per_channel=True)
e.layer((3, 3), 1, (1, 1), (1, 1, 1, 1), (1, 1), "int8", ("u8", 0.1, 90),
        per_channel=False)
e.write(os.path.join(out_dir, "depthwise-conv-e.mlir"),
        "7x7 images of 24 int8 channels: 3x3 unpadded and padded, a 7x7 kernel\n"
        "with stride 2, channel multiplier 3 with dilation 2 to a 1x1 image,\n"
        "then 3x3 pad 1 on it.")
