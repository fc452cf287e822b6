#!/usr/bin/env bash
# Installs every system package Lowbit needs to build, test and run its demo.
# Idempotent: packages already present are skipped; apt-get runs only when
# something is missing. Debian 12 (bookworm) with LLVM/MLIR 22 from the archive.
set -euo pipefail

PACKAGES=(
  # Build
  cmake ninja-build g++ make pkg-config
  # LLVM / MLIR 22 (shared libLLVM.so / libMLIR.so, TableGen, FileCheck, lit)
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # Unit tests
  libgtest-dev
  # AArch64 cross toolchain and user-mode emulator for the NEON tests
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  # Reference values in tests, fixtures (run with /usr/bin/python3)
  python3-numpy python3-torch python3-onnx python3-sklearn
  # ONNX front end: ONNX's C++ library (checker, shape inference), protobuf,
  # the operator conformance suite, and libFuzzer for the importer's fuzzer
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  clang-22 libclang-rt-22-dev
  # Calibration and example data
  dataset-fashion-mnist
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
