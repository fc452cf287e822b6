#!/usr/bin/env bash
# Depthwise 3x3 layers of MobileNetV2, the linalg loops (--target-isa=generic)
# against the depthwise vector kernel (lowbit.packed_depthwise_conv2d), one
# thread, batch 1, both compiled with --mcpu=native and timed by
# bench/models/bench_lowbit_model.c (int8 entry: <model>_run). Prints a
# table and writes the same rows, with every sample, to OUT.json (a list of
# {layer, impl, c, h, w, stride, macs, median_s, best_s, ...}; bench/report.py
# reads it).
#   bench/depthwise/run.sh [LOWBIT_BUILD_DIR] [OUT_DIR] [OUT.json]
# Environment: ROUNDS (default 11), MIN_MS (per timed batch, default 300).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="${2:-$ROOT/bench/build/depthwise}"
JSON="${3:-$OUT/depthwise.json}"
ROUNDS="${ROUNDS:-11}"
MIN_MS="${MIN_MS:-300}"
COMPILE="$BUILD/bin/lowbit-compile"
PY=/usr/bin/python3
mkdir -p "$OUT"

# LAYER C H W STRIDE
layers=("dw144s1 144 56 56 1" "dw96s2 96 112 112 2")
for layer in "${layers[@]}"; do
  set -- $layer
  "$PY" "$HERE/gen_depthwise.py" "$1" "$2" "$3" "$4" "$5" "$OUT"
  for impl in loops kernel; do
    flags=(--mcpu=native)
    [ "$impl" = loops ] && flags+=(--target-isa=generic)
    name="${1}_${impl}"
    sed "s/@$1(/@$name(/" "$OUT/$1.mlir" > "$OUT/$name.mlir"
    "$COMPILE" "$OUT/$name.mlir" --emit=obj "${flags[@]}" --entry-name="$name" \
      -o "$OUT/$name.o"
    cc -O2 -DMODEL="$name" -include "$OUT/$name.h" \
      "$ROOT/bench/models/bench_lowbit_model.c" "$OUT/$name.o" -lm \
      -o "$OUT/bench_$name"
  done
done

printf '%-10s %-8s %12s %12s %10s\n' layer impl median_us best_us GMAC/s
: > "$OUT/rows.jsonl"
for layer in "${layers[@]}"; do
  set -- $layer
  macs=$(( $2 * (($3 - 1) / $5 + 1) * (($4 - 1) / $5 + 1) * 9 ))
  for impl in loops kernel; do
    "$OUT/bench_${1}_${impl}" "$ROUNDS" "$MIN_MS" | head -1 |
      "$PY" -c "
import json, sys
r = json.loads(sys.stdin.read())
print('%-10s %-8s %12.1f %12.1f %10.2f' % ('$1', '$impl', r['median_s'] * 1e6,
      r['best_s'] * 1e6, $macs / r['median_s'] / 1e9))
r.update(layer='$1', impl='$impl', c=$2, h=$3, w=$4, stride=$5, macs=$macs,
         min_ms=$MIN_MS)
with open('$OUT/rows.jsonl', 'a') as rows:
    rows.write(json.dumps(r) + '\\n')"
  done
done
"$PY" -c "
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
json.dump(rows, open(sys.argv[2], 'w'), indent=1)" "$OUT/rows.jsonl" "$JSON.tmp"
mv "$JSON.tmp" "$JSON"
echo "depthwise: wrote $JSON"
