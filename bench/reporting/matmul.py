"""int8 matmul vs oneDNN (bench/matmul/bench_matmul.cpp) and the sub-byte
weight comparison of the same driver: tables, chart, sentences.

`peak` is the int8 GOP/s of one core (vpdpbusd zmm throughput) that the
"% of peak" columns use."""
import os

from .common import (checks_column, cpu_wall_column, fmt, grouped_bars, impl,
                     pyplot, save_chart)


def is_subbyte(shape):
    """A shape of the sub-byte weight comparison (mm_MxKxN_w<bits>)."""
    return "_w" in shape["shape"]


def int8_shapes(mm):
    return [s for s in mm["shapes"] if not is_subbyte(s)]


def gops(shape, name):
    return (impl(shape, name) or {}).get("gops_median") if shape else None


def vs_onednn(shape):
    """Lowbit native GOP/s over oneDNN's (medians of the same rounds)."""
    nat, dnn = gops(shape, "lowbit-native"), gops(shape, "onednn")
    return nat / dnn if nat and dnn else None


def weight_total(weights_dir, shape, variant):
    """(bytes, bits per weight) of the weights in the object, from the
    --weight-summary that bench/matmul/build.sh wrote beside it."""
    path = os.path.join(weights_dir or "", f"{shape}_{variant.replace('-', '_')}.weights")
    if not weights_dir or not os.path.exists(path):
        return None, None
    for line in open(path):
        fields = line.split()
        if fields and fields[0] == "total":
            return int(fields[3]), float(fields[2])
    return None, None


def subbyte_table(mm, weights_dir):
    rows = ["| M×K×N | weights | code | bits/weight stored | weight bytes (object) | Lowbit native GOP/s | native vs int8 | Lowbit x86-64 GOP/s | x86-64 vs int8 | oneDNN (int8 layout) GOP/s | exact? |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    shapes = [s for s in mm["shapes"] if is_subbyte(s)]
    names = {8: ("int8", "int8"), 4: ("int4 [-7, 7]", "4-bit"),
             2: ("ternary {-1, 0, 1}", "2-bit"), 1: ("binary {-1, 1}", "1-bit")}
    for s in shapes:
        base, bits = s["shape"].rsplit("_w", 1)
        ref = next((r for r in shapes if r["shape"] == base + "_w8"), None)
        nbytes, bpw = weight_total(weights_dir, s["shape"], "native")
        ratio = lambda n: (gops(s, n) / gops(ref, n)) if gops(s, n) and gops(ref, n) else None
        exact = all(i["check"]["bit_exact"] for i in s["impls"] if i["name"].startswith("lowbit"))
        what, code = names.get(int(bits), (bits, bits))
        rows.append(f"| {s['m']}×{s['k']}×{s['n']} | {what} | {code} | {fmt(bpw, 2)} | "
                    f"{nbytes if nbytes is not None else 'n/a'} | {fmt(gops(s, 'lowbit-native'))} | "
                    f"{fmt(ratio('lowbit-native'), 2)} | {fmt(gops(s, 'lowbit-x86-64'))} | "
                    f"{fmt(ratio('lowbit-x86-64'), 2)} | {fmt(gops(s, 'onednn'))} | "
                    f"{'bit-exact' if exact else 'NOT exact'} |")
    return "\n".join(rows)


def matmul_table(mm, peak):
    rows = ["| shape M×K×N | Lowbit native GOP/s | Lowbit x86-64 GOP/s | oneDNN GOP/s | Lowbit/oneDNN | native/x86-64 | Lowbit native % of peak | oneDNN % of peak | cpu/wall (native, x86-64, oneDNN) | exact? |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for s in int8_shapes(mm):
        nat, base, dnn = (gops(s, n) for n in ("lowbit-native", "lowbit-x86-64", "onednn"))
        speed = nat / base if nat and base else None
        rows.append(f"| {s['m']}×{s['k']}×{s['n']} | {fmt(nat)} | {fmt(base)} | {fmt(dnn)} | "
                    f"{fmt(vs_onednn(s), 3)} | {fmt(speed, 2)} | {fmt(100 * nat / peak if nat else None)} % | "
                    f"{fmt(100 * dnn / peak if dnn else None)} % | "
                    f"{cpu_wall_column([impl(s, n) for n in ('lowbit-native', 'lowbit-x86-64', 'onednn')])} | "
                    f"{checks_column(s['impls'])} |")
    return "\n".join(rows)


def chart(mm, peak, results):
    plt = pyplot()
    shapes = int8_shapes(mm)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    grouped_bars(ax, [f"{s['m']}×{s['k']}×{s['n']}" for s in shapes],
                 [(label, [gops(s, key) or 0 for s in shapes]) for key, label in (
                     ("lowbit-native", "Lowbit --mcpu=native"),
                     ("lowbit-x86-64", "Lowbit --mcpu=x86-64"),
                     ("onednn", "oneDNN " + mm.get("onednn_version", "")))])
    ax.axhline(peak, color="gray", ls="--", lw=1)
    ax.text(len(shapes) - 0.5, peak, f"vpdpbusd zmm peak (measured) ≈ {peak:.0f}",
            ha="right", va="bottom", fontsize=8, color="gray")
    ax.set_xlabel("M×K×N (u8 × s8 per-channel → s8)")
    ax.set_ylabel("GOP/s (median, 1 thread)")
    ax.set_title("int8 matmul + requantize, one core")
    ax.set_ylim(0, max(peak, max((gops(s, "onednn") or 0 for s in shapes), default=0)) * 1.15)
    ax.legend(fontsize=8, loc="upper left")
    return save_chart(plt, fig, results, "matmul.svg")


def reading(mm, peak):
    """Sentences computed from this run's numbers (no number typed by hand)."""
    sh = [s for s in int8_shapes(mm) if vs_onednn(s)]
    if not sh:
        return []
    nat = [gops(s, "lowbit-native") for s in sh]
    dnn = [gops(s, "onednn") for s in sh]
    rat = [vs_onednn(s) for s in sh]
    base = [gops(s, "lowbit-x86-64") for s in sh if gops(s, "lowbit-x86-64")]
    out = [f"- Lowbit `--mcpu=native` reaches {min(nat):.0f}–{max(nat):.0f} GOP/s, "
           f"{100 * min(nat) / peak:.0f}–{100 * max(nat) / peak:.0f} % of the "
           f"{peak:.0f} GOP/s vpdpbusd peak, and {min(rat):.3f}–{max(rat):.3f}× oneDNN "
           f"(oneDNN: {min(dnn):.0f}–{max(dnn):.0f} GOP/s, "
           f"{100 * min(dnn) / peak:.0f}–{100 * max(dnn) / peak:.0f} % of peak)."]
    if base:
        sp = [gops(s, "lowbit-native") / gops(s, "lowbit-x86-64") for s in sh if gops(s, "lowbit-x86-64")]
        out.append(
            f"- The portable `--mcpu=x86-64` build (SSE2 only) runs at {min(base):.1f}–{max(base):.1f} GOP/s; "
            f"`--mcpu=native` is {min(sp):.1f}–{max(sp):.1f}× faster"
            + (" (the x86-64 objects fall back to the portable loops: no VNNI or AVX2 there)." if max(sp) > 20 else "."))
    exact = all(i["check"]["bit_exact"] for s in mm["shapes"] for i in s["impls"]
                if i["name"].startswith("lowbit"))
    out.append("- Every Lowbit matmul output of this run is bit-exact against the scalar reference."
               if exact else "- **Some Lowbit matmul output differs from the scalar reference in this run** "
               "(see the exact? column).")
    return out


def section(mm, peak, peak_note, weights_dir):
    """The matmul and sub-byte subsections; `peak_note` says where the peak
    comes from."""
    out = ["### int8 matmul (fully_connected + per-channel requantize to s8)", "",
           f"Median over {mm['rounds']} interleaved rounds; each round times a batch of "
           f"calls lasting ≥ {mm['min_batch_ms']:.0f} ms per implementation. "
           f"GOP/s = 2·M·N·K / time. Peak = {peak:.0f} GOP/s: vpdpbusd zmm throughput of one core, "
           f"{peak_note} "
           "cpu/wall: process CPU time over wall time while timing (≈ 1.0 = one thread). "
           "\"exact?\" compares each output with the scalar reference of "
           "docs/IntegerSemantics.md (single rounding).", "",
           matmul_table(mm, peak), "",
           "oneDNN implementation chosen: " + ", ".join(
               sorted({f"`{s['onednn_impl']}`" for s in mm['shapes']})) + ".", "",
           "![int8 matmul GOP/s](../bench/results/matmul.svg)", ""]
    if any(is_subbyte(s) for s in mm["shapes"]):
        out += ["### Sub-byte weights (fully_connected with coded weights)", "",
                "The same layer with int8, int4, ternary and binary weights "
                "(`gen_matmul.py --weight-bits`), in the same run and rounds as the table above. "
                "lowbit-compile stores the sub-byte ones as 4-, 2- and 1-bit codes "
                "(`lowbit-bitpack-weights`) that the kernels decode in registers; "
                "\"weight bytes\" and \"bits/weight\" are the `--weight-summary` of the "
                "native object (the packed kernel layout, padding included). "
                "oneDNN runs the same weights as int8 (it has no sub-byte int8 matmul); "
                "\"vs int8\" divides by the int8 row of the same M.", "",
                subbyte_table(mm, weights_dir), ""]
    return out
