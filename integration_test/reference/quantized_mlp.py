#!/usr/bin/env python3
"""Independent reference for the example quantized MLP: integer semantics of
docs/IntegerSemantics.md written again in Python integers, from the
parameters that examples/mlp/make_mlp.py saved. Shares no code with the
compiler.

  quantized_mlp.py PARAMS.npz INPUT.npy ACTUAL.npy [--rounding=single|double]

Exits 0 when ACTUAL.npy (the compiled model's output) equals the reference
bit for bit, else prints the differences and exits 1.
"""
import argparse
import sys

import numpy as np

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def quantize(x, scale, zero_point, qmin=-128, qmax=127):
    scaled = np.float32(x) / np.float32(scale)  # float32 division
    rounded = np.rint(scaled)  # ties to even
    rounded = np.where(np.isnan(rounded), 0, rounded)
    rounded = np.clip(rounded, qmin - zero_point, qmax - zero_point)
    return rounded.astype(np.int64) + zero_point


def dequantize(q, scale, zero_point):
    return np.float32(scale) * (q - zero_point).astype(np.float32)


def single_round(x, m0, n):
    return (x * m0 + (1 << (n - 1))) >> n  # Python >> is a floor


def double_round(x, m0, n):
    left, right = max(31 - n, 0), max(n - 31, 0)
    x = min(max(x << left, INT32_MIN), INT32_MAX)
    ab = x * m0
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    s = ab + nudge
    high = abs(s) >> 31  # C division truncates toward zero
    high = -high if s < 0 else high
    mask = (1 << right) - 1
    remainder = high & mask
    threshold = (mask >> 1) + (1 if high < 0 else 0)
    return (high >> right) + (1 if remainder > threshold else 0)


def requantize(acc, m0s, ns, zero_point, lo, hi, rounding):
    rnd = single_round if rounding == "single" else double_round
    out = np.empty_like(acc)
    for index, x in np.ndenumerate(acc):
        c = index[-1] if len(m0s) > 1 else 0
        y = rnd(int(x), int(m0s[c]), int(ns[c])) + zero_point
        out[index] = min(max(y, lo), hi)
    return out


def fully_connected(x, zx, w, zw, bias):
    acc = (x - zx) @ (w.astype(np.int64) - zw).T + bias
    assert np.all((acc >= INT32_MIN) & (acc <= INT32_MAX))
    return acc


def run(p, x, rounding):
    q = quantize(x, p["s_in"], int(p["z_in"]))
    acc1 = fully_connected(q, int(p["z_in"]), p["w1"], 0, p["b1"])
    h = requantize(acc1, p["m1"], p["n1"], int(p["z_h"]), int(p["z_h"]), 127,
                   rounding)
    acc2 = fully_connected(h, int(p["z_h"]), p["w2"], 0, p["b2"])
    y = requantize(acc2, p["m2"], p["n2"], int(p["z_out"]), -128, 127,
                   rounding)
    return dequantize(y, p["s_out"], int(p["z_out"]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("params")
    parser.add_argument("input")
    parser.add_argument("actual")
    parser.add_argument("--rounding", default="single",
                        choices=["single", "double"])
    args = parser.parse_args()
    params = np.load(args.params)
    x = np.load(args.input).astype(np.float32).reshape(-1, 16)
    expected = run(params, x, args.rounding)
    actual = np.load(args.actual)
    if actual.dtype != np.float32 or actual.shape != expected.shape:
        print(f"shape/dtype mismatch: {actual.shape} {actual.dtype}, "
              f"expected {expected.shape} float32")
        return 1
    bad = np.argwhere(actual.view(np.uint32) != expected.view(np.uint32))
    for index in bad[:10]:
        i = tuple(index)
        print(f"mismatch at {i}: got {actual[i]}, expected {expected[i]}")
    print(f"{expected.size - len(bad)} of {expected.size} outputs bit-exact")
    return 1 if len(bad) else 0


if __name__ == "__main__":
    sys.exit(main())
