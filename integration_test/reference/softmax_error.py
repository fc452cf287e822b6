#!/usr/bin/python3
"""Checks the probabilities of the integer softmax against float softmax:
softmax_error.py AXIS INT.npy LOGITS_Q.npy LOGITS_F.npy PROBS_F.npy

INT.npy:      the compiled integer model's probabilities (dequantized)
LOGITS_Q.npy: the integer model's logits (the softmax input), dequantized
LOGITS_F.npy: the float model's logits
PROBS_F.npy:  the float model's probabilities

1. Against the float softmax of the quantized logits, in double: the only
   errors are the output rounding (1/512, or 1/256 where a probability
   above 255.5/256 is clamped to 255/256) and the exp table's rounding,
   at most 128 (N + 1) / 2^k units of 1/256 (docs/IntegerSemantics.md),
   which is below 1e-5 for N <= 32 (k = 22); float32 dequantization adds
   ~1e-7. Bound: 1/256 + 1e-5.
2. Against the float model: softmax's Jacobian has rows of l1-norm
   2 p_i (1 - p_i) <= 1/2, so logits within d (max norm) of each other give
   probabilities within d / 2. Bound per row: 1/256 + 1e-5 + d / 2 with d
   the measured max |logits_q - logits_f| of that row."""
import sys

import numpy as np

axis = int(sys.argv[1])
p_int, x_q, x_f, p_f = (np.load(f).astype(np.float64) for f in sys.argv[2:6])


def softmax(x):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


own = np.abs(p_int - softmax(x_q)).max()
print(f"max |p_int - softmax(logits_q)| = {own:.6f} "
      f"({own * 256:.3f} / 256)")
assert own <= 1 / 256 + 1e-5, own

d = np.abs(x_q - x_f).max(axis=axis, keepdims=True)
err = np.abs(p_int - p_f)
print(f"max |p_int - p_float| = {err.max():.6f} ({err.max() * 256:.3f} / 256)"
      f"; max |logits_q - logits_f| = {d.max():.4f}")
assert (err <= 1 / 256 + 1e-5 + d / 2).all()
# The bound is not vacuous: the logits are close enough for it to matter.
assert d.max() < 0.2, d.max()
