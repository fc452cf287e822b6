#!/usr/bin/env bash
# Installs what `make bench` needs on top of scripts/install-deps.sh: oneDNN
# (the int8 matmul reference), torchvision (the MobileNetV2 model), matplotlib
# (the chart) from Debian, and ONNX Runtime for node from npm into
# bench/node_modules (pinned by bench/package-lock.json).
# Idempotent: apt-get runs only when a package is missing, npm only when the
# installed onnxruntime-node is absent or lacks its linux/x64 native binding.
# Kept apart from install-deps.sh so that `make check` does not pay for it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  # oneDNN (C++ API dnnl.hpp; Debian builds it with OpenMP, libgomp)
  libdnnl-dev
  # Models and chart (run with /usr/bin/python3)
  python3-numpy python3-onnx python3-torch python3-torchvision python3-matplotlib
  # ONNX Runtime runs on node 20 (nodejs and npm)
  nodejs
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-bench-deps: all ${#PACKAGES[@]} packages present"
else
  echo "install-bench-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# onnxruntime-node: its install script downloads extra binaries (CUDA/TensorRT
# EPs) from outside the npm registry; the CPU binding for linux/x64 ships in
# the npm package itself, so the download is skipped.
BINDING="$HERE/bench/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node"
if [ -f "$BINDING" ] && (cd "$HERE/bench" && node -e "require('onnxruntime-node')") >/dev/null 2>&1; then
  echo "install-bench-deps: onnxruntime-node present"
else
  echo "install-bench-deps: npm ci onnxruntime-node (bench/package-lock.json)"
  (cd "$HERE/bench" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund)
  (cd "$HERE/bench" && node -e "require('onnxruntime-node')")
fi
