#!/usr/bin/env bash
# Power-of-two weights: the table-decode + vpdpbusd kernel Lowbit uses vs a
# shift-add kernel (bench_pow2.cpp explains both). Needs AVX-512 BW + VNNI.
#   bench/pow2/run.sh [OUT_DIR] [bench_pow2 options and shapes...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../build/pow2}"
shift || true
mkdir -p "$OUT"
"${CXX:-g++}" -O2 -march=native -std=c++17 "$HERE/bench_pow2.cpp" -o "$OUT/bench_pow2"
"$OUT/bench_pow2" "$@"
