#!/usr/bin/env python3
"""Writes a random but valid quantized CNN in the lowbit dialect for the
differential tests of the graph-op lowerings (compiled code vs. lowbit-run),
and optionally a batch of float32 inputs for it.

  random_cnn_model.py OUT.mlir --seed S [--inputs IN.npy] [--samples N]
                      [--weight-levels L]

The same seed always gives the same model and inputs. A model is a chain of
4 to 8 ops on NCHW tensors with 8-bit per-tensor quantized activations
(int8 or uint8, any zero point), at least one of them a conv2d, drawn from:

- conv2d + requantize: groups 1, a divisor of C, or depthwise (group = C,
  1 or 2 filters per channel); kernels 1x1 to 4x3, not square; strides 1 to
  3; dilations 1 and 2; asymmetric pads up to the kernel's extent; int8,
  narrow int8 or uint8 weights, per-tensor or per-axis (axis 0) with
  non-zero per-channel zero points; with or without an int32 bias; the
  requantize per tensor or per channel along channel_axis = 1, sometimes
  with double rounding, calibrated on a simulated batch;
- max_pool (with dilations) and average_pool (with and without
  count_include_pad), with asymmetric pads, strides and ceil_mode (both
  output sizes the verifier accepts); windows that hold no input position
  are never drawn (their result is not defined);
- lookup with a random, monotone or clamp-shaped table into a new type;
- transpose by a random permutation and reshape to another 4-D shape;
- and at the end, sometimes a global_average_pool and a reshape to 2-D.

The numpy simulation here only calibrates multipliers and rejects models
whose outputs are nearly constant; the oracle is lowbit-run.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from random_model import (STORAGE, Model, f32_text, fixed_point,  # noqa
                          is_informative, pick_multiplier, pick_zero_point,
                          quant_type, quantize, random_scale,
                          restrict_levels)

# --weight-levels: distinct values per conv weight tensor (None: any).
WEIGHT_LEVELS = {}

SIM_SAMPLES = 48


def tensor_type(shape, element):
    return f"tensor<{'x'.join(str(d) for d in shape)}x{element}>"


class Chain:
    """The value being built: its name, simulated stored values [S] + its
    shape (S simulated samples), storage, zero point and quantized type."""

    def __init__(self, name, q, storage, zp, typ):
        self.name, self.q, self.storage, self.zp, self.typ = (name, q, storage,
                                                              zp, typ)

    @property
    def shape(self):
        return list(self.q.shape[1:])

    @property
    def nchw(self):
        """The stored values as one [S * N, C, H, W] batch."""
        return self.q.reshape([-1] + self.shape[1:])

    @property
    def type(self):
        return tensor_type(self.shape, self.typ)


def out_size(size, begin, end, kernel, stride, dilation, ceil):
    extent = dilation * (kernel - 1) + 1
    span = size + begin + end - extent
    if span < 0:
        return 0
    return (-(-span // stride) if ceil else span // stride) + 1


def window_positions(o, stride, kernel, dilation, begin):
    return [o * stride + k * dilation - begin for k in range(kernel)]


def windows_nonempty(size, out, stride, kernel, dilation, begin):
    return all(any(0 <= p < size for p in
                   window_positions(o, stride, kernel, dilation, begin))
               for o in range(out))


# ---------------------------------------------------------------------------
# conv2d + requantize
# ---------------------------------------------------------------------------


def draw_conv_window(rng, h, w):
    """kernel, strides, dilations, pads [t, l, b, r] and the output size, or
    None if the draw leaves no output."""
    kernel = [int(rng.choice([1, 2, 3, 3, 4])), int(rng.choice([1, 2, 3]))]
    strides = [int(rng.choice([1, 1, 2, 3])) for _ in range(2)]
    dilations = [int(rng.choice([1, 1, 2])) for _ in range(2)]
    extents = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
    pads = [int(rng.integers(0, extents[i % 2] + 1)) if rng.random() < 0.6
            else 0 for i in range(4)]
    oh = out_size(h, pads[0], pads[2], kernel[0], strides[0], dilations[0],
                  False)
    ow = out_size(w, pads[1], pads[3], kernel[1], strides[1], dilations[1],
                  False)
    if oh < 1 or ow < 1:
        return None
    return kernel, strides, dilations, pads, oh, ow


def simulate_conv(xc, wc, groups, strides, dilations, pads, oh, ow):
    """acc[s, f, y, x] of the centred input xc and centred weights wc."""
    s, c = xc.shape[:2]
    f, cg, kh, kw = wc.shape
    padded = np.pad(xc, ((0, 0), (0, 0), (pads[0], pads[2]),
                         (pads[1], pads[3])))
    acc = np.zeros((s, f, oh, ow), dtype=np.int64)
    fg = f // groups
    wg = wc.reshape(groups, fg, cg, kh, kw)
    for i in range(kh):
        for j in range(kw):
            y0, x0 = i * dilations[0], j * dilations[1]
            patch = padded[:, :, y0:y0 + (oh - 1) * strides[0] + 1:strides[0],
                           x0:x0 + (ow - 1) * strides[1] + 1:strides[1]]
            patch = patch.reshape(s, groups, cg, oh, ow)
            acc += np.einsum("sgcyx,gfc->sgfyx", patch,
                             wg[:, :, :, i, j]).reshape(s, f, oh, ow)
    return acc


def conv(model, rng, x):
    batch, c, h, w = x.shape
    for _ in range(20):
        window = draw_conv_window(rng, h, w)
        if window:
            break
    else:
        return None
    kernel, strides, dilations, pads, oh, ow = window
    kind = rng.choice(["dense", "grouped", "depthwise"], p=[0.4, 0.2, 0.4])
    divisors = [g for g in range(2, c + 1) if c % g == 0]
    if kind == "depthwise" or (kind == "grouped" and not divisors):
        groups = c
        filters = c * int(rng.choice([1, 1, 2]))
    elif kind == "grouped":
        groups = int(rng.choice(divisors))
        filters = groups * int(rng.integers(1, 4))
    else:
        groups = 1
        filters = int(rng.integers(1, 9))
    if c * filters // groups * kernel[0] * kernel[1] > 400:  # keep it small
        groups, filters = c, c

    cg = c // groups
    w_storage = str(rng.choice(["i8", "i8", "i8<-127:127>", "u8"]))
    w_lo, w_hi = STORAGE[w_storage]
    symmetric = 0 if w_lo < 0 else 128
    per_axis = rng.random() < 0.6
    if per_axis:
        zps = [pick_zero_point(rng, w_storage) if rng.random() < 0.5
               else symmetric for _ in range(filters)]
        params = ", ".join(f"{f32_text(random_scale(rng))}:{z}" for z in zps)
        w_type = f"!quant.uniform<{w_storage}:f32:0, {{{params}}}>"
    else:
        zps = [pick_zero_point(rng, w_storage) if rng.random() < 0.4
               else symmetric] * filters
        w_type = quant_type(w_storage, random_scale(rng), zps[0])
    shape = [filters, cg, kernel[0], kernel[1]]
    weights = np.empty(shape, dtype=np.int64)
    for f in range(filters):
        amplitude = int(rng.choice([1, 5, 30, 127]))
        weights[f] = np.clip(zps[f] + rng.integers(-amplitude, amplitude + 1,
                                                   size=shape[1:]), w_lo, w_hi)
    if WEIGHT_LEVELS.get("levels"):
        weights = restrict_levels(rng, weights, w_lo, w_hi,
                                  WEIGHT_LEVELS["levels"])
    wv = model.constant("w", weights, "i8", tensor_type(shape, w_type))
    zcol = np.array(zps)[:, None, None, None]
    acc = simulate_conv(x.nchw - x.zp, weights - zcol, groups, strides,
                        dilations, pads, oh, ow)

    has_bias = rng.random() < 0.6
    if has_bias:
        spread = int(acc.std()) + 1
        bias = rng.integers(-2 * spread, 2 * spread + 1, size=filters)
        bv = model.constant("b", bias, "i32", f"tensor<{filters}xi32>")
        acc = acc + bias[None, :, None, None]
    acc_type = tensor_type([batch, filters, oh, ow], "i32")
    a = model.value("acc")
    operands = f"{x.name}, {wv}" + (f", {bv}" if has_bias else "")
    types = (f"{x.type}, {tensor_type(shape, w_type)}" +
             (f", tensor<{filters}xi32>" if has_bias else ""))
    attrs = (f"strides = array<i64: {strides[0]}, {strides[1]}>, "
             f"pads = array<i64: {', '.join(map(str, pads))}>, "
             f"dilations = array<i64: {dilations[0]}, {dilations[1]}>, "
             f"group = {groups} : i64")
    model.lines.append(f"  {a} = lowbit.conv2d {operands} {{{attrs}}} : "
                       f"{types} -> {acc_type}")

    # Requantize, per tensor or per channel along axis 1, calibrated so that
    # the outputs spread over `target` steps.
    out_storage = str(rng.choice(["i8", "u8"]))
    lo, hi = STORAGE[out_storage]
    target = float(rng.choice([8, 20, 50]))
    per_channel = filters > 1 and rng.random() < 0.7
    spread = acc.transpose(1, 0, 2, 3).reshape(filters, -1).std(axis=1) + 0.5
    reals = target / (spread if per_channel else np.array([spread.mean()]))
    pairs = [pick_multiplier(rng, r) if rng.random() < 0.3 else
             fixed_point(r) for r in reals]
    full = pairs * (filters // len(pairs))
    m0 = np.array([m for m, _ in full])[None, :, None, None]
    n = np.array([s for _, s in full])[None, :, None, None]
    centre = np.median((acc * m0 + (1 << (n - 1))) >> n)
    out_zp = int(np.clip((lo + hi) // 2 - centre, lo, hi))
    clamp = rng.choice(["full"] * 6 + ["relu"] * 3 + ["relu6"])
    if clamp == "relu":
        lo = out_zp
    elif clamp == "relu6":
        lo, hi = out_zp, min(hi, out_zp + int(rng.integers(20, 120)))
    rounding = " rounding <double>" if rng.random() < 0.25 else ""
    axis = " {channel_axis = 1 : i64}" if per_channel else ""
    out_type = quant_type(out_storage, random_scale(rng), out_zp)
    y = model.value("y")
    model.lines.append(
        f"  {y} = lowbit.requantize {a} multiplier "
        f"[{', '.join(str(m) for m, _ in pairs)}] shift "
        f"[{', '.join(str(s) for _, s in pairs)}] clamp [{lo}, {hi}]"
        f"{rounding}{axis} : {acc_type} -> "
        f"{tensor_type([batch, filters, oh, ow], out_type)}")
    q = np.clip(((acc * m0 + (1 << (n - 1))) >> n) + out_zp, lo, hi)
    q = q.reshape([-1, batch, filters, oh, ow])
    return Chain(y, q, out_storage, out_zp, out_type)


# ---------------------------------------------------------------------------
# Pools
# ---------------------------------------------------------------------------


def draw_pool_window(rng, h, w, dilated):
    """kernel, strides, dilations, pads, ceil_mode and output size with
    every window holding an input position, or None."""
    kernel = [int(rng.choice([1, 2, 2, 3, 3, 4])) for _ in range(2)]
    strides = [int(rng.choice([1, 2, 2, 3])) for _ in range(2)]
    dilations = ([int(rng.choice([1, 1, 2])) for _ in range(2)] if dilated
                 else [1, 1])
    pads = [int(rng.integers(0, kernel[i % 2])) if rng.random() < 0.5 else 0
            for i in range(4)]
    ceil = bool(rng.random() < 0.5)
    size = []
    for i, extent in enumerate([h, w]):
        out = out_size(extent, pads[i], pads[i + 2], kernel[i], strides[i],
                       dilations[i], ceil)
        # ceil_mode: the verifier also accepts one window fewer (PyTorch
        # drops a last window that starts in the end padding).
        if ceil and out > 1 and (rng.random() < 0.2 or not windows_nonempty(
                extent, out, strides[i], kernel[i], dilations[i], pads[i])):
            out -= 1
        if out < 1 or not windows_nonempty(extent, out, strides[i],
                                           kernel[i], dilations[i], pads[i]):
            return None
        size.append(out)
    return kernel, strides, dilations, pads, ceil, size


def simulate_pool(x, kernel, strides, dilations, pads, size, is_max,
                  count_include_pad):
    q = x.nchw
    s, c, h, w = q.shape
    out = np.empty((s, c, size[0], size[1]), dtype=np.int64)
    for oy in range(size[0]):
        for ox in range(size[1]):
            ys = window_positions(oy, strides[0], kernel[0], dilations[0],
                                  pads[0])
            xs = window_positions(ox, strides[1], kernel[1], dilations[1],
                                  pads[1])
            iy = [y for y in ys if 0 <= y < h]
            ix = [v for v in xs if 0 <= v < w]
            block = q[:, :, iy][:, :, :, ix]
            if is_max:
                out[:, :, oy, ox] = block.max(axis=(2, 3))
                continue
            if count_include_pad:
                count = (sum(y < h + pads[2] for y in ys) *
                         sum(v < w + pads[3] for v in xs))
            else:
                count = len(iy) * len(ix)
            total = (block - x.zp).sum(axis=(2, 3))
            sign = np.where(total < 0, -1, 1)
            num = 2 * total + sign * count
            # C division (truncation toward zero).
            mean = np.sign(num) * (np.abs(num) // (2 * count))
            out[:, :, oy, ox] = x.zp + mean
    return out.reshape([-1] + x.shape[:2] + size)


def pool(model, rng, x, is_max):
    _, _, h, w = x.shape
    for _ in range(20):
        window = draw_pool_window(rng, h, w, dilated=is_max)
        if window:
            break
    else:
        return None
    kernel, strides, dilations, pads, ceil, size = window
    include = (not is_max) and bool(rng.random() < 0.5)
    q = simulate_pool(x, kernel, strides, dilations, pads, size, is_max,
                      include)
    attrs = [f"kernel = array<i64: {kernel[0]}, {kernel[1]}>",
             f"strides = array<i64: {strides[0]}, {strides[1]}>",
             f"pads = array<i64: {', '.join(map(str, pads))}>"]
    if is_max:
        attrs.append(f"dilations = array<i64: {dilations[0]}, "
                     f"{dilations[1]}>")
    if include:
        attrs.append("count_include_pad")
    if ceil:
        attrs.append("ceil_mode")
    y = model.value("p")
    result = Chain(y, q, x.storage, x.zp, x.typ)
    op = "max_pool" if is_max else "average_pool"
    model.lines.append(f"  {y} = lowbit.{op} {x.name} {{{', '.join(attrs)}}}"
                       f" : {x.type} -> {result.type}")
    return result


def global_pool(model, x):
    _, _, h, w = x.shape
    total = (x.q - x.zp).sum(axis=(3, 4), keepdims=True)
    count = h * w
    num = 2 * total + np.where(total < 0, -1, 1) * count
    q = x.zp + np.sign(num) * (np.abs(num) // (2 * count))
    y = model.value("g")
    result = Chain(y, q, x.storage, x.zp, x.typ)
    model.lines.append(f"  {y} = lowbit.global_average_pool {x.name} : "
                       f"{x.type} -> {result.type}")
    return result


# ---------------------------------------------------------------------------
# Lookup and data movement
# ---------------------------------------------------------------------------


def lookup(model, rng, x):
    in_lo, in_hi = STORAGE[x.storage]
    out_storage = str(rng.choice(["i8", "u8"]))
    lo, hi = STORAGE[out_storage]
    kind = rng.choice(["random", "sigmoid", "clamp"])
    codes = np.arange(in_lo, in_hi + 1) - x.zp
    if kind == "random":
        table = rng.integers(lo, hi + 1, size=codes.size)
    elif kind == "sigmoid":
        gain = 10 ** rng.uniform(-1.5, -0.3)
        table = np.rint(lo + (hi - lo) / (1 + np.exp(-gain * codes)))
    else:
        table = np.clip(codes + (lo + hi) // 2, lo + 10, hi - 10)
    table = table.astype(np.int64)
    out_zp = pick_zero_point(rng, out_storage)
    out_type = quant_type(out_storage, random_scale(rng), out_zp)
    q = table[x.q - in_lo]
    y = model.value("l")
    result = Chain(y, q, out_storage, out_zp, out_type)
    model.lines.append(f"  {y} = lowbit.lookup {x.name} table "
                       f"[{', '.join(str(v) for v in table)}] : {x.type} -> "
                       f"{result.type}")
    return result


def transpose(model, rng, x):
    perm = [int(p) for p in rng.permutation(4)]
    q = x.q.transpose([0] + [p + 1 for p in perm])
    y = model.value("t")
    result = Chain(y, q, x.storage, x.zp, x.typ)
    model.lines.append(f"  {y} = lowbit.transpose {x.name} permutation "
                       f"[{', '.join(map(str, perm))}] : {x.type} -> "
                       f"{result.type}")
    return result


def reshape(model, rng, x, shape=None):
    total = int(np.prod(x.shape))
    if shape is None:
        divisors = [d for d in range(1, total + 1) if total % d == 0]
        a = int(rng.choice([d for d in divisors if d <= 8]))
        rest = total // a
        b = int(rng.choice([d for d in divisors if rest % d == 0 and
                            d <= 16]))
        shape = [1, a, b, rest // b]
    q = x.q.reshape([x.q.shape[0]] + shape)
    y = model.value("r")
    result = Chain(y, q, x.storage, x.zp, x.typ)
    model.lines.append(f"  {y} = lowbit.reshape {x.name} : {x.type} -> "
                       f"{result.type}")
    return result


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def generate_once(rng, seed):
    model = Model(rng)
    shape = [1, int(rng.integers(1, 5)), int(rng.integers(5, 13)),
             int(rng.integers(5, 13))]
    in_storage = str(rng.choice(["i8", "u8"]))
    in_scale = float(np.float32(10 ** rng.uniform(-2, 0)))
    in_zp = pick_zero_point(rng, in_storage)
    in_type = quant_type(in_storage, in_scale, in_zp)
    lo, hi = STORAGE[in_storage]
    # Inputs spread over the quantized range and somewhat past it.
    centre = in_scale * ((lo + hi) / 2 - in_zp)
    spread = in_scale * (hi - lo) * 0.4
    floats = rng.normal(centre, spread, size=[SIM_SAMPLES] + shape)
    x = Chain("%x", quantize(floats, in_scale, in_zp, in_storage),
              in_storage, in_zp, in_type)
    input_type = x.type

    ops = ["conv"] + [str(o) for o in rng.choice(
        ["conv", "conv", "max", "avg", "lookup", "transpose", "reshape"],
        size=int(rng.integers(3, 8)))]
    rng.shuffle(ops)
    for op in ops:
        if max(x.shape) > 24 or int(np.prod(x.shape)) > 1024:
            op = "conv"  # shrink: transposes can make a dimension long
        if op == "conv":
            result = conv(model, rng, x)
        elif op in ("max", "avg"):
            result = pool(model, rng, x, op == "max")
        elif op == "lookup":
            result = lookup(model, rng, x)
        elif op == "transpose":
            result = transpose(model, rng, x)
        else:
            result = reshape(model, rng, x)
        x = result or x
    if rng.random() < 0.5:
        x = global_pool(model, x)
        x = reshape(model, rng, x, x.shape[:2])
    elif rng.random() < 0.5:
        x = reshape(model, rng, x, [1, int(np.prod(x.shape))])

    text = [f"// Generated by random_cnn_model.py --seed {seed}; do not "
            f"edit.",
            f"func.func @cnn_{seed}(%x: {input_type}) -> {x.type} {{"]
    text += model.lines
    text += [f"  return {x.name} : {x.type}", "}"]
    if model.resources:
        text += ["{-#", "  dialect_resources: {", "    builtin: {",
                 ",\n".join(model.resources), "    }", "  }", "#-}"]
    return "\n".join(text) + "\n", shape, centre, spread, x.q


def generate(seed):
    """Draws up to 8 models and keeps the first whose simulated outputs are
    informative."""
    for attempt in range(8):
        rng = np.random.default_rng([seed, attempt])
        text, shape, centre, spread, out = generate_once(rng, seed)
        if is_informative(out):
            break
    return text, shape, centre, spread


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--inputs", help="also write a float32 input batch")
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--weight-levels", type=int,
                        help="distinct values per conv weight tensor")
    args = parser.parse_args()
    WEIGHT_LEVELS["levels"] = args.weight_levels
    text, shape, centre, spread = generate(args.seed)
    with open(args.out, "w") as f:
        f.write(text)
    if args.inputs:
        rng = np.random.default_rng([args.seed, 1000])
        x = rng.normal(centre, spread, size=[args.samples] + shape[1:])
        edge = np.array([0.0, -0.0, 1e9, -1e9, np.inf, -np.inf, np.nan])
        x[0] = np.resize(edge, x[0].shape)
        np.save(args.inputs, x.astype(np.float32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
