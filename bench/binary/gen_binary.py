#!/usr/bin/python3
"""Writes the models of the binary-layer benchmark (bench/binary/build.sh).

    gen_binary.py KIND SHAPE NAME OUT_DIR

KIND fc,     SHAPE MxKxN:     u8 [M, K] -> lowbit.binarize -> lowbit.binary_fully_connected
                              (K x N signs, int32 bias) -> per-channel requantize -> i8 [M, N]
KIND conv,   SHAPE CxHxWxO:   u8 [1, C, H, W] -> binarize -> lowbit.binary_conv2d 3x3, pad 1
                              -> per-channel requantize (channel_axis 1) -> i8 [1, O, H, W]
KIND conv8,  SHAPE CxHxWxO:   the same convolution in int8: lowbit.conv2d of u8 activations
                              by per-channel i8 weights [O, C, 3, 3] -> requantize -> i8
The weights and biases are dense_resource blobs; the values are random (the
benchmark measures time; tests check values). Run with /usr/bin/python3.
"""
import os
import sys

import numpy as np


def blob(array):
    """The hex of a dense_resource blob: alignment, then the data."""
    align = array.dtype.itemsize
    return "0x" + align.to_bytes(4, "little").hex() + array.tobytes().hex()


def resources(entries):
    body = ",\n".join(f"      {k}: \"{blob(v)}\"" for k, v in entries.items())
    return ("\n{-#\n  dialect_resources: {\n    builtin: {\n" + body +
            "\n    }\n  }\n#-}\n")


def requantize(rng, channels, acc_type, out_type, axis):
    m0 = rng.integers(1 << 30, 1 << 31, size=channels)
    shift = rng.integers(36, 40, size=channels)
    join = lambda v: ", ".join(str(int(x)) for x in v)
    return (f"  %y = lowbit.requantize %acc multiplier [{join(m0)}] shift "
            f"[{join(shift)}] clamp [-128, 127] {{channel_axis = {axis} : "
            f"i64}} : {acc_type} -> {out_type}\n")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    kind, shape, name, out_dir = sys.argv[1:]
    dims = [int(d) for d in shape.split("x")]
    rng = np.random.default_rng([20261129] + dims)
    x_q = "!quant.uniform<u8:f32, 0.02:128>"
    y_q = "!quant.uniform<i8:f32, 0.05:-3>"
    res = {}
    if kind == "fc":
        m, k, n = dims
        words = -(-k // 64)
        w = rng.integers(-2**63, 2**63, size=(n, words), dtype=np.int64)
        if k % 64:  # padding bits are 0
            w[:, -1] &= np.array([(1 << (k % 64)) - 1],
                                 np.uint64).view(np.int64)[0]
        res[f"{name}_w"] = w
        res[f"{name}_b"] = rng.integers(-20, 20, size=n).astype(np.int32)
        in_t = f"tensor<{m}x{k}x{x_q}>"
        bits_t = f"tensor<{m}x{words}xi64>"
        acc_t = f"tensor<{m}x{n}xi32>"
        out_t = f"tensor<{m}x{n}x{y_q}>"
        body = (
            f"  %w = lowbit.constant dense_resource<{name}_w> : tensor<{n}x{words}xi64> -> tensor<{n}x{words}xi64>\n"
            f"  %b = lowbit.constant dense_resource<{name}_b> : tensor<{n}xi32> -> tensor<{n}xi32>\n"
            f"  %bits = lowbit.binarize %x {{axis = 1 : i64}} : {in_t} -> {bits_t}\n"
            f"  %acc = lowbit.binary_fully_connected %bits, %w, %b {{depth = {k} : i64}} : {bits_t}, tensor<{n}x{words}xi64>, tensor<{n}xi32> -> {acc_t}\n"
            + requantize(rng, n, acc_t, out_t, 1))
    else:
        c, h, wd, o = dims
        in_t = f"tensor<1x{c}x{h}x{wd}x{x_q}>"
        acc_t = f"tensor<1x{o}x{h}x{wd}xi32>"
        out_t = f"tensor<1x{o}x{h}x{wd}x{y_q}>"
        attrs = ("strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, "
                 "dilations = array<i64: 1, 1>")
        res[f"{name}_b"] = rng.integers(-20, 20, size=o).astype(np.int32)
        if kind == "conv":
            words = -(-c // 64)
            w = rng.integers(-2**63, 2**63, size=(o, 3, 3, words),
                             dtype=np.int64)
            assert c % 64 == 0, "the benchmark uses whole words"
            res[f"{name}_w"] = w
            bits_t = f"tensor<1x{h}x{wd}x{words}xi64>"
            w_t = f"tensor<{o}x3x3x{words}xi64>"
            body = (
                f"  %w = lowbit.constant dense_resource<{name}_w> : {w_t} -> {w_t}\n"
                f"  %b = lowbit.constant dense_resource<{name}_b> : tensor<{o}xi32> -> tensor<{o}xi32>\n"
                f"  %bits = lowbit.binarize %x {{axis = 1 : i64}} : {in_t} -> {bits_t}\n"
                f"  %acc = lowbit.binary_conv2d %bits, %w, %b {{channels = {c} : i64, {attrs}}} : {bits_t}, {w_t}, tensor<{o}xi32> -> {acc_t}\n")
        else:
            res[f"{name}_w"] = rng.integers(-127, 128, size=(o, c, 3, 3)).astype(np.int8)
            scales = ", ".join("0.01" for _ in range(o))
            w_q = f"tensor<{o}x{c}x3x3x!quant.uniform<i8<-127:127>:f32:0, {{{scales}}}>>"
            body = (
                f"  %w = lowbit.constant dense_resource<{name}_w> : tensor<{o}x{c}x3x3xi8> -> {w_q}\n"
                f"  %b = lowbit.constant dense_resource<{name}_b> : tensor<{o}xi32> -> tensor<{o}xi32>\n"
                f"  %acc = lowbit.conv2d %x, %w, %b {{{attrs}, group = 1 : i64}} : {in_t}, {w_q}, tensor<{o}xi32> -> {acc_t}\n")
        body += requantize(rng, o, acc_t, out_t, 1)
    text = (f"// Generated by bench/binary/gen_binary.py; do not edit.\n"
            f"func.func @{name}(%x: {in_t}) -> {out_t} {{\n{body}"
            f"  return %y : {out_t}\n}}\n" + resources(res))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, name + ".mlir"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
