#!/usr/bin/env python3
"""Fails when a compiled Lowbit object executes floating point outside its
boundary helpers.

  check-integer-only.py OBJECT [--objdump=llvm-objdump-22]

Disassembles OBJECT (x86-64 or AArch64 ELF) and checks every function except
`<name>_quantize_input` and `<name>_dequantize_output`, the only ones allowed
to use floating point. A floating-point instruction is one that interprets
its operands as floating-point numbers: arithmetic, comparison, conversion,
rounding, min/max, square root, fused multiply-add, and every x87
instruction. Moves, shuffles and bitwise logic on vector registers
(movaps, xorps, fmov, ...) treat the bits as data and are not counted.
Exits 1 and lists the offending instructions, or exits 0 with a summary.
"""
import argparse
import re
import shutil
import subprocess
import sys

BOUNDARY_SUFFIXES = ("_quantize_input", "_dequantize_output")

# x86-64: SSE/AVX/AVX-512 floating-point operations (scalar and packed,
# ss/sd/ps/pd/ph/sh/bf16 forms), conversions, FMA and x87.
X86_FP = re.compile(
    r"^(v?(add|sub|mul|div|min|max|sqrt|rcp|rsqrt|round|cmp\w*|hadd|hsub|"
    r"addsub|dp)(ss|sd|ps|pd|ph|sh)"
    r"|v?u?comis[sdh]"
    r"|v?cvt\w*"
    r"|vf(n)?m(add|sub|addsub|subadd)\w*"
    r"|v(rndscale|getexp|getmant|fixupimm|range|reduce|scalef|fpclass|"
    r"rcp14|rsqrt14|rcp28|rsqrt28|exp2|dpbf16)\w*"
    r"|f\w+)$")

# AArch64: scalar and vector floating-point data processing and conversions.
AARCH64_FP = re.compile(
    r"^(f(add|sub|mul|div|madd|msub|nmadd|nmsub|nmul|neg|abs|sqrt|min|max|"
    r"minnm|maxnm|cmp|cmpe|ccmp|ccmpe|csel|cvt\w*|rint\w*|mla|mls|"
    r"cm(eq|ge|gt|le|lt)|ac(ge|gt)|addp|maxp|minp|maxnmp|minnmp|maxv|minv|"
    r"maxnmv|minnmv|recpe|recps|rsqrte|rsqrts|recpx|abd|mulx|jcvtzs)"
    r"|[su]cvtf|bf\w+)$")

FUNCTION = re.compile(r"^[0-9a-f]+ <(?P<name>[^>]+)>:$")
INSTRUCTION = re.compile(r"^\s+[0-9a-f]+:\s+(?P<mnemonic>[a-z][\w.]*)")


def find_objdump(requested):
    for candidate in [requested, "llvm-objdump-22", "llvm-objdump",
                      "/usr/lib/llvm-22/bin/llvm-objdump"]:
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    sys.exit("error: llvm-objdump not found")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("object")
    parser.add_argument("--objdump")
    args = parser.parse_args()

    objdump = find_objdump(args.objdump)
    result = subprocess.run(
        [objdump, "-d", "--no-show-raw-insn", args.object],
        capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {args.object}: {result.stderr.strip()}")
    fp = AARCH64_FP if "aarch64" in result.stdout.lower() else X86_FP

    function, checked, offending = None, [], []
    for line in result.stdout.splitlines():
        match = FUNCTION.match(line)
        if match:
            function = match.group("name")
            if not function.endswith(BOUNDARY_SUFFIXES):
                checked.append(function)
            continue
        match = INSTRUCTION.match(line)
        if not match or function is None or function.endswith(
                BOUNDARY_SUFFIXES):
            continue
        mnemonic = match.group("mnemonic").split(".")[0]
        if fp.match(mnemonic):
            offending.append(f"{function}: {line.strip()}")

    if not checked:
        sys.exit(f"error: {args.object}: no function to check")
    if offending:
        print(f"{args.object}: floating-point instructions outside the "
              f"boundary helpers:")
        for entry in offending:
            print("  " + entry)
        return 1
    print(f"{args.object}: integer-only: {', '.join(checked)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
