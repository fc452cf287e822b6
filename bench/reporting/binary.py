"""Binary (XNOR-popcount) layers vs the same layers in int8
(bench/binary/bench_binary.cpp): table and sentences. The driver does not
check values (integration_test/binary-*.test does)."""
from .common import layer_rows, span, times_faster


def speedups(binary):
    """{layer: [(impl, time of impl over time of binary)]} for every
    non-binary implementation of a layer that has a binary one."""
    layers = binary["layers"]
    out = {}
    for r in layers:
        ref = next((q for q in layers if q["layer"] == r["layer"] and q["impl"] == "binary"), None)
        if ref and r["impl"] != "binary":
            out.setdefault(r["layer"], []).append((r["impl"], times_faster(r["median_s"], ref["median_s"])))
    return out


def table(binary):
    return "\n".join(
        ["| layer | implementation | median µs | best µs | GOP/s | time ÷ binary | cpu/wall |",
         "|---|---|---:|---:|---:|---:|---:|"]
        + layer_rows(binary["layers"], "binary", lambda r: r["layer"], 2))


def reading(binary):
    sp = speedups(binary)
    if not sp:
        return []
    per_layer = [f"{layer}: " + ", ".join(f"{ratio:.2f}× {name}" for name, ratio in rows)
                 for layer, rows in sp.items()]
    int8 = [ratio for rows in sp.values() for name, ratio in rows if name == "int8"]
    return ["- Binary layers vs int8 (time of the int8 row ÷ time of the binary one)"
            + (f", {span(int8)} against the same layer in int8" if int8 else "")
            + ": " + "; ".join(per_layer) + "."]


def section(binary):
    return ["### Binary layers (XNOR-popcount) vs int8", "",
            "`bench/binary/`: each layer compiled by Lowbit with `--mcpu=native` as a binary model "
            "(`lowbit.binarize` → `lowbit.binary_fully_connected` / `lowbit.binary_conv2d` → "
            "per-channel requantize to i8) and as the same layer in int8: **int8** is the packed "
            "`vpdpbusd` fully-connected kernel, or `lowbit.conv2d` on the packed implicit-GEMM "
            "kernel; **int8-gemm** is the conv's im2col product (the same MACs, without the cost "
            "of im2col) on the packed fully-connected kernel. Every model takes u8 activations "
            "and returns i8, so the binary time includes `binarize` and the requantization. "
            f"Median over {binary['rounds']} interleaved rounds of batches lasting "
            f"≥ {binary['min_batch_ms']:.0f} ms; GOP/s = 2·MACs / median time, a ±1 product "
            "counting as one MAC (the conv's MACs include the padding taps). \"time ÷ binary\" = "
            "median time of the row over that of the layer's binary row: how many times faster "
            "the binary layer is. The driver does not check values; "
            "`integration_test/binary-*.test` compares the same kernels with the reference "
            "interpreter byte for byte.", "",
            table(binary), ""]
