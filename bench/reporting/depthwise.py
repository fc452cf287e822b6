"""Depthwise 3×3 layers, the depthwise kernel vs the linalg loops
(bench/depthwise/run.sh, a list of {layer, impl, c, h, w, stride, macs,
median_s, best_s, ...}): table and sentences. Values are not checked by
the script."""
from .common import layer_rows, span, times_faster


def describe(r):
    return f"`{r['layer']}` {r['c']} ch {r['h']}×{r['w']}, stride {r['stride']}"


def speedups(rows):
    """[(layer row of the kernel, loops time over kernel time)]."""
    out = []
    for k in rows:
        loops = next((r for r in rows if r["layer"] == k["layer"] and r["impl"] == "loops"), None)
        if k["impl"] == "kernel" and loops:
            out.append((k, times_faster(loops["median_s"], k["median_s"])))
    return out


def table(rows):
    return "\n".join(
        ["| layer | implementation | median µs | best µs | GMAC/s | time ÷ kernel | cpu/wall |",
         "|---|---|---:|---:|---:|---:|---:|"]
        + layer_rows(rows, "kernel", describe, 1))


def reading(rows):
    sp = speedups(rows)
    if not sp:
        return []
    return [f"- Depthwise 3×3: the kernel is {span([x for _, x in sp], 1)} faster than the loops ("
            + ", ".join(f"`{k['layer']}` {x:.1f}×" for k, x in sp) + ")."]


def section(rows):
    rounds = sorted({r.get("rounds") for r in rows if r.get("rounds")})
    min_ms = sorted({r.get("min_ms") for r in rows if r.get("min_ms")})
    return ["### Depthwise 3×3 convolutions: kernel vs loops", "",
            "`bench/depthwise/run.sh`: MobileNetV2 depthwise layers as single-layer models "
            "(`gen_depthwise.py`: u8 input, 3×3 pad 1, int8 per-channel weights, int32 bias, "
            "per-channel requantize with a ReLU6-style clamp to u8), each compiled with "
            "`--mcpu=native` as the depthwise kernel (`lowbit.packed_depthwise_conv2d`) and with "
            "`--target-isa=generic` (the loops of `lowbit.conv2d`), and timed by "
            "`bench/models/bench_lowbit_model.c` (the int8 entry `<name>_run`): "
            + (f"median over {'/'.join(map(str, rounds))} rounds" if rounds else "median over rounds")
            + (f" of batches lasting ≥ {'/'.join(f'{m:g}' for m in min_ms)} ms" if min_ms else "")
            + ", one process per implementation (not interleaved: compare with care on a busy "
            "machine). GMAC/s = C·OH·OW·9 / median time. \"time ÷ kernel\" = median time of the "
            "row over that of the layer's kernel row. Values are not checked here; "
            "`integration_test/` compares the kernel with the reference interpreter.", "",
            table(rows), ""]
