"""What the tables of bench/report.py share: looking up an implementation,
number and time formats, ratios, the check and cpu/wall columns, grouped
bar charts."""
import math
import os


def impl(shape, name):
    """The implementation `name` of a shape of bench_matmul/bench_conv."""
    for i in shape["impls"]:
        if i["name"] == name:
            return i
    return None


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:.{digits}f}"


def sig3(x):
    """x to 3 significant digits, trailing zeros kept (10.0, 0.810), and no
    fraction from 100 up (514, 4941)."""
    if x == 0 or abs(x) >= 100:
        return f"{x:.0f}"
    r = float(f"{x:.3g}")
    return f"{r:.{max(0, 2 - math.floor(math.log10(abs(r))))}f}"


def fmt_time(seconds):
    """A time with its unit, 3 significant digits: 41.2 ns, 19.7 µs, 10.0 ms."""
    if seconds is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{sig3(seconds / scale)} {unit}"
    return f"{sig3(seconds * 1e9)} ns"


def fmt_ratio(x):
    """A ratio with its ×, to 3 significant digits (0.964×, 4.08×, 514×)."""
    return "n/a" if x is None else f"{sig3(x)}×"


def times_faster(slow_s, fast_s):
    """slow / fast, the speed-up of `fast`; None if either is missing."""
    return slow_s / fast_s if slow_s and fast_s else None


def span(values, digits=2, unit="×"):
    """'a–b×' over the values, or 'a×' if they are all equal when printed."""
    lo, hi = f"{min(values):.{digits}f}", f"{max(values):.{digits}f}"
    return f"{lo}{unit}" if lo == hi else f"{lo}–{hi}{unit}"


def check_text(check):
    """One check of bench/common/timing.h (checkJson) in words (no '|': it
    goes into table cells)."""
    if check["bit_exact"]:
        return "bit-exact"
    n = check["mismatches"]
    return f"off by up to {check['max_abs']} in {n} output{'s' if n != 1 else ''}"


def checks_column(impls):
    return ", ".join(f"{i['name']}: {check_text(i['check'])}" for i in impls)


def cpu_wall_column(impls):
    return ", ".join(fmt(i.get("cpu_per_wall") if i else None, 2) for i in impls)


def layer_rows(rows, reference, label, rate_scale):
    """Table rows of per-layer benchmarks whose records are {layer, impl,
    macs, median_s, best_s, cpu_per_wall} (bench_binary, depthwise/run.sh):
    one row per implementation; the rate is rate_scale · MACs / median (G per
    second); the last but one column is the row's median time over the
    median time of `reference` of the same layer."""
    out = []
    for r in rows:
        ref = next((q for q in rows if q["layer"] == r["layer"] and q["impl"] == reference), None)
        ratio = times_faster(r["median_s"], ref["median_s"] if ref else None)
        out.append(f"| {label(r)} | {r['impl']} | {r['median_s'] * 1e6:.2f} | "
                   f"{r['best_s'] * 1e6:.2f} | {rate_scale * r['macs'] / r['median_s'] / 1e9:.1f} | "
                   f"{fmt(ratio, 2)} | {fmt(r.get('cpu_per_wall'), 2)} |")
    return out


def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    matplotlib.rcParams["svg.hashsalt"] = "lowbit-bench"  # stable ids
    return plt


def grouped_bars(ax, groups, series):
    """Bars of every series [(label, values)] side by side per group label."""
    width = 0.8 / len(series)
    for j, (label, vals) in enumerate(series):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(groups))]
        bars = ax.bar(xs, vals, width, label=label)
        ax.bar_label(bars, fmt="%.3g", fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups)


def save_chart(plt, fig, results, name):
    fig.tight_layout()
    path = os.path.join(results, name)
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)
    return path
