#!/usr/bin/env bash
# `make demo`: post-training quantization of the Fashion-MNIST example CNN
# (examples/fashion-mnist, a float ONNX model trained by its train.py):
# calibrate on 500 training images, compile to an integer-only executable
# for this machine, run it on the 10000 test images and print float vs int8
# accuracy and the layer report; then the same executable for AArch64 under
# qemu, checked byte for byte, when the cross tools are present.
set -euo pipefail
BUILD_DIR=${1:-build}
BIN="$BUILD_DIR/bin"
OUT="$BUILD_DIR/demo"
PY=/usr/bin/python3
EX=examples/fashion-mnist
mkdir -p "$OUT"

echo "== lowbit-compile $EX/cnn.onnx --calibration-data=$EX/calibration.npy --emit=exe -o $OUT/cnn"
"$BIN/lowbit-compile" "$EX/cnn.onnx" --calibration-data="$EX/calibration.npy" \
  --report="$OUT/report.csv" --save-calibration="$OUT/calibration.json" \
  --emit=exe -o "$OUT/cnn"
"$BIN/lowbit-compile" "$EX/cnn.onnx" --load-calibration="$OUT/calibration.json" \
  --emit=obj -o "$OUT/cnn.o"
echo "   wrote $OUT/cnn, $OUT/cnn.o + $OUT/cnn.h, $OUT/report.csv"

$PY -c "
import numpy as np
x = np.load('$EX/test_images.npy')
np.save('$OUT/test.npy', (x.astype(np.float32) / 255)[:, None])"
echo "== $OUT/cnn $OUT/test.npy $OUT/logits.npy   (10000 test images)"
start=$(date +%s.%N)
"$OUT/cnn" "$OUT/test.npy" "$OUT/logits.npy"
end=$(date +%s.%N)
$PY -c "print('   %.1f s for 10000 images' % ($end - $start))"
echo "== int8 (Lowbit) vs float (PyTorch) top-1 accuracy"
$PY examples/evaluate.py "$OUT/logits.npy" "$EX/test_labels.npy" \
  --reference "$EX/float_logits.npy"
echo "== integer-only check of the object"
$PY scripts/check-integer-only.py "$OUT/cnn.o"

if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then
  echo "== the same model for AArch64 (+dotprod), 500 images under qemu"
  "$BIN/lowbit-compile" "$EX/cnn.onnx" --load-calibration="$OUT/calibration.json" \
    --emit=exe --mtriple=aarch64-linux-gnu --mattr=+dotprod -o "$OUT/cnn-aarch64"
  $PY -c "
import numpy as np
np.save('$OUT/test500.npy', np.load('$OUT/test.npy')[:500])
np.save('$OUT/logits500.npy', np.load('$OUT/logits.npy')[:500])"
  qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu "$OUT/cnn-aarch64" \
    "$OUT/test500.npy" "$OUT/logits-aarch64.npy"
  cmp "$OUT/logits500.npy" "$OUT/logits-aarch64.npy" && \
    echo "   AArch64 logits are byte-identical to x86-64"
fi
