#!/usr/bin/env python3
"""Writes a random but valid quantized model in the lowbit dialect for the
differential tests (compiled code vs. lowbit-run), and optionally a batch of
inputs for it made by make_inputs.py.

  random_model.py OUT.mlir --seed S [--inputs IN.npy] [--samples N]
                  [--rows M] [--depth K] [--channels N] [--input-storage T]
                  [--weight-levels L]

The same seed always gives the same model and inputs. A model is one or two
lowbit.fully_connected + lowbit.requantize layers, sometimes followed by a
quant.scast round trip that reinterprets the output's storage. It covers:

- int8 and uint8 inputs with any zero point; int8, narrow int8
  (i8<-127:127>) and uint8 weights, per-tensor or per-axis with non-zero
  per-channel zero points (including the ends of the storage range);
- odd sizes: K in {1, 3, 17, ...}, N = 1, and sometimes M > 1 rows;
- biases from none to the largest that keeps the accumulator in int32;
- multipliers from 0 and tiny (M0 < 2^30) to >= 1, with shifts over all of
  [1, 62]: below 31, exactly 31, 32 (the carry form of the 32-bit lowering)
  and >= 33, per-tensor or per-channel; M0 with trailing zero bits so that
  exact ties occur;
- full-range, ReLU-like, ReLU6-like, narrow and single-value clamps;
- single and double rounding attributes; int8, uint8 and int16 outputs;
- weights and biases as dense or dense_resource constants;
- with --weight-levels L, weight tensors of exactly L distinct values (as
  many as fit), which lowbit-compile stores as 1-, 2- or 4-bit codes.

Most multipliers are calibrated on a simulated batch drawn like the inputs,
so that outputs spread over many values instead of saturating; the others
are deliberately extreme. The verifier's int32 bound
(K * max|x - Zx| * max|w - Zw| < 2^31) always holds, and biases are chosen
so that no accumulator can overflow.
"""
import argparse
import math
import os
import subprocess
import sys

import numpy as np

STORAGE = {
    "i8": (-128, 127),
    "i8<-127:127>": (-127, 127),
    "u8": (0, 255),
    "i16": (-32768, 32767),
}
INT32_MAX = (1 << 31) - 1

# Shapes and input storage forced from the command line (--rows, --depth,
# --channels, --input-storage). They replace the random draws after those
# are made, so that the rest of a seed's model stays as it was.
OVERRIDES = {}


class Model:
    """The text of the model being generated."""

    def __init__(self, rng):
        self.rng = rng
        self.lines = []
        self.resources = []
        self.counter = 0

    def value(self, prefix):
        self.counter += 1
        return f"%{prefix}{self.counter}"

    def constant(self, name, values, storage_type, result_type):
        """A lowbit.constant, as dense<...> or as a dense_resource blob."""
        shape = "x".join(str(d) for d in values.shape)
        result = self.value(name)
        if self.rng.random() < 0.3:
            width = int(storage_type[1:])
            blob = values.astype(np.int64).astype(f"<i{width // 8}").tobytes()
            alignment = (width // 8).to_bytes(4, "little")
            key = result[1:]
            self.resources.append(
                f'      {key}: "0x{(alignment + blob).hex().upper()}"')
            attr = f"dense_resource<{key}>"
        else:
            attr = f"dense<{values.tolist()}>"
        self.lines.append(f"  {result} = lowbit.constant {attr} : "
                          f"tensor<{shape}x{storage_type}> -> {result_type}")
        return result


def restrict_levels(rng, weights, lo, hi, levels):
    """`weights` remapped onto `levels` distinct values drawn from [lo, hi]
    (each used at least once when there are enough weights), to exercise
    lowbit-bitpack-weights' codes."""
    values = rng.choice(np.arange(lo, hi + 1), size=levels, replace=False)
    index = rng.integers(0, levels, size=weights.size)
    index[:min(levels, weights.size)] = rng.permutation(levels)[:weights.size]
    return values[rng.permutation(index)].reshape(weights.shape)


def f32_text(value):
    return repr(float(np.float32(value)))


def quant_type(storage, scale, zero_point):
    return f"!quant.uniform<{storage}:f32, {f32_text(scale)}:{zero_point}>"


def random_scale(rng):
    return 10 ** rng.uniform(-3, 0)


def pick_zero_point(rng, storage):
    lo, hi = STORAGE[storage]
    choice = rng.integers(5)
    if choice == 0:
        return max(lo, 0)
    if choice == 1:
        return lo
    if choice == 2:
        return hi
    mid = (lo + hi) // 2
    span = min(40, (hi - lo) // 2)
    return int(rng.integers(mid - span, mid + span + 1))


def fixed_point(real):
    """(M0, n) of a positive real multiplier, as computeFixedPointMultiplier
    does, with n clamped to [1, 62]."""
    m, e = math.frexp(real)
    m0 = int(round(m * (1 << 31)))
    if m0 == 1 << 31:
        m0, e = 1 << 30, e + 1
    n = 31 - e
    if n > 62:
        return int(round(real * 2.0 ** 62)), 62
    if n < 1:
        return INT32_MAX, 1
    return m0, n


def pick_multiplier(rng, real):
    """(M0, n) near `real` (the calibrated multiplier), or an extreme one."""
    m0, n = fixed_point(real)
    kind = rng.choice(["fit"] * 8 + ["tie"] * 4 +
                      ["tiny", "any", "n31", "n32", "max", "zero"])
    if kind == "tie":  # M0 = odd * 2^t: exact ties when v2(acc) = n - t - 1
        t = int(rng.integers(24, 31))
        m0 = min(max(round(m0 / (1 << t)) << t, 1 << 30), (1 << 31) - (1 << t))
        if n <= t:  # no tie is possible; take a shift just above t
            n = t + int(rng.integers(1, 3))
    elif kind == "tiny":
        m0, n = int(rng.integers(0, 1 << 30)), 62
    elif kind == "any":
        m0, n = int(rng.integers(1 << 30, 1 << 31)), int(rng.integers(1, 63))
    elif kind == "n31":
        n = 31
    elif kind == "n32":
        n = 32
    elif kind == "max":
        m0 = INT32_MAX
    elif kind == "zero":
        m0 = 0
    return m0, n


def quantize(x, scale, zero_point, storage):
    lo, hi = STORAGE[storage]
    q = np.rint(np.float32(x) / np.float32(scale))
    q = np.where(np.isnan(q), 0, q)
    return np.clip(q, lo - zero_point, hi - zero_point).astype(np.int64) + \
        zero_point


def requantize(acc, pairs, zero_point, lo, hi):
    """Single rounding (for calibration only; not the oracle)."""
    m0 = np.array([m for m, _ in pairs], dtype=np.int64)
    n = np.array([s for _, s in pairs], dtype=np.int64)
    y = (acc * m0 + (np.int64(1) << (n - 1))) >> n
    return np.clip(y + zero_point, lo, hi)


def layer(model, rng, x, q, in_storage, in_zp, in_type, last):
    """Appends fully_connected + requantize to `model` on the value `x` whose
    simulated stored values are `q` [samples, rows, K]; returns the output
    value, its simulated values, storage, zero point and type."""
    rows, depth = q.shape[1], q.shape[2]
    channels = int(rng.choice([1, 2, 5, 7, 16, int(rng.integers(1, 24))]))
    channels = OVERRIDES.get("channels") or channels

    # Weights, with a different amplitude around the zero point per channel
    # so that per-channel multipliers (and their shifts) differ.
    w_storage = str(rng.choice(["i8", "i8", "i8<-127:127>", "u8"]))
    w_lo, w_hi = STORAGE[w_storage]
    per_axis = rng.random() < 0.6
    symmetric = 0 if w_lo < 0 else 128
    if per_axis:
        zps = [pick_zero_point(rng, w_storage) if rng.random() < 0.7
               else symmetric for _ in range(channels)]
        params = ", ".join(f"{f32_text(random_scale(rng))}:{z}" for z in zps)
        w_type = f"!quant.uniform<{w_storage}:f32:0, {{{params}}}>"
    else:
        zps = [pick_zero_point(rng, w_storage) if rng.random() < 0.5
               else symmetric] * channels
        w_type = quant_type(w_storage, random_scale(rng), zps[0])
    weights = np.empty((channels, depth), dtype=np.int64)
    for c in range(channels):
        amplitude = int(rng.choice([1, 3, 20, 255]))
        weights[c] = np.clip(zps[c] + rng.integers(-amplitude, amplitude + 1,
                                                   size=depth), w_lo, w_hi)
    if rng.random() < 0.2:  # a row at an end of the range
        weights[0, :] = w_hi if rng.random() < 0.5 else w_lo
    if OVERRIDES.get("weight_levels"):
        weights = restrict_levels(rng, weights, w_lo, w_hi,
                                  OVERRIDES["weight_levels"])
    w_shape = f"{channels}x{depth}"
    w = model.constant("w", weights, "i8", f"tensor<{w_shape}x{w_type}>")

    # Bias: none, zero, about the accumulators' spread, or as large as int32
    # allows.
    in_lo, in_hi = STORAGE[in_storage]
    a = max(in_hi - in_zp, in_zp - in_lo)
    wb = max(max(w_hi - z, z - w_lo) for z in zps)
    room = INT32_MAX - depth * a * wb
    assert room > 0, "the verifier's int32 bound"
    sim = np.einsum("srk,nk->srn", q - in_zp, weights - np.array(zps)[:, None])
    tier = rng.choice(["none", "zero", "spread", "wide", "room"],
                      p=[0.35, 0.1, 0.25, 0.2, 0.1])
    factor = {"none": 0, "zero": 0, "spread": 1, "wide": 4, "room": 0}[tier]
    limit = room if tier == "room" else min(room, int(factor * sim.std()))
    bias = rng.integers(-limit, limit + 1, size=channels)
    has_bias = tier != "none"
    if has_bias:
        b = model.constant("b", bias, "i32", f"tensor<{channels}xi32>")

    acc = model.value("acc")
    acc_type = f"tensor<{rows}x{channels}xi32>"
    operands = f"{x}, {w}" + (f", {b}" if has_bias else "")
    types = (f"tensor<{rows}x{depth}x{in_type}>, tensor<{w_shape}x{w_type}>"
             + (f", tensor<{channels}xi32>" if has_bias else ""))
    model.lines.append(f"  {acc} = lowbit.fully_connected {operands} : "
                       f"{types} -> {acc_type}")

    # Calibrate: map the spread of the simulated accumulators onto `target`
    # output steps, per channel or per tensor, and usually centre them.
    sim = sim + bias
    out_storage = str(rng.choice(["i8", "u8"] + (["i16"] if last else [])))
    lo, hi = STORAGE[out_storage]
    target = float(rng.choice([4, 16, 40])) * (256 if out_storage == "i16"
                                               else 1)
    per_channel = channels > 1 and rng.random() < 0.6
    spread = sim.reshape(-1, channels).std(axis=0) + 0.5
    reals = target / (spread if per_channel else np.array([spread.mean()]))
    reals = reals * 2.0 ** rng.integers(-1, 2)
    pairs = [pick_multiplier(rng, r) for r in reals]
    if rng.random() < 0.8:
        centre = requantize(np.median(sim.reshape(-1, channels), axis=0)
                            .astype(np.int64), pairs * (channels // len(pairs)),
                            0, -(1 << 40), 1 << 40)
        out_zp = int(np.clip((lo + hi) // 2 - np.median(centre), lo, hi))
    else:
        out_zp = pick_zero_point(rng, out_storage)
    clamp = rng.choice(["full"] * 8 + ["relu"] * 4 + ["relu6"] * 4 +
                       ["narrow"] * 2 + ["point"])
    if clamp == "relu":
        lo = out_zp
    elif clamp == "relu6":
        lo, hi = out_zp, min(hi, out_zp + int(rng.integers(1, 120)))
    elif clamp == "narrow":
        lo, hi = sorted(int(v) for v in rng.integers(lo, hi + 1, size=2))
    elif clamp == "point":
        lo = hi = int(rng.integers(lo, hi + 1))
    rounding = " rounding <double>" if rng.random() < 0.25 else ""
    out_type = quant_type(out_storage, random_scale(rng), out_zp)
    y = model.value("y")
    multipliers = ", ".join(str(m) for m, _ in pairs)
    shifts = ", ".join(str(n) for _, n in pairs)
    model.lines.append(
        f"  {y} = lowbit.requantize {acc} multiplier [{multipliers}] shift "
        f"[{shifts}] clamp [{lo}, {hi}]{rounding} : {acc_type} -> "
        f"tensor<{rows}x{channels}x{out_type}>")
    out = requantize(sim, pairs * (channels // len(pairs)), out_zp, lo, hi)
    return y, out, out_storage, out_zp, out_type


def is_informative(values):
    """Whether simulated outputs take many values: a model whose outputs
    are (nearly) constant would let most mistakes through."""
    _, counts = np.unique(values, return_counts=True)
    return len(counts) >= 8 and counts.max() < 0.6 * values.size


def generate(seed):
    """The model's text, and how to make inputs for it. Draws up to 8
    models and keeps the first whose simulated outputs are informative."""
    for attempt in range(8):
        rng = np.random.default_rng([seed, attempt])
        text, rows, depth, spread, out = generate_once(rng, seed)
        if is_informative(out):
            break
    return text, rows, depth, spread


def generate_once(rng, seed):
    model = Model(rng)
    rows = 1 if rng.random() < 0.85 else int(rng.integers(2, 4))
    depth = int(rng.choice([1, 3, 17, int(rng.integers(2, 40))]))
    in_storage = str(rng.choice(["i8", "u8"]))
    rows = OVERRIDES.get("rows") or rows
    depth = OVERRIDES.get("depth") or depth
    in_storage = OVERRIDES.get("input_storage") or in_storage
    in_scale = float(np.float32(10 ** rng.uniform(-2, 0)))
    in_zp = pick_zero_point(rng, in_storage)
    in_type = quant_type(in_storage, in_scale, in_zp)
    # make_inputs.py draws N(0, spread): about 1/4, 1 or 4 times the
    # quantized input range.
    spread = in_scale * 64 * float(rng.choice([0.25, 1, 4]))
    q = quantize(rng.normal(0, spread, size=(256, rows, depth)), in_scale,
                 in_zp, in_storage)

    x, storage, zp, typ = "%x", in_storage, in_zp, in_type
    layers = int(rng.integers(1, 3))
    for i in range(layers):
        x, q, storage, zp, typ = layer(model, rng, x, q, storage, zp, typ,
                                       last=i == layers - 1)
    width = q.shape[2]
    if storage != "i16" and rng.random() < 0.2:
        # Reinterpret the stored bits: i8 <-> u8 through the storage type.
        cast_storage = "u8" if storage == "i8" else "i8"
        cast_type = quant_type(cast_storage, random_scale(rng),
                               pick_zero_point(rng, cast_storage))
        s, z = model.value("s"), model.value("z")
        model.lines.append(f"  {s} = quant.scast {x} : "
                           f"tensor<{rows}x{width}x{typ}> to "
                           f"tensor<{rows}x{width}xi8>")
        model.lines.append(f"  {z} = quant.scast {s} : "
                           f"tensor<{rows}x{width}xi8> to "
                           f"tensor<{rows}x{width}x{cast_type}>")
        x, typ = z, cast_type

    result = f"tensor<{rows}x{width}x{typ}>"
    text = [f"// Generated by random_model.py --seed {seed}; do not edit.",
            f"func.func @random_{seed}(%x: tensor<{rows}x{depth}x{in_type}>) "
            f"-> {result} {{"]
    text += model.lines
    text += [f"  return {x} : {result}", "}"]
    if model.resources:
        text += ["{-#", "  dialect_resources: {", "    builtin: {",
                 ",\n".join(model.resources), "    }", "  }", "#-}"]
    return "\n".join(text) + "\n", rows, depth, spread, q


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--inputs", help="also write inputs (make_inputs.py)")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--rows", type=int, help="M of the model")
    parser.add_argument("--depth", type=int, help="K of the first layer")
    parser.add_argument("--channels", type=int, help="N of every layer")
    parser.add_argument("--input-storage", choices=["i8", "u8"])
    parser.add_argument("--weight-levels", type=int,
                        help="distinct values per weight tensor (1 to 256)")
    args = parser.parse_args()
    for key in ["rows", "depth", "channels", "input_storage",
                "weight_levels"]:
        if getattr(args, key):
            OVERRIDES[key] = getattr(args, key)
    text, rows, depth, spread = generate(args.seed)
    with open(args.out, "w") as f:
        f.write(text)
    if args.inputs:
        # A model with M > 1 rows takes exactly one [M, K] sample.
        samples = rows if rows > 1 else args.samples
        make_inputs = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   "make_inputs.py")
        subprocess.run([sys.executable, make_inputs, args.inputs, str(depth),
                        str(samples), "--seed", str(args.seed),
                        "--scale", repr(spread)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
