"""Whole models, Lowbit vs ONNX Runtime (bench/models/run_models.sh ->
collect.py -> models.json): the per-model comparison, the table of every
measurement, the latency chart and sentences.

A row of models.json is {model, runtime, precision, median_us, best_us,
note}; a Lowbit row whose compile failed has median_us None."""
from .common import fmt_ratio, fmt_time, pyplot, save_chart, times_faster

LOWBIT_INT8, LOWBIT_FLOAT = "int8", "int8, float in/out"


def seconds(row):
    return row["median_us"] * 1e-6 if row and row.get("median_us") is not None else None


def comparisons(models):
    """Per model with a Lowbit row, in the order of models.json: its Lowbit
    rows, its ONNX Runtime int8 and fp32 rows (None if absent) and Lowbit's
    speed relative to each (ORT median over Lowbit's float in/out median:
    both take and return float)."""
    rows = (models or {}).get("rows", [])
    out = []
    for name in dict.fromkeys(r["model"] for r in rows):
        mine = [r for r in rows if r["model"] == name]
        find = lambda runtime, test: next(
            (r for r in mine if r["runtime"] == runtime and test(r["precision"])), None)
        c = {"model": name,
             "lowbit_int8": find("Lowbit", lambda p: p == LOWBIT_INT8),
             "lowbit_float": find("Lowbit", lambda p: p == LOWBIT_FLOAT),
             "ort_int8": find("ONNX Runtime", lambda p: p.startswith("int8")),
             "ort_fp32": find("ONNX Runtime", lambda p: p == "fp32")}
        if not (c["lowbit_int8"] or c["lowbit_float"]):
            continue
        lowbit = seconds(c["lowbit_float"])
        c["vs_ort_int8"] = times_faster(seconds(c["ort_int8"]), lowbit)
        c["vs_ort_fp32"] = times_faster(seconds(c["ort_fp32"]), lowbit)
        out.append(c)
    return out


def comparison_table(models):
    rows = ["| model | Lowbit int8 | Lowbit float in/out | ORT int8 QDQ | ORT fp32 | Lowbit/ORT int8 | Lowbit/ORT fp32 |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for c in comparisons(models):
        failed = seconds(c["lowbit_int8"]) is None and seconds(c["lowbit_float"]) is None
        rows.append(f"| {c['model']} | {'compile failed' if failed else fmt_time(seconds(c['lowbit_int8']))} | "
                    f"{fmt_time(seconds(c['lowbit_float']))} | {fmt_time(seconds(c['ort_int8']))} | "
                    f"{fmt_time(seconds(c['ort_fp32']))} | {fmt_ratio(c['vs_ort_int8'])} | "
                    f"{fmt_ratio(c['vs_ort_fp32'])} |")
    return "\n".join(rows)


def models_table(models):
    rows = ["| model | runtime | precision | median latency / sample (µs) | best (µs) | cpu/wall | note |",
            "|---|---|---|---:|---:|---:|---|"]
    g3 = lambda v: "—" if v is None else (f"{v:.0f}" if v >= 1000 else f"{v:.3g}")
    for r in models["rows"]:
        cpu = r.get("cpu_per_wall")
        rows.append(f"| {r['model']} | {r['runtime']} | {r['precision']} | {g3(r.get('median_us'))} | "
                    f"{g3(r.get('best_us'))} | {'—' if cpu is None else f'{cpu:.2f}'} | {r.get('note', '')} |")
    return "\n".join(rows)


def chart(models, results):
    timed = (models or {}).get("rows", [])
    if not any(r.get("median_us") is not None for r in timed):
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(timed) + 1.2))
    labels = [f"{r['model']} · {r['runtime']} · {r['precision']}" for r in timed]
    vals = [r.get("median_us") or 0 for r in timed]
    colors = ["tab:blue" if r["runtime"].startswith("Lowbit") else "tab:orange" for r in timed]
    bars = ax.barh(range(len(timed)), [v or float("nan") for v in vals], color=colors)
    ax.bar_label(bars, labels=[fmt_time(v * 1e-6) if v else "" for v in vals], fontsize=7, padding=2)
    for i, v in enumerate(vals):
        if not v:
            ax.text(min(x for x in vals if x), i, "  Lowbit: no number (compile failed)",
                    va="center", fontsize=7, color="tab:blue")
    ax.set_yticks(range(len(timed)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_ylim(len(timed) - 0.5, -0.5)  # first row on top, every row visible
    ax.set_xscale("log")
    ax.set_xlabel("median latency per sample, µs (log scale, 1 thread, lower is better)")
    ax.set_title("Whole models: Lowbit vs ONNX Runtime")
    return save_chart(plt, fig, results, "models.svg")


def reading(models):
    rows = {(r["model"], r["runtime"], r["precision"]): r for r in (models or {}).get("rows", [])}
    out = []
    lb = rows.get(("MLP 16-32-10", "Lowbit", LOWBIT_FLOAT))
    oi = rows.get(("MLP 16-32-10", "ONNX Runtime", "int8 QDQ, float in/out"))
    idn = rows.get(("Identity [1,16]", "ONNX Runtime", "fp32"))
    if seconds(lb) and seconds(oi):
        out.append(
            f"- examples/mlp, float in/out: Lowbit {fmt_time(seconds(lb))} vs ONNX Runtime int8 "
            f"{fmt_time(seconds(oi))} per sample"
            + (f"; an Identity model already costs {fmt_time(seconds(idn))} per `session.run` from node, "
               "so at this size the comparison measures call overhead, not kernels." if seconds(idn) else "."))
    f32 = rows.get(("MobileNetV2 224×224", "ONNX Runtime", "fp32"))
    i8 = rows.get(("MobileNetV2 224×224", "ONNX Runtime", "int8 QDQ"))
    if seconds(f32) and seconds(i8):
        out.append(f"- MobileNetV2: ONNX Runtime int8 {fmt_time(seconds(i8))} vs fp32 "
                   f"{fmt_time(seconds(f32))} per image ({fmt_ratio(seconds(f32) / seconds(i8))} from int8).")
    return out


def section(models, has_chart):
    out = ["### Whole models (one thread, batch 1)", "",
           models.get("method", ""), "",
           "Per model: median time per sample; Lowbit/ORT = ONNX Runtime's median time over "
           "Lowbit's float in/out one (both take and return float; > 1: Lowbit faster).", "",
           comparison_table(models), "",
           "Every measurement:", "",
           models_table(models), ""]
    if has_chart:
        out += ["![model latency](../bench/results/models.svg)", ""]
    return out
