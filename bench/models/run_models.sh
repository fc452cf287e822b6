#!/usr/bin/env bash
# Whole-model latency, Lowbit vs ONNX Runtime, one thread, batch 1.
#   bench/models/run_models.sh LOWBIT_BUILD_DIR OUT_DIR OUT.json
# Environment: ROUNDS, MIN_MS (per timed batch), BENCH_SKIP_MOBILENET=1.
#
# 1. examples/mlp: Lowbit compiles examples/mlp/mlp.mlir (--mcpu=native);
#    make_models.py rebuilds the same network as ONNX (fp32 and an int8 QDQ
#    graph with Lowbit's exact scales) plus an Identity model (the cost of a
#    call from node). Lowbit's and ORT's int8 outputs on the same 512 random
#    samples are compared.
# 2. MobileNetV2 (torchvision, random weights): ORT fp32 and int8 (QDQ,
#    calibrated on random inputs). Lowbit compiles it only if
#    `lowbit-compile model.onnx --calibration-data=...` works at this commit;
#    otherwise the row says why and carries no number.
# 3. The trained examples (Fashion-MNIST CNN, digits MLP): Lowbit with the
#    example's calibration data vs ORT fp32 and int8 QDQ (example_model).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$1"
OUT="$2"
JSON="$3"
PY=/usr/bin/python3
ROUNDS="${ROUNDS:-11}"
MIN_MS="${MIN_MS:-300}"
COMPILE="$BUILD/bin/lowbit-compile"
JS="node $HERE/models.js"
mkdir -p "$OUT"
LINES="$OUT/lines.jsonl"
: > "$LINES"

record() { # KEY JSON-LINE
  printf '{"key": "%s", "data": %s}\n' "$1" "$2" >> "$LINES"
}

echo "models: examples/mlp"
"$PY" "$HERE/make_models.py" mlp "$OUT"
"$COMPILE" "$ROOT/examples/mlp/mlp.mlir" --emit=obj --mcpu=native -o "$OUT/mlp.o"
"$COMPILE" "$ROOT/examples/mlp/mlp.mlir" --emit=exe --mcpu=native -o "$OUT/mlp"
cc -O2 -DMODEL=mlp -include "$OUT/mlp.h" "$HERE/bench_lowbit_model.c" "$OUT/mlp.o" \
  -lm -o "$OUT/bench_mlp"

# Agreement of the int8 outputs: Lowbit's executable vs ORT's QDQ session.
"$PY" - "$OUT" <<'EOF'
import sys, numpy as np
out = sys.argv[1]
x = np.random.default_rng(7).normal(0, 1.5, size=(512, 16)).astype(np.float32)
np.save(f"{out}/mlp_in.npy", x)
x.tofile(f"{out}/mlp_in.f32")
EOF
"$OUT/mlp" "$OUT/mlp_in.npy" "$OUT/mlp_lowbit.npy"
$JS run "$OUT/mlp_int8.onnx" "$OUT/mlp_in.f32" "$OUT/mlp_ort_int8.f32"
$JS run "$OUT/mlp_fp32.onnx" "$OUT/mlp_in.f32" "$OUT/mlp_ort_fp32.f32"
record mlp_agreement "$("$PY" - "$OUT" <<'EOF'
import json, sys, numpy as np
out = sys.argv[1]
lb = np.load(f"{out}/mlp_lowbit.npy").astype(np.float64)
q = np.fromfile(f"{out}/mlp_ort_int8.f32", np.float32).reshape(lb.shape)
f = np.fromfile(f"{out}/mlp_ort_fp32.f32", np.float32).reshape(lb.shape)
step = 0.1  # the output scale of examples/mlp
d = np.rint(np.abs(lb - q) / step).astype(int)
print(json.dumps({"samples": int(lb.shape[0]), "values": int(lb.size),
                  "lowbit_vs_ort_int8_equal": int((d == 0).sum()),
                  "lowbit_vs_ort_int8_max_steps": int(d.max()),
                  "lowbit_vs_ort_fp32_max_abs": float(np.abs(lb - f).max()),
                  "argmax_agree_lowbit_ort_fp32": int((lb.argmax(1) == f.argmax(1)).sum())}))
EOF
)"
$JS ops "$OUT/mlp_int8.onnx" > "$OUT/mlp_int8.ops.json"
record mlp_int8_ops "$(cat "$OUT/mlp_int8.ops.json")"

# Timings, alternating Lowbit and ORT so both see the same machine state.
"$OUT/bench_mlp" "$ROUNDS" "$MIN_MS" > "$OUT/mlp_lowbit.jsonl"
record mlp_lowbit_int8 "$(sed -n 1p "$OUT/mlp_lowbit.jsonl")"
record mlp_lowbit_float "$(sed -n 2p "$OUT/mlp_lowbit.jsonl")"
record mlp_ort_fp32 "$($JS bench "$OUT/mlp_fp32.onnx" "$ROUNDS" "$MIN_MS")"
record mlp_ort_int8 "$($JS bench "$OUT/mlp_int8.onnx" "$ROUNDS" "$MIN_MS")"
record ort_identity "$($JS bench "$OUT/identity.onnx" "$ROUNDS" "$MIN_MS")"

# The trained examples: ORT fp32 and int8 QDQ (its own quantization, ranges
# from ORT on random inputs) next to Lowbit compiled with the example's
# calibration data, all from the same batch-norm-folded fp32 file.
#   example_model KEY SRC.onnx CALIBRATION.npy
example_model() {
  local key="$1" src="$2" calib="$3"
  echo "models: $src"
  "$PY" "$HERE/make_models.py" example "$src" "$key" "$OUT"
  $JS calibrate "$OUT/${key}_calib.onnx" 8 "$OUT/${key}_ranges.json"
  "$PY" "$HERE/make_models.py" example-qdq "$key" "$OUT"
  record "${key}_int8_ops" "$($JS ops "$OUT/${key}_int8.onnx")"
  if "$COMPILE" "$OUT/${key}_fp32.onnx" --calibration-data="$calib" --emit=obj \
       --mcpu=native --entry-name="$key" -o "$OUT/$key.o" > "$OUT/${key}_compile.log" 2>&1 &&
     cc -O2 -DMODEL="$key" -include "$OUT/$key.h" "$HERE/bench_lowbit_model.c" "$OUT/$key.o" \
       -lm -o "$OUT/bench_$key" >> "$OUT/${key}_compile.log" 2>&1; then
    "$OUT/bench_$key" "$ROUNDS" "$MIN_MS" > "$OUT/${key}_lowbit.jsonl"
    record "${key}_lowbit_int8" "$(sed -n 1p "$OUT/${key}_lowbit.jsonl")"
    record "${key}_lowbit_float" "$(sed -n 2p "$OUT/${key}_lowbit.jsonl")"
  else
    local reason
    reason="$(grep -m1 -E 'error' "$OUT/${key}_compile.log" | cut -c1-200 || true)"
    record "${key}_lowbit_pending" "$("$PY" -c 'import json,sys; print(json.dumps({"error": sys.argv[1]}))' "$reason")"
  fi
  record "${key}_ort_fp32" "$($JS bench "$OUT/${key}_fp32.onnx" "$ROUNDS" "$MIN_MS")"
  record "${key}_ort_int8" "$($JS bench "$OUT/${key}_int8.onnx" "$ROUNDS" "$MIN_MS")"
}
example_model fmnist "$ROOT/examples/fashion-mnist/cnn.onnx" "$ROOT/examples/fashion-mnist/calibration.npy"
example_model digits "$ROOT/examples/digits/mlp.onnx" "$ROOT/examples/digits/calibration.npy"

if [ "${BENCH_SKIP_MOBILENET:-0}" != 1 ]; then
  echo "models: MobileNetV2 (torchvision, random weights)"
  "$PY" "$HERE/make_models.py" mobilenet "$OUT"
  $JS calibrate "$OUT/mobilenetv2_calib.onnx" 8 "$OUT/ranges.json"
  "$PY" "$HERE/make_models.py" mobilenet-qdq "$OUT"
  record mbv2_int8_ops "$($JS ops "$OUT/mobilenetv2_int8.onnx")"
  # int8 vs fp32 outputs on 16 random images (sanity of the QDQ graph).
  "$PY" -c "import numpy as np; np.random.default_rng(3).normal(size=(16,3,224,224)).astype(np.float32).tofile('$OUT/mbv2_in.f32'); np.save('$OUT/mbv2_calib.npy', np.random.default_rng(4).normal(size=(8,3,224,224)).astype(np.float32))"
  $JS run "$OUT/mobilenetv2_fp32.onnx" "$OUT/mbv2_in.f32" "$OUT/mbv2_fp32.f32"
  $JS run "$OUT/mobilenetv2_int8.onnx" "$OUT/mbv2_in.f32" "$OUT/mbv2_int8.f32"
  record mbv2_int8_vs_fp32 "$("$PY" -c "
import json, numpy as np
f = np.fromfile('$OUT/mbv2_fp32.f32', np.float32).reshape(16, -1).astype(np.float64)
q = np.fromfile('$OUT/mbv2_int8.f32', np.float32).reshape(16, -1).astype(np.float64)
cos = (f * q).sum(1) / np.linalg.norm(f, axis=1) / np.linalg.norm(q, axis=1)
print(json.dumps({'samples': 16, 'cosine_min': float(cos.min()), 'cosine_mean': float(cos.mean()),
                  'top1_agree': int((f.argmax(1) == q.argmax(1)).sum())}))")"
  record mbv2_ort_fp32 "$($JS bench "$OUT/mobilenetv2_fp32.onnx" "$ROUNDS" "$MIN_MS")"
  record mbv2_ort_int8 "$($JS bench "$OUT/mobilenetv2_int8.onnx" "$ROUNDS" "$MIN_MS")"

  # Lowbit on MobileNetV2, only if this commit's compiler can do it.
  if timeout 900 "$COMPILE" "$OUT/mobilenetv2_fp32.onnx" --calibration-data="$OUT/mbv2_calib.npy" \
       --emit=obj --mcpu=native --entry-name=mbv2 -o "$OUT/mbv2.o" > "$OUT/mbv2_compile.log" 2>&1 &&
     cc -O2 -DMODEL=mbv2 -include "$OUT/mbv2.h" "$HERE/bench_lowbit_model.c" "$OUT/mbv2.o" \
       -lm -o "$OUT/bench_mbv2" >> "$OUT/mbv2_compile.log" 2>&1; then
    "$OUT/bench_mbv2" "$ROUNDS" "$MIN_MS" > "$OUT/mbv2_lowbit.jsonl"
    record mbv2_lowbit_int8 "$(sed -n 1p "$OUT/mbv2_lowbit.jsonl")"
    record mbv2_lowbit_float "$(sed -n 2p "$OUT/mbv2_lowbit.jsonl")"
  else
    reason="$(grep -m1 -E 'error' "$OUT/mbv2_compile.log" | cut -c1-200 || true)"
    [ -n "$reason" ] || reason="$(head -c 200 "$OUT/mbv2_compile.log")"
    record mbv2_lowbit_pending "$("$PY" -c 'import json,sys; print(json.dumps({"error": sys.argv[1]}))' "$reason")"
    echo "models: Lowbit cannot compile MobileNetV2 at this commit: $reason"
  fi
fi

"$PY" "$HERE/collect.py" "$LINES" "$ROUNDS" "$MIN_MS" > "$JSON.tmp"
mv "$JSON.tmp" "$JSON"
echo "models: wrote $JSON"
