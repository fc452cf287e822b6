#!/usr/bin/env python3
"""Models of every graph-level op, their inputs, and numpy's results.

    graph_ops.py generate DIR     writes DIR/<case>.mlir, DIR/<case>.in<k>.npy
                                  and DIR/<case>.expected<k>.npy per case
    graph_ops.py check DIR CASE   compares DIR/<CASE>.out<k>.npy (lowbit-run's
                                  outputs) with the expected ones

The expected values are computed here with numpy from the ONNX definitions
(explicit loops, float64 for the float ops), independently of the
interpreter. Float results must agree within 1e-5 relative (of the largest
magnitude of the output); integer ops, qcast and dcast exactly. Each case is
one function of several arguments and results (lowbit-run --input=...
--output=...).
"""
import sys

import numpy as np

RNG = np.random.default_rng(20261128)


def ttype(shape, element="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def nested(a):
    if a.ndim == 0:
        return str(int(a))
    return "[" + ", ".join(nested(x) for x in a) + "]"


def window_size(n, pb, pe, k, s, d, ceil):
    span = n + pb + pe - (d * (k - 1) + 1)
    out = (-(-span // s) if ceil else span // s) + 1
    # PyTorch / ONNX 19: a last window starting in the end padding is dropped.
    if ceil and (out - 1) * s >= n + pb:
        out -= 1
    return out


def conv_ref(x, w, b, strides, pads, dil, group):
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    oh = window_size(h, pads[0], pads[2], kh, strides[0], dil[0], False)
    ow = window_size(wd, pads[1], pads[3], kw, strides[1], dil[1], False)
    dtype = np.float64 if x.dtype.kind == "f" else np.int64
    out = np.zeros((n, f, oh, ow), dtype)
    xx = x.astype(dtype)
    ww = w.astype(dtype)
    for o in range(f):
        g = o // (f // group)
        for y in range(oh):
            for z in range(ow):
                acc = 0
                for ci in range(cg):
                    for i in range(kh):
                        for j in range(kw):
                            iy = y * strides[0] + i * dil[0] - pads[0]
                            ix = z * strides[1] + j * dil[1] - pads[1]
                            if 0 <= iy < h and 0 <= ix < wd:
                                acc += xx[0, g * cg + ci, iy, ix] * ww[o, ci, i, j]
                out[0, o, y, z] = acc + (0 if b is None else b[o])
    return out


def pool_ref(x, kernel, strides, pads, dil, ceil, kind, include_pad):
    n, c, h, w = x.shape
    oh = window_size(h, pads[0], pads[2], kernel[0], strides[0], dil[0], ceil)
    ow = window_size(w, pads[1], pads[3], kernel[1], strides[1], dil[1], ceil)
    out = np.zeros((n, c, oh, ow))
    for ch in range(c):
        for y in range(oh):
            for z in range(ow):
                vals, padded = [], 0
                for i in range(kernel[0]):
                    for j in range(kernel[1]):
                        iy = y * strides[0] + i * dil[0] - pads[0]
                        ix = z * strides[1] + j * dil[1] - pads[1]
                        if iy < h + pads[2] and ix < w + pads[3]:
                            padded += 1
                        if 0 <= iy < h and 0 <= ix < w:
                            vals.append(float(x[0, ch, iy, ix]))
                if kind == "max":
                    out[0, ch, y, z] = max(vals)
                else:
                    out[0, ch, y, z] = sum(vals) / (padded if include_pad else len(vals))
    return out


def f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


class Case:
    def __init__(self, name):
        self.name, self.args, self.inputs, self.body = name, [], [], []
        self.results, self.expected = [], []

    def arg(self, value, element="f32", feed=None):
        name = f"%a{len(self.args)}"
        self.args.append(f"{name}: {ttype(value.shape, element)}")
        self.inputs.append(value if feed is None else feed)
        return name

    def op(self, text):
        name = f"%v{len(self.body)}"
        self.body.append(f"    {name} = {text}")
        return name

    def result(self, value, rtype, expected):
        self.results.append((value, rtype))
        self.expected.append(np.asarray(expected))

    def write(self, directory):
        with open(f"{directory}/{self.name}.mlir", "w") as f:
            f.write(f"func.func @{self.name}({', '.join(self.args)}) -> "
                    f"({', '.join(t for _, t in self.results)}) {{\n")
            f.write("\n".join(self.body) + "\n")
            f.write(f"    return {', '.join(v for v, _ in self.results)} : "
                    f"{', '.join(t for _, t in self.results)}\n}}\n")
        for k, value in enumerate(self.inputs):
            np.save(f"{directory}/{self.name}.in{k}.npy", value.astype(np.float32))
        for k, value in enumerate(self.expected):
            np.save(f"{directory}/{self.name}.expected{k}.npy", value)
        with open(f"{directory}/{self.name}.args", "w") as f:
            f.write(" ".join(f"--input={directory}/{self.name}.in{k}.npy"
                             for k in range(len(self.inputs))) + " " +
                    " ".join(f"--output={directory}/{self.name}.out{k}.npy"
                             for k in range(len(self.expected))))


def conv_case():
    c = Case("conv")
    x = f32(1, 4, 9, 8)
    xs = c.arg(x)
    configs = [  # weight shape, strides, pads, dilations, group, bias
        ((6, 4, 3, 3), [1, 1], [1, 1, 1, 1], [1, 1], 1, True),
        ((6, 4, 3, 3), [2, 3], [1, 0, 2, 1], [2, 1], 1, False),
        ((4, 2, 2, 3), [1, 1], [0, 1, 0, 1], [1, 1], 2, True),
        ((4, 1, 3, 3), [1, 1], [1, 1, 1, 1], [2, 2], 4, True),  # depthwise
        ((4, 1, 3, 3), [2, 2], [1, 1, 1, 1], [1, 1], 4, False),
    ]
    for shape, s, p, d, g, has_bias in configs:
        w = f32(*shape)
        b = f32(shape[0]) if has_bias else None
        ws = c.arg(w)
        bs = c.arg(b) if has_bias else None
        ref = conv_ref(x, w, b, s, p, d, g)
        operands = f"{xs}, {ws}" + (f", {bs}" if has_bias else "")
        types = f"{ttype(x.shape)}, {ttype(w.shape)}" + (
            f", {ttype(b.shape)}" if has_bias else "")
        v = c.op(f"lowbit.conv2d {operands} {{strides = array<i64: {s[0]}, {s[1]}>, "
                 f"pads = array<i64: {', '.join(map(str, p))}>, "
                 f"dilations = array<i64: {d[0]}, {d[1]}>, group = {g} : i64}} "
                 f": {types} -> {ttype(ref.shape)}")
        c.result(v, ttype(ref.shape), ref)
    return c


def pool_case():
    c = Case("pools")
    x = f32(1, 3, 7, 8)
    xs = c.arg(x)
    configs = [  # kind, kernel, strides, pads, dilations, ceil, count_include_pad
        ("max", [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], True, False),
        ("max", [2, 2], [2, 2], [0, 0, 0, 0], [2, 2], False, False),
        ("max", [3, 2], [2, 3], [0, 1, 1, 0], [1, 1], True, False),
        ("avg", [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], True, True),
        ("avg", [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], True, False),
        ("avg", [2, 3], [1, 2], [0, 1, 1, 1], [1, 1], False, True),
        ("avg", [2, 2], [3, 3], [0, 0, 0, 0], [1, 1], True, False),
    ]
    for kind, k, s, p, d, ceil, inc in configs:
        ref = pool_ref(x, k, s, p, d, ceil, kind, inc)
        attrs = (f"kernel = array<i64: {k[0]}, {k[1]}>, strides = array<i64: {s[0]}, {s[1]}>, "
                 f"pads = array<i64: {', '.join(map(str, p))}>")
        if kind == "max":
            attrs += f", dilations = array<i64: {d[0]}, {d[1]}>"
        if ceil:
            attrs += ", ceil_mode"
        if inc:
            attrs += ", count_include_pad"
        name = "max_pool" if kind == "max" else "average_pool"
        v = c.op(f"lowbit.{name} {xs} {{{attrs}}} : {ttype(x.shape)} -> {ttype(ref.shape)}")
        c.result(v, ttype(ref.shape), ref)
    ref = x.astype(np.float64).mean(axis=(2, 3), keepdims=True)
    v = c.op(f"lowbit.global_average_pool {xs} : {ttype(x.shape)} -> {ttype(ref.shape)}")
    c.result(v, ttype(ref.shape), ref)
    return c


def elementwise_case():
    c = Case("elementwise")
    a, b, d = f32(2, 3, 4), f32(3, 1), f32(1, 4)
    a[0, 0, :2] = 0.0  # sign of zero
    a[1, 2, 3] = 3.0   # hard_swish at the top of its ramp
    av, bv, dv = c.arg(a), c.arg(b), c.arg(d)
    A, B, D = (t.astype(np.float64) for t in (a, b, d))
    for op, lhs, rhs, ref in [("add", (av, a), (bv, b), A + B),
                              ("sub", (bv, b), (dv, d), B - D),
                              ("mul", (av, a), (dv, d), A * D)]:
        v = c.op(f"lowbit.{op} {lhs[0]}, {rhs[0]} : {ttype(lhs[1].shape)}, "
                 f"{ttype(rhs[1].shape)} -> {ttype(ref.shape)}")
        c.result(v, ttype(ref.shape), ref)
    t = ttype(a.shape)
    unary = [("relu {x}", np.maximum(A, 0)),
             ("clip {x} [-5.000000e-01, 7.000000e-01]", np.clip(A, -0.5, 0.7)),
             ("leaky_relu {x} alpha 1.000000e-01", np.where(A < 0, 0.1 * A, A)),
             ("sigmoid {x}", 1 / (1 + np.exp(-A))),
             ("tanh {x}", np.tanh(A)),
             ("hard_swish {x}", A * np.clip(A / 6 + 0.5, 0, 1)),
             ("sign {x}", np.sign(A))]
    for text, ref in unary:
        v = c.op("lowbit." + text.format(x=av) + f" : {t}")
        c.result(v, t, ref)
    scale, bias, mean = f32(3), f32(3), f32(3)
    var = (RNG.random(3) + 0.1).astype(np.float32)
    ps = [c.arg(p) for p in (scale, bias, mean, var)]
    shape = (1, 3, 1)
    ref = (A - mean.reshape(shape)) / np.sqrt(var.astype(np.float64).reshape(shape) + 1e-5) \
        * scale.reshape(shape) + bias.reshape(shape)
    v = c.op(f"lowbit.batch_norm {av}, {', '.join(ps)} epsilon 9.99999974E-6 : {t}, "
             f"{ttype((3,))} -> {t}")
    c.result(v, t, ref)
    return c


def data_case():
    c = Case("data")
    x, y = f32(2, 5, 3), f32(2, 2, 3)
    xv, yv = c.arg(x), c.arg(y)
    X = x.astype(np.float64)
    e = np.exp(X - X.max(axis=1, keepdims=True))
    for text, ref in [
            (f"softmax {xv} axis 1 : {ttype(x.shape)}", e / e.sum(axis=1, keepdims=True)),
            (f"transpose {xv} permutation [2, 0, 1] : {ttype(x.shape)} -> {ttype((3, 2, 5))}",
             X.transpose(2, 0, 1)),
            (f"concat {xv}, {yv} axis 1 : {ttype(x.shape)}, {ttype(y.shape)} -> {ttype((2, 7, 3))}",
             np.concatenate([x, y], axis=1)),
            (f"reshape {xv} : {ttype(x.shape)} -> {ttype((5, 6))}", X.reshape(5, 6))]:
        v = c.op("lowbit." + text)
        c.result(v, ttype(ref.shape), ref)
    return c


def linear_case():
    c = Case("linear")
    a, b = f32(2, 1, 3, 4), f32(3, 4, 5)
    av, bv = c.arg(a), c.arg(b)
    ref = np.matmul(a.astype(np.float64), b.astype(np.float64))
    v = c.op(f"lowbit.matmul {av}, {bv} : {ttype(a.shape)}, {ttype(b.shape)} -> {ttype(ref.shape)}")
    c.result(v, ttype(ref.shape), ref)
    ga, gb, gc, gd = f32(4, 3), f32(5, 4), f32(5), f32(3, 1)
    gav, gbv, gcv, gdv = c.arg(ga), c.arg(gb), c.arg(gc), c.arg(gd)
    GA, GB = ga.astype(np.float64), gb.astype(np.float64)
    ref = 0.5 * GA.T @ GB.T + 2.0 * gc
    v = c.op(f"lowbit.gemm {gav}, {gbv}, {gcv} {{alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, "
             f"trans_a, trans_b}} : {ttype(ga.shape)}, {ttype(gb.shape)}, {ttype(gc.shape)} -> {ttype((3, 5))}")
    c.result(v, ttype((3, 5)), ref)
    gb2 = f32(4, 5)
    gb2v = c.arg(gb2)
    ref = GA.T @ gb2.astype(np.float64) + gd
    v = c.op(f"lowbit.gemm {gav}, {gb2v}, {gdv} {{trans_a}} : {ttype(ga.shape)}, {ttype(gb2.shape)}, "
             f"{ttype(gd.shape)} -> {ttype((3, 5))}")
    c.result(v, ttype((3, 5)), ref)
    return c


def quantized_case():
    c = Case("quantized")
    # conv2d on u8 input (Z 3) and per-channel i8 weights, int32 bias.
    q = RNG.integers(0, 256, (1, 2, 5, 5))
    xt = "!quant.uniform<u8:f32, 1.0:3>"
    xv = c.arg(q, xt, feed=q - 3)  # lowbit-run quantizes: round(x / 1) + 3
    w = RNG.integers(-128, 128, (3, 2, 3, 3))
    zw = np.array([1, -2, 0])
    bias = RNG.integers(-50000, 50000, 3)
    wt = "!quant.uniform<i8:f32:0, {1.0:1, 1.0:-2, 1.0:0}>"
    wv = c.op(f"lowbit.constant dense<{nested(w)}> : {ttype(w.shape, 'i8')} -> {ttype(w.shape, wt)}")
    bv = c.op(f"lowbit.constant dense<{nested(bias)}> : {ttype((3,), 'i32')} -> {ttype((3,), 'i32')}")
    ref = conv_ref(q - 3, w - zw.reshape(3, 1, 1, 1), bias, [1, 2], [1, 1, 1, 0], [1, 1], 1)
    v = c.op(f"lowbit.conv2d {xv}, {wv}, {bv} {{strides = array<i64: 1, 2>, pads = array<i64: 1, 1, 1, 0>, "
             f"dilations = array<i64: 1, 1>, group = 1 : i64}} : {ttype(q.shape, xt)}, "
             f"{ttype(w.shape, wt)}, {ttype((3,), 'i32')} -> {ttype(ref.shape, 'i32')}")
    c.result(v, ttype(ref.shape, "i32"), ref)
    # matmul on i8 lhs (Z -5) and rhs per-axis along its last axis.
    a = RNG.integers(-128, 128, (2, 3, 4))
    at = "!quant.uniform<i8:f32, 1.0:-5>"
    av = c.arg(a, at, feed=a + 5)
    m = RNG.integers(0, 256, (4, 3))
    zm = np.array([0, 200, 255])
    mt = "!quant.uniform<u8:f32:1, {1.0:0, 1.0:200, 1.0:255}>"
    mv = c.op(f"lowbit.constant dense<{nested(m.astype(np.uint8).view(np.int8))}> : "
              f"{ttype(m.shape, 'i8')} -> {ttype(m.shape, mt)}")
    ref = np.matmul(a + 5, m - zm)
    v = c.op(f"lowbit.matmul {av}, {mv} : {ttype(a.shape, at)}, {ttype(m.shape, mt)} -> {ttype(ref.shape, 'i32')}")
    c.result(v, ttype(ref.shape, "i32"), ref)
    # qcast / dcast, per tensor and per axis, with ties, NaN and clamping.
    x = (RNG.standard_normal((1, 3, 6)) * 4).astype(np.float32)
    x[0, 0, :4] = [0.25, 0.35, np.nan, 1e9]
    x[0, 1, :3] = [-0.125, 0.375, -1e9]
    xv = c.arg(x)
    scales = np.array([0.05, 0.25, 1.5], np.float32)
    zps = np.array([0, -3, 7])
    pt, pa = "!quant.uniform<i8:f32, 1.000000e-01:10>", \
        "!quant.uniform<i8:f32:1, {5.000000e-02:0, 2.500000e-01:-3, 1.500000e+00:7}>"

    def quantize(x, s, z):
        with np.errstate(invalid="ignore"):
            r = np.round(x / s)  # binary32 division, half to even
            r = np.where(np.isnan(r), 0, r)
        return np.clip(r + z, -128, 127).astype(np.int64)

    for qt, s, z in [(pt, np.float32(0.1), 10), (pa, scales.reshape(1, 3, 1), zps.reshape(1, 3, 1))]:
        qref = quantize(x, s, z)
        qv = c.op(f"quant.qcast {xv} : {ttype(x.shape)} to {ttype(x.shape, qt)}")
        sv = c.op(f"quant.scast {qv} : {ttype(x.shape, qt)} to {ttype(x.shape, 'i8')}")
        c.result(sv, ttype(x.shape, "i8"), qref)
        dv = c.op(f"quant.dcast {qv} : {ttype(x.shape, qt)} to {ttype(x.shape)}")
        c.result(dv, ttype(x.shape), np.float32(s) * (qref - z).astype(np.float32))
    return c


CASES = [conv_case, pool_case, elementwise_case, data_case, linear_case, quantized_case]


def check(directory, name):
    ok = True
    k = 0
    while True:
        try:
            expected = np.load(f"{directory}/{name}.expected{k}.npy")
        except FileNotFoundError:
            break
        out = np.load(f"{directory}/{name}.out{k}.npy")
        if out.shape != expected.shape or out.dtype != np.float32:
            print(f"{name} result {k}: got {out.dtype}{out.shape}, expected {expected.shape}")
            ok = False
        elif expected.dtype.kind in "iu" or name == "quantized":
            if not np.array_equal(out.astype(np.float64), expected.astype(np.float64), equal_nan=True):
                print(f"{name} result {k}: differs exactly:\n{out}\n{expected}")
                ok = False
        else:
            bound = 1e-5 * max(1.0, np.abs(expected).max())
            err = np.abs(out.astype(np.float64) - expected).max()
            if not err <= bound:
                print(f"{name} result {k}: max error {err} > {bound}")
                ok = False
        k += 1
    print(f"{name}: {k} results {'OK' if ok and k else 'FAILED'}")
    return ok and k > 0


def main():
    if sys.argv[1] == "generate":
        for make in CASES:
            make().write(sys.argv[2])
    else:
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)


if __name__ == "__main__":
    main()
