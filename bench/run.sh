#!/usr/bin/env bash
# `make bench`: builds and runs every benchmark, then writes
# bench/results/results.json, the charts bench/results/*.svg and the results
# section of docs/Performance.md: int8 matmul and convolutions vs oneDNN,
# binary layers vs int8, depthwise kernel vs loops, whole models vs ONNX
# Runtime.
#
#   bench/run.sh [LOWBIT_BUILD_DIR]        (default: build)
#
# Needs the compiler already configured in LOWBIT_BUILD_DIR (make build) and
# the bench packages (scripts/install-bench-deps.sh); `make bench` does both.
# Everything runs on ONE thread: OMP_NUM_THREADS=1 for oneDNN (Debian builds
# it with OpenMP), intra/inter-op threads 1 for ONNX Runtime; Lowbit's code is
# single-threaded. Environment knobs: BENCH_QUICK=1 (fewer, shorter rounds),
# MATMUL_SHAPES="MxKxN ..." and SUBBYTE_SHAPES="MxKxN ..." (int8/int4/
# ternary/binary weights; bench/matmul/build.sh), CONV_SHAPES="NAME:C:H:W:F:K:
# STRIDE:PAD ..." (bench/conv/build.sh), BENCH_SKIP_MOBILENET=1,
# BENCH_NO_BUILD=1 (skip the ninja step, use the compiler binary as built).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
OUT="$ROOT/bench/build"
RES="$ROOT/bench/results"
PY=/usr/bin/python3

export OMP_NUM_THREADS=1 OMP_PROC_BIND=true
export MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

if [ "${BENCH_QUICK:-0}" = 1 ]; then
  ROUNDS=3 MIN_MS=20 MODEL_ROUNDS=3 MODEL_MS=100
else
  ROUNDS=11 MIN_MS=50 MODEL_ROUNDS=11 MODEL_MS=300
fi

if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
  # For a shared tree whose uncommitted work does not build right now: use
  # the compiler binary as it is (report.py records its build time).
  echo "== bench: BENCH_NO_BUILD=1, using $BUILD/bin/lowbit-compile as built"
else
  echo "== bench: ninja -C $BUILD (the compiler)"
  ninja -C "$BUILD" lowbit-compile
fi
mkdir -p "$OUT" "$RES"

echo "== bench: int8 matmul, Lowbit vs oneDNN"
bash "$ROOT/bench/matmul/build.sh" "$BUILD" "$OUT/matmul"
"$OUT/matmul/bench_matmul" "$OUT/matmul" --rounds="$ROUNDS" \
  --min-time-ms="$MIN_MS" > "$OUT/matmul.json.tmp"
mv "$OUT/matmul.json.tmp" "$OUT/matmul.json"
if [ -x "$OUT/matmul/peak_vnni" ]; then
  "$OUT/matmul/peak_vnni" > "$OUT/peak.json"
else
  echo '{}' > "$OUT/peak.json"
fi
cat "$OUT/peak.json"

echo "== bench: int8 convolutions (implicit GEMM), Lowbit vs oneDNN"
bash "$ROOT/bench/conv/build.sh" "$BUILD" "$OUT/conv"
"$OUT/conv/bench_conv" "$OUT/conv" --rounds="$ROUNDS" \
  --min-time-ms="$MIN_MS" > "$OUT/conv.json.tmp"
mv "$OUT/conv.json.tmp" "$OUT/conv.json"

echo "== bench: binary (XNOR-popcount) layers vs int8, Lowbit"
bash "$ROOT/bench/binary/build.sh" "$BUILD" "$OUT/binary"
"$OUT/binary/bench_binary" --rounds="$ROUNDS" --min-time-ms="$MIN_MS" \
  > "$OUT/binary.json.tmp"
mv "$OUT/binary.json.tmp" "$OUT/binary.json"

echo "== bench: depthwise 3x3 layers, kernel vs loops, Lowbit"
ROUNDS="$ROUNDS" MIN_MS="$MIN_MS" \
  bash "$ROOT/bench/depthwise/run.sh" "$BUILD" "$OUT/depthwise" "$OUT/depthwise.json"

echo "== bench: whole models, Lowbit vs ONNX Runtime"
if [ -f "$ROOT/bench/models/run_models.sh" ]; then
  ROUNDS="$MODEL_ROUNDS" MIN_MS="$MODEL_MS" \
    bash "$ROOT/bench/models/run_models.sh" "$BUILD" "$OUT/models" "$OUT/models.json"
fi

echo "== bench: report"
"$PY" "$ROOT/bench/report.py" --build="$BUILD" --matmul="$OUT/matmul.json" \
  --weights="$OUT/matmul" --conv="$OUT/conv.json" --binary="$OUT/binary.json" \
  --depthwise="$OUT/depthwise.json" --models="$OUT/models.json" \
  --peak="$OUT/peak.json" --results="$RES" --doc="$ROOT/docs/Performance.md"
