#!/usr/bin/env python3
"""Writes a float32 .npy test batch: random values plus edge cases
(zeros, saturating magnitudes, infinities, NaN, negative zero).

  make_inputs.py OUT.npy FEATURES [SAMPLES] [--seed S] [--scale X]
"""
import argparse

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("features", type=int)
parser.add_argument("samples", type=int, nargs="?", default=64)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--scale", type=float, default=3.0)
args = parser.parse_args()
rng = np.random.default_rng(args.seed)
x = rng.normal(0, args.scale, size=(args.samples, args.features))
edge = np.array([0.0, -0.0, 1e9, -1e9, np.inf, -np.inf, np.nan, 6.4, -6.4])
x[0, :] = 0
x[1, :] = np.resize(edge, args.features)
np.save(args.out, x.astype(np.float32))
