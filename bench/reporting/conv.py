"""int8 convolutions vs oneDNN (bench/conv/bench_conv.cpp): table, chart,
sentences. The driver's implementations: lowbit-native (the packed
implicit-GEMM kernel), lowbit-loops (--target-isa=generic, the portable
loops) and onednn, each checked against the exact reference."""
from .common import (check_text, checks_column, cpu_wall_column, fmt, fmt_time,
                     grouped_bars, impl, pyplot, save_chart, span, times_faster)

IMPLS = ("lowbit-native", "lowbit-loops", "onednn")


def median_s(shape, name):
    return (impl(shape, name) or {}).get("median_s")


def vs_onednn(shape):
    """oneDNN's median time over Lowbit's packed kernel's (> 1: Lowbit faster)."""
    return times_faster(median_s(shape, "onednn"), median_s(shape, "lowbit-native"))


def vs_loops(shape):
    return times_faster(median_s(shape, "lowbit-loops"), median_s(shape, "lowbit-native"))


def describe(s):
    return (f"`{s['shape']}` {s['c']}→{s['f']}, {s['k']}×{s['k']} s{s['stride']} p{s['pad']}, "
            f"{s['h']}×{s['w']}")


def table(conv):
    rows = ["| layer | Lowbit packed | GOP/s | oneDNN | GOP/s | Lowbit/oneDNN | loops | packed/loops | cpu/wall (packed, loops, oneDNN) | exact? |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for s in conv["shapes"]:
        gops = lambda n: fmt((impl(s, n) or {}).get("gops_median"))
        rows.append(f"| {describe(s)} | {fmt_time(median_s(s, 'lowbit-native'))} | {gops('lowbit-native')} | "
                    f"{fmt_time(median_s(s, 'onednn'))} | {gops('onednn')} | {fmt(vs_onednn(s), 2)} | "
                    f"{fmt_time(median_s(s, 'lowbit-loops'))} | {fmt(vs_loops(s), 1)} | "
                    f"{cpu_wall_column([impl(s, n) for n in IMPLS])} | {checks_column(s['impls'])} |")
    return "\n".join(rows)


def chart(conv, results):
    plt = pyplot()
    shapes = conv["shapes"]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    grouped_bars(ax, [s["shape"] for s in shapes],
                 [(label, [(impl(s, key) or {}).get("gops_median", 0) for s in shapes])
                  for key, label in (("lowbit-native", "Lowbit packed (implicit GEMM)"),
                                     ("lowbit-loops", "Lowbit loops (--target-isa=generic)"),
                                     ("onednn", "oneDNN " + conv.get("onednn_version", "")))])
    ax.set_xlabel("layer (u8 × s8 per-channel → s8, batch 1)")
    ax.set_ylabel("GOP/s (median, 1 thread)")
    ax.set_title("int8 convolution + requantize, one core")
    ax.legend(fontsize=8, loc="upper left")
    return save_chart(plt, fig, results, "conv.svg")


def reading(conv):
    shapes = [s for s in conv["shapes"] if vs_onednn(s)]
    if not shapes:
        return []
    worst = min(shapes, key=vs_onednn)
    out = [f"- int8 convolutions: Lowbit's packed kernel runs at {span([vs_onednn(s) for s in shapes])} "
           f"oneDNN (lowest: `{worst['shape']}`)"
           + (f" and {span([vs_loops(s) for s in shapes if vs_loops(s)], 1)} faster than the portable loops."
              if any(vs_loops(s) for s in shapes) else ".")]
    lowbit = [i for s in conv["shapes"] for i in s["impls"] if i["name"].startswith("lowbit")]
    out.append("- Every Lowbit convolution output of this run is bit-exact against the scalar reference."
               if all(i["check"]["bit_exact"] for i in lowbit) else
               "- **Some Lowbit convolution output differs from the scalar reference in this run** "
               "(see the exact? column).")
    dnn = [(s["shape"], impl(s, "onednn")) for s in conv["shapes"] if impl(s, "onednn")]
    off = [f"`{name}` {check_text(i['check'])}" for name, i in dnn if not i["check"]["bit_exact"]]
    if off:
        out[-1] += f" oneDNN (float requantization) differs from it on {len(off)} of {len(dnn)} layers: {', '.join(off)}."
    return out


def section(conv):
    return ["### int8 convolutions (implicit GEMM) vs oneDNN", "",
            "`bench/conv/`: one-group int8 convolutions (u8 activations, zero point 128, "
            "narrow-range per-channel i8 weights, int32 bias, per-channel requantize to i8; "
            "`gen_conv.py`), compiled by Lowbit twice: the packed implicit-GEMM kernel "
            "`lowbit.packed_conv2d` (`--mcpu=native`) and the portable loops "
            "(`--mcpu=native --target-isa=generic`), next to oneDNN's int8 "
            "`convolution_forward` with the same weights, bias, output scales and zero points. "
            f"Median over {conv['rounds']} interleaved rounds; each round times a batch of calls "
            f"lasting ≥ {conv['min_batch_ms']:.0f} ms per implementation. "
            "Lowbit takes and returns NCHW and its time includes its NHWC copy of the input; "
            "oneDNN gets its preferred layouts (`format_tag::any`), the input reordered once "
            "outside the timing. Times are medians per call; GOP/s = 2·F·OH·OW·C·K² / time. "
            "Lowbit/oneDNN = oneDNN's median time over Lowbit's packed kernel's, packed/loops "
            "likewise (> 1: the packed kernel is faster). \"exact?\" compares each output with "
            "an exact scalar reference (int64 accumulation, padding contributing 0, single "
            "rounding).", "",
            table(conv), "",
            "oneDNN implementation chosen: " + ", ".join(
                f"`{s['shape']}`: `{s['onednn_impl']}`" for s in conv["shapes"]) + ".", "",
            "![int8 convolution GOP/s](../bench/results/conv.svg)", ""]
