#!/usr/bin/env python3
"""Checks `lowbit-compile --weight-summary` against the object file: every
layer's stored weights must be a constant symbol of the object with the
size the summary gives (`llvm-nm -S` output), and the total the sum of the
layers.

  check_weight_summary.py SUMMARY NM_OUTPUT [--absent NAME ...]

A layer stored as `4x128x32xi8` must be the symbol `__constant_4x128x32xi8`
(or `__constant_4x128x32xi8_<n>` when several constants share the type) of
exactly that many bytes. `--absent` names constants that must not be in the
object (the int8 form of coded weights). Prints one line per layer; exits 1
on any mismatch.
"""
import argparse
import re
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("summary")
    parser.add_argument("nm")
    parser.add_argument("--absent", nargs="*", default=[])
    args = parser.parse_args()

    symbols = {}
    with open(args.nm) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 4:
                symbols[fields[3]] = int(fields[1], 16)

    ok, total = True, 0
    with open(args.summary) as f:
        rows = [line.split() for line in f][1:]
    for row in rows:
        if row[0] == "total":
            if int(row[-2]) != total:
                print(f"total {row[-2]} != sum of the layers {total}")
                ok = False
            continue
        # layer op weights code bits/weight bytes int8 stored-as [+ table]
        layer, stored_bytes, shape = row[0], int(row[5]), row[7]
        total += stored_bytes
        name = "__constant_" + shape
        sizes = [size for symbol, size in symbols.items()
                 if re.fullmatch(re.escape(name) + r"(_\d+)?", symbol)]
        if stored_bytes in sizes:
            print(f"{layer}: {name} holds {stored_bytes} bytes")
        else:
            print(f"{layer}: no {name} of {stored_bytes} bytes (found {sizes})")
            ok = False
    for name in args.absent:
        if name in symbols:
            print(f"{name} must not be in the object")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
