#!/usr/bin/env bash
# `make demo`: compiles the shipped example model (examples/mlp) to an
# integer-only executable for this machine, runs it on a batch of inputs and
# checks the outputs against the independent Python reference; then does the
# same for AArch64 under qemu when the cross tools are present.
set -euo pipefail
BUILD_DIR=${1:-build}
BIN="$BUILD_DIR/bin"
OUT="$BUILD_DIR/demo"
PY=/usr/bin/python3
mkdir -p "$OUT"

echo "== lowbit-compile examples/mlp/mlp.mlir --emit=exe -o $OUT/mlp"
"$BIN/lowbit-compile" examples/mlp/mlp.mlir --emit=exe -o "$OUT/mlp"
"$BIN/lowbit-compile" examples/mlp/mlp.mlir --emit=obj -o "$OUT/mlp.o"
echo "   wrote $OUT/mlp, $OUT/mlp.o and its C header $OUT/mlp.h"

$PY integration_test/reference/make_inputs.py "$OUT/in.npy" 16 1000
echo "== $OUT/mlp $OUT/in.npy $OUT/out.npy   (1000 samples)"
"$OUT/mlp" "$OUT/in.npy" "$OUT/out.npy"
$PY -c "
import numpy as np
y = np.load('$OUT/out.npy')
print('   output', y.shape, y.dtype, '- sample 2:', ' '.join('%.1f' % v for v in y[2]))"
echo "== compare with the independent Python reference of the integer semantics"
$PY integration_test/reference/quantized_mlp.py examples/mlp/mlp_params.npz \
  "$OUT/in.npy" "$OUT/out.npy"
echo "== integer-only check of the object"
$PY scripts/check-integer-only.py "$OUT/mlp.o"

if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then
  echo "== the same model for AArch64, run under qemu"
  "$BIN/lowbit-compile" examples/mlp/mlp.mlir --emit=exe \
    --mtriple=aarch64-linux-gnu -o "$OUT/mlp-aarch64"
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$OUT/mlp-aarch64" "$OUT/in.npy" \
    "$OUT/out-aarch64.npy"
  cmp "$OUT/out.npy" "$OUT/out-aarch64.npy" && \
    echo "   AArch64 output is byte-identical to x86-64"
fi
