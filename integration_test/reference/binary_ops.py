#!/usr/bin/env python3
"""Binary (XNOR-popcount) layer models, their inputs, and numpy's results.

    binary_ops.py generate DIR      writes, per case, DIR/<case>.mlir (the
                                    exact int32 accumulators as the result),
                                    DIR/<case>-q.mlir (the same layer
                                    requantized per channel to int8),
                                    DIR/<case>.in.npy, DIR/<case>.expected.npy
                                    and DIR/<case>.bits.npy
    binary_ops.py check DIR CASE OUT.npy
                                    compares OUT.npy with the accumulators
    binary_ops.py check-bits DIR CASE DUMP_DIR
                                    compares the lowbit.binarize result that
                                    lowbit-run --dump wrote with the packed
                                    signs of the input (one sample)

A model is lowbit.binarize of a quantized input (packed along the
channels), lowbit.binary_fully_connected or lowbit.binary_conv2d with
constant weights and a bias, and lowbit.requantize; the chains (mlp,
mlp-wide, cnn: no -q variant) have two binary layers with a requantize to
int8 and a binarize between them, checked against numpy's exact single
rounding. The expected values are
computed here from the definition with +-1 arithmetic (sign(0) = +1, taps in
the zero padding contribute 0), without popcount or packing, so they are
independent of the interpreter. Inputs are exact multiples of the scale,
so quantization at the boundary is exact, and some hit the zero point.
"""
import sys

import numpy as np

SCALE = 0.5

# name: (kind, shape parameters)
#   fc: M, K, N        conv: N, C, H, W, O, KH, KW, strides, pads, dilations
CASES = {
    "fc-k100": ("fc", dict(m=5, k=100, n=13)),
    "fc-k37-n1": ("fc", dict(m=1, k=37, n=1)),
    "fc-k128": ("fc", dict(m=7, k=128, n=40)),
    "fc-k1": ("fc", dict(m=3, k=1, n=33)),
    "fc-k200": ("fc", dict(m=9, k=200, n=70)),
    "conv-pad1": ("conv", dict(n=1, c=70, h=5, w=6, o=11, kh=3, kw=3,
                               strides=(1, 1), pads=(1, 1, 1, 1),
                               dil=(1, 1))),
    "conv-c1-s2": ("conv", dict(n=2, c=1, h=7, w=5, o=9, kh=3, kw=2,
                                strides=(2, 2), pads=(1, 0, 2, 1),
                                dil=(1, 1))),
    "conv-1x1-image": ("conv", dict(n=1, c=64, h=1, w=1, o=5, kh=1, kw=1,
                                    strides=(1, 1), pads=(0, 0, 0, 0),
                                    dil=(1, 1))),
    "conv-1x1-pad": ("conv", dict(n=1, c=5, h=1, w=1, o=3, kh=3, kw=3,
                                  strides=(1, 1), pads=(1, 1, 1, 1),
                                  dil=(1, 1))),
    "conv-dilated": ("conv", dict(n=1, c=130, h=6, w=6, o=33, kh=3, kw=3,
                                  strides=(2, 1), pads=(0, 2, 1, 0),
                                  dil=(2, 1))),
    # Wide enough for tiles of 4 and 2 inner columns, stride and dilation
    # 2 along the width.
    "conv-wide-s2": ("conv", dict(n=1, c=70, h=4, w=13, o=17, kh=3, kw=3,
                                  strides=(1, 2), pads=(1, 1, 1, 1),
                                  dil=(1, 2))),
}


def ttype(shape, element):
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def nested(a):
    if a.ndim == 0:
        return str(int(a))
    return "[" + ", ".join(nested(x) for x in a) + "]"


def pack(signs):
    """+-1 values [..., C] -> int64 words [..., ceil(C / 64)], bit 1 = -1."""
    c = signs.shape[-1]
    words = -(-c // 64)
    bits = np.zeros(signs.shape[:-1] + (words * 64,), np.uint64)
    bits[..., :c] = signs < 0
    bits = bits.reshape(signs.shape[:-1] + (words, 64))
    weights = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))
    return (bits * weights).sum(axis=-1, dtype=np.uint64).view(np.int64)


def window(n, pb, pe, k, s, d):
    return (n + pb + pe - (d * (k - 1) + 1)) // s + 1


def fc_acc(xs, ws, bias):
    return xs.astype(np.int64) @ ws.astype(np.int64).T + bias


def conv_acc(xs, ws, bias, p):
    """xs [N, C, H, W] and ws [O, C, KH, KW] of +-1; zero padding."""
    n, c, h, w = xs.shape
    o = ws.shape[0]
    oh = window(h, p["pads"][0], p["pads"][2], p["kh"], p["strides"][0],
                p["dil"][0])
    ow = window(w, p["pads"][1], p["pads"][3], p["kw"], p["strides"][1],
                p["dil"][1])
    out = np.zeros((n, o, oh, ow), np.int64)
    for y in range(oh):
        for z in range(ow):
            for i in range(p["kh"]):
                for j in range(p["kw"]):
                    iy = y * p["strides"][0] + i * p["dil"][0] - p["pads"][0]
                    ix = z * p["strides"][1] + j * p["dil"][1] - p["pads"][1]
                    if 0 <= iy < h and 0 <= ix < w:
                        out[:, :, y, z] += (xs[:, :, iy, ix].astype(np.int64)
                                            @ ws[:, :, i, j].T.astype(np.int64))
    return out + bias[None, :, None, None]


def model_text(name, kind, p, weights, bias, input_type, result_body):
    """The model function: binarize, the binary op, `result_body`."""
    words = weights.shape[-1]
    if kind == "fc":
        bits_type = ttype((p["m"], words), "i64")
        acc_type = ttype((p["m"], p["n"]), "i32")
        op = (f"lowbit.binary_fully_connected %bits, %w, %b "
              f"{{depth = {p['k']} : i64}}")
    else:
        oh = window(p["h"], p["pads"][0], p["pads"][2], p["kh"],
                    p["strides"][0], p["dil"][0])
        ow = window(p["w"], p["pads"][1], p["pads"][3], p["kw"],
                    p["strides"][1], p["dil"][1])
        bits_type = ttype((p["n"], p["h"], p["w"], words), "i64")
        acc_type = ttype((p["n"], p["o"], oh, ow), "i32")
        arr = lambda v: "array<i64: " + ", ".join(map(str, v)) + ">"
        op = (f"lowbit.binary_conv2d %bits, %w, %b {{channels = {p['c']} : "
              f"i64, strides = {arr(p['strides'])}, pads = {arr(p['pads'])}, "
              f"dilations = {arr(p['dil'])}}}")
    w_type = ttype(weights.shape, "i64")
    b_type = ttype(bias.shape, "i32")
    result, result_type = result_body(acc_type)
    return (
        f"func.func @{name.replace('-', '_')}(%x: {input_type}) -> "
        f"{result_type} {{\n"
        f"  %w = lowbit.constant dense<{nested(weights)}> : {w_type} -> "
        f"{w_type}\n"
        f"  %b = lowbit.constant dense<{nested(bias)}> : {b_type} -> "
        f"{b_type}\n"
        f"  %bits = lowbit.binarize %x {{axis = 1 : i64}} : {input_type} -> "
        f"{bits_type}\n"
        f"  %acc = {op} : {bits_type}, {w_type}, {b_type} -> {acc_type}\n"
        f"{result}"
        f"  return %y : {result_type}\n}}\n")


def generate(directory):
    rng = np.random.default_rng(20261129)
    for name, (kind, p) in CASES.items():
        channels = p["k"] if kind == "fc" else p["c"]
        outputs = p["n"] if kind == "fc" else p["o"]
        # Quantized input: u8 with zero point 128 or i8 with zero point -3;
        # about one value in eight is exactly the zero point (sign +1).
        unsigned = rng.integers(2) == 1
        zero_point = 128 if unsigned else -3
        lo, hi = (0, 255) if unsigned else (-128, 127)
        shape = (p["m"], p["k"]) if kind == "fc" else (p["n"], p["c"], p["h"],
                                                       p["w"])
        q = rng.integers(lo, hi + 1, size=shape)
        q[rng.random(shape) < 0.125] = zero_point
        x = (q - zero_point) * SCALE
        xs = np.where(q < zero_point, -1, 1)
        storage = "u8" if unsigned else "i8"
        input_type = ttype(shape, f"!quant.uniform<{storage}:f32, {SCALE}:"
                                  f"{zero_point}>")

        if kind == "fc":
            ws = rng.choice([-1, 1], size=(outputs, channels))
            weights = pack(ws)
        else:
            ws = rng.choice([-1, 1], size=(outputs, channels, p["kh"],
                                           p["kw"]))
            weights = pack(ws.transpose(0, 2, 3, 1))
        bias = rng.integers(-50, 51, size=outputs)
        acc = fc_acc(xs, ws, bias) if kind == "fc" else conv_acc(xs, ws, bias,
                                                                 p)

        # The accumulators exactly: requantize by 2^30 * 2^-30 = 1 into int32.
        def exact(acc_type):
            result_type = acc_type.replace(
                "xi32>", "x!quant.uniform<i32:f32, 1.0>>")
            return (f"  %y = lowbit.requantize %acc multiplier [1073741824] "
                    f"shift [30] clamp [-2147483648, 2147483647] : "
                    f"{acc_type} -> {result_type}\n", result_type)

        # Per-channel requantization to int8, as a quantized model has it.
        multipliers = rng.integers(1 << 30, 1 << 31, size=outputs)
        shifts = rng.integers(34, 38, size=outputs)
        axis = 1

        def to_int8(acc_type):
            result_type = acc_type.replace(
                "xi32>", "x!quant.uniform<i8:f32, 0.25:5>>")
            return (f"  %y = lowbit.requantize %acc multiplier "
                    f"[{', '.join(map(str, multipliers))}] shift "
                    f"[{', '.join(map(str, shifts))}] clamp [-128, 127] "
                    f"{{channel_axis = {axis} : i64}} : {acc_type} -> "
                    f"{result_type}\n", result_type)

        with open(f"{directory}/{name}.mlir", "w") as f:
            f.write(model_text(name, kind, p, weights, bias, input_type,
                               exact))
        with open(f"{directory}/{name}-q.mlir", "w") as f:
            f.write(model_text(name, kind, p, weights, bias, input_type,
                               to_int8))
        np.save(f"{directory}/{name}.in.npy", x.astype(np.float32))
        np.save(f"{directory}/{name}.expected.npy", acc.astype(np.float32))
        # The input file is one sample of the model's shape.
        np.save(f"{directory}/{name}.bits.npy",
                pack(xs if kind == "fc" else xs.transpose(0, 2, 3, 1)))
    generate_chains(directory, rng)


# Two binary layers, the first requantized per channel to int8 and
# binarized again (what lowbit-fold-binarize-threshold turns into integer
# thresholds in compiled code; the interpreter runs requantize and
# binarize): M, K, hidden, N for fully-connected layers; C, H, W, hidden,
# O for 3x3 convolutions with pad 1.
CHAINS = {
    "mlp": ("fc", (6, 100, 70, 9)),
    "mlp-wide": ("fc", (3, 200, 130, 5)),
    "cnn": ("conv", (70, 5, 4, 13, 6)),
}


def requantize_ref(acc, m0, shift, zero_point, lo, hi, axis_of):
    """Single rounding, exactly (docs/IntegerSemantics.md section 4)."""
    out = np.empty_like(acc)
    for index, value in np.ndenumerate(acc):
        c = axis_of(index)
        r = (int(value) * int(m0[c]) + (1 << (int(shift[c]) - 1))) >> int(shift[c])
        out[index] = min(max(r + zero_point, lo), hi)
    return out


def generate_chains(directory, rng):
    for name, (kind, dims) in CHAINS.items():
        if kind == "fc":
            m, k, hidden, n = dims
            shape = (m, k)
        else:
            c, h, w, hidden, n = dims
            shape = (1, c, h, w)
        q = rng.integers(0, 256, size=shape)
        q[rng.random(shape) < 0.125] = 128
        xs = np.where(q < 128, -1, 1)
        channels = shape[1]
        in_t = ttype(shape, f"!quant.uniform<u8:f32, {SCALE}:128>")
        p3 = dict(kh=3, kw=3, strides=(1, 1), pads=(1, 1, 1, 1), dil=(1, 1))
        if kind == "fc":
            w1 = rng.choice([-1, 1], size=(hidden, channels))
            w2 = rng.choice([-1, 1], size=(n, hidden))
            acc1 = fc_acc(xs, w1, np.zeros(hidden, np.int64))
        else:
            w1 = rng.choice([-1, 1], size=(hidden, channels, 3, 3))
            w2 = rng.choice([-1, 1], size=(n, hidden, 3, 3))
            acc1 = conv_acc(xs, w1, np.zeros(hidden, np.int64), p3)
        b1 = rng.integers(-8, 9, size=hidden)
        b2 = rng.integers(-8, 9, size=n)
        acc1 = acc1 + (b1 if kind == "fc" else b1[None, :, None, None])
        # Multipliers that put the zero crossing inside the accumulators'
        # range (some exact ties), zero point -3, a ReLU-like clamp on one
        # channel in eight.
        m0 = rng.integers(1 << 30, 1 << 31, size=hidden)
        m0[::5] = 1 << 30
        shift = rng.integers(33, 37, size=hidden)
        lo = np.full(hidden, -128)
        axis_of = (lambda i: i[1])
        q1 = requantize_ref(acc1, m0, shift, -3, -128, 127, axis_of)
        hs = np.where(q1 < -3, -1, 1)
        if kind == "fc":
            acc2 = fc_acc(hs, w2, b2)
            pk = lambda ws: pack(ws)
        else:
            acc2 = conv_acc(hs, w2, b2, p3)
            pk = lambda ws: pack(ws.transpose(0, 2, 3, 1))
        words1 = -(-channels // 64)
        words2 = -(-hidden // 64)
        join = lambda v: ", ".join(str(int(x)) for x in v)
        if kind == "fc":
            bits1_t = ttype((m, words1), "i64")
            acc1_t = ttype((m, hidden), "i32")
            h_t = ttype((m, hidden), "!quant.uniform<i8:f32, 0.5:-3>")
            bits2_t = ttype((m, words2), "i64")
            acc2_t = ttype((m, n), "i32")
            layer = lambda x, w, b, wt, bt, depth, it, ot: (
                f"lowbit.binary_fully_connected {x}, {w}, {b} {{depth = "
                f"{depth} : i64}} : {it}, {wt}, {bt} -> {ot}")
        else:
            bits1_t = ttype((1, h, w, words1), "i64")
            acc1_t = ttype((1, hidden, h, w), "i32")
            h_t = ttype((1, hidden, h, w), "!quant.uniform<i8:f32, 0.5:-3>")
            bits2_t = ttype((1, h, w, words2), "i64")
            acc2_t = ttype((1, n, h, w), "i32")
            layer = lambda x, wv, b, wt, bt, depth, it, ot: (
                f"lowbit.binary_conv2d {x}, {wv}, {b} {{channels = {depth} : "
                f"i64, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, "
                f"1, 1>, dilations = array<i64: 1, 1>}} : {it}, {wt}, {bt} "
                f"-> {ot}")
        pw1, pw2 = pk(w1), pk(w2)
        w1_t, w2_t = ttype(pw1.shape, "i64"), ttype(pw2.shape, "i64")
        b1_t, b2_t = ttype((hidden,), "i32"), ttype((n,), "i32")
        out_t = acc2_t.replace("xi32>", "x!quant.uniform<i32:f32, 1.0>>")
        text = (
            f"func.func @{name.replace('-', '_')}(%x: {in_t}) -> {out_t} {{\n"
            f"  %w1 = lowbit.constant dense<{nested(pw1)}> : {w1_t} -> {w1_t}\n"
            f"  %b1 = lowbit.constant dense<{nested(b1)}> : {b1_t} -> {b1_t}\n"
            f"  %w2 = lowbit.constant dense<{nested(pw2)}> : {w2_t} -> {w2_t}\n"
            f"  %b2 = lowbit.constant dense<{nested(b2)}> : {b2_t} -> {b2_t}\n"
            f"  %bits1 = lowbit.binarize %x {{axis = 1 : i64}} : {in_t} -> {bits1_t}\n"
            f"  %acc1 = {layer('%bits1', '%w1', '%b1', w1_t, b1_t, channels, bits1_t, acc1_t)}\n"
            f"  %h = lowbit.requantize %acc1 multiplier [{join(m0)}] shift "
            f"[{join(shift)}] clamp [-128, 127] {{channel_axis = 1 : i64}} : "
            f"{acc1_t} -> {h_t}\n"
            f"  %bits2 = lowbit.binarize %h {{axis = 1 : i64}} : {h_t} -> {bits2_t}\n"
            f"  %acc2 = {layer('%bits2', '%w2', '%b2', w2_t, b2_t, hidden, bits2_t, acc2_t)}\n"
            f"  %y = lowbit.requantize %acc2 multiplier [1073741824] shift "
            f"[30] clamp [-2147483648, 2147483647] : {acc2_t} -> {out_t}\n"
            f"  return %y : {out_t}\n}}\n")
        with open(f"{directory}/{name}.mlir", "w") as f:
            f.write(text)
        np.save(f"{directory}/{name}.in.npy",
                ((q - 128) * SCALE).astype(np.float32))
        np.save(f"{directory}/{name}.expected.npy", acc2.astype(np.float32))
        # Not every sign equal: the thresholds must matter.
        assert 0.1 < (hs < 0).mean() < 0.9, (name, (hs < 0).mean())


def check(directory, name, out_file):
    expected = np.load(f"{directory}/{name}.expected.npy")
    got = np.load(out_file)
    if got.shape != expected.shape or not np.array_equal(got, expected):
        bad = (np.argwhere(got != expected)[:3].tolist()
               if got.shape == expected.shape else "shape")
        print(f"{name}: got {got.dtype}{got.shape}, expected "
              f"{expected.shape}; first differences {bad}")
        return 1
    print(f"{name}: {expected.size} accumulators OK")
    return 0


def check_bits(directory, name, dump_dir):
    import glob
    expected = np.load(f"{directory}/{name}.bits.npy")
    files = glob.glob(f"{dump_dir}/*_lowbit_binarize.npy")
    got = np.load(files[0])
    if got.dtype != np.int64 or not np.array_equal(got, expected):
        print(f"{name}: binarize gave {got.dtype}{got.shape} {got.ravel()[:4]}"
              f", expected {expected.shape} {expected.ravel()[:4]}")
        return 1
    print(f"{name}: {expected.size} packed words OK")
    return 0


def main():
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
        return 0
    if sys.argv[1] == "check":
        return check(*sys.argv[2:5])
    if sys.argv[1] == "check-bits":
        return check_bits(*sys.argv[2:5])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
