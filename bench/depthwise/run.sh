#!/usr/bin/env bash
# Depthwise 3x3 layers of MobileNetV2 (pad 1, u8, per-channel requantize),
# one thread, batch 1, compiled with --mcpu=native and timed by
# bench/models/bench_lowbit_model.c (int8 entry: <model>_run). IMPLS names
# the implementations:
#   kernel  the NHWC lowbit.packed_depthwise_conv2d written directly
#           (gen_depthwise.py nhwc): the kernel alone, as between other
#           NHWC layers of a model
#   nchw    the NCHW conv2d + requantize, as imported: the kernel between
#           its two transposes (lowbit-pack-weights)
#   base    the NCHW model compiled by $BASE_COMPILE (another build's
#           lowbit-compile, e.g. main's, for a before/after comparison)
#   loops   the NCHW model with --target-isa=generic (the linalg loops)
# Prints a table and writes the same rows, with every sample, to OUT.json
# (a list of {layer, impl, c, h, w, stride, macs, median_s, best_s, ...};
# bench/report.py reads it).
#   bench/depthwise/run.sh [LOWBIT_BUILD_DIR] [OUT_DIR] [OUT.json]
# Environment: ROUNDS (default 11), MIN_MS (per timed batch, default 300),
# IMPLS (default "kernel nchw loops", plus "base" when BASE_COMPILE is set),
# LAYERS (default: all eight, e.g. LAYERS="dw144s1 dw96s2").
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="${2:-$ROOT/bench/build/depthwise}"
JSON="${3:-$OUT/depthwise.json}"
ROUNDS="${ROUNDS:-11}"
MIN_MS="${MIN_MS:-300}"
COMPILE="$BUILD/bin/lowbit-compile"
DEFAULT_IMPLS="kernel nchw loops"
[ -n "${BASE_COMPILE:-}" ] && DEFAULT_IMPLS="kernel nchw loops base"
IMPLS="${IMPLS:-$DEFAULT_IMPLS}"
PY=/usr/bin/python3
mkdir -p "$OUT"

# LAYER C H W STRIDE
all_layers=("dw32s1 32 112 112 1" "dw96s2 96 112 112 2" "dw144s1 144 56 56 1"
            "dw144s2 144 56 56 2" "dw192s1 192 28 28 1" "dw384s1 384 14 14 1"
            "dw576s1 576 14 14 1" "dw960s1 960 7 7 1")
layers=()
for layer in "${all_layers[@]}"; do
  set -- $layer
  if [ -z "${LAYERS:-}" ] || [[ " $LAYERS " == *" $1 "* ]]; then
    layers+=("$layer")
  fi
done

# The kernel isa lowbit-compile --mcpu=native chooses (lowbit-pack-weights).
"$PY" "$HERE/gen_depthwise.py" isa_probe 16 8 8 1 "$OUT" nchw
ISA="$("$COMPILE" "$OUT/isa_probe.mlir" --until=pack --mcpu=native -o - |
  grep -o -m1 'packed_depthwise_conv2d <[a-z0-9_]*>' | sed 's/.*<\(.*\)>/\1/')"
[ -n "$ISA" ] || { echo "depthwise: no packed kernel for --mcpu=native" >&2; exit 1; }

for layer in "${layers[@]}"; do
  set -- $layer
  for impl in $IMPLS; do
    name="${1}_${impl}"
    layout=nchw compile="$COMPILE" flags=(--mcpu=native)
    [ "$impl" = kernel ] && layout=nhwc
    [ "$impl" = loops ] && flags+=(--target-isa=generic)
    [ "$impl" = base ] && compile="$BASE_COMPILE"
    "$PY" "$HERE/gen_depthwise.py" "$name" "$2" "$3" "$4" "$5" "$OUT" "$layout" "$ISA"
    "$compile" "$OUT/$name.mlir" --emit=obj "${flags[@]}" --entry-name="$name" \
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
  for impl in $IMPLS; do
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
