"""The goals of the performance issue, judged on the numbers of one run:

1. int8 matmul 512×512×512 at ≥ 0.9× oneDNN (median GOP/s of the same
   interleaved rounds);
2. every model faster than ONNX Runtime int8 (Lowbit's float in/out entry
   against ORT's int8 QDQ session, both float in and out);
3. MobileNetV2 ≥ 3× faster than ONNX Runtime fp32.

A goal whose numbers are missing from the run is "not measured", never met."""
from . import matmul
from .common import fmt_ratio, fmt_time
from .models import comparisons, seconds

MATMUL_SHAPE = (512, 512, 512)
MATMUL_VS_ONEDNN = 0.9
MOBILENET = "MobileNetV2"
MOBILENET_VS_ORT_FP32 = 3.0


def verdict(ok):
    return "**met**" if ok else "**not met**"


def matmul_goal(mm):
    title = f"int8 matmul {'×'.join(map(str, MATMUL_SHAPE))} ≥ {MATMUL_VS_ONEDNN}× oneDNN"
    shape = next((s for s in matmul.int8_shapes(mm or {"shapes": []})
                  if (s["m"], s["k"], s["n"]) == MATMUL_SHAPE), None)
    ratio = matmul.vs_onednn(shape)
    if ratio is None:
        return f"- Goal, {title}: **not measured** in this run."
    return (f"- Goal, {title}: {verdict(ratio >= MATMUL_VS_ONEDNN)} "
            f"({ratio:.3f}×: {matmul.gops(shape, 'lowbit-native'):.0f} vs "
            f"{matmul.gops(shape, 'onednn'):.0f} GOP/s).")


def models_goal(models):
    title = "every model faster than ONNX Runtime int8"
    measured = [c for c in comparisons(models) if seconds(c["ort_int8"])]
    if not measured:
        return f"- Goal, {title}: **not measured** in this run."
    parts = []
    for c in measured:
        if c["vs_ort_int8"] is None:
            parts.append(f"{c['model']}: no Lowbit number")
        else:
            parts.append(f"{c['model']} {fmt_ratio(c['vs_ort_int8'])} "
                         f"({fmt_time(seconds(c['lowbit_float']))} vs {fmt_time(seconds(c['ort_int8']))})")
    slower = [c["model"] for c in measured if not (c["vs_ort_int8"] and c["vs_ort_int8"] > 1)]
    unmeasured = "" if any(c["model"].startswith(MOBILENET) for c in measured) else \
        f", {MOBILENET} not measured"
    return (f"- Goal, {title}: {verdict(not slower)}"
            + (f" (not faster: {', '.join(slower)})" if slower else
               f" by the {len(measured)} model{'s' if len(measured) != 1 else ''} measured{unmeasured}")
            + ". Lowbit/ORT int8: " + "; ".join(parts) + ".")


def mobilenet_goal(models):
    title = f"{MOBILENET} ≥ {MOBILENET_VS_ORT_FP32:g}× faster than ONNX Runtime fp32"
    c = next((c for c in comparisons(models) if c["model"].startswith(MOBILENET)), None)
    if c is None or not seconds(c["ort_fp32"]):
        return f"- Goal, {title}: **not measured** in this run."
    if c["vs_ort_fp32"] is None:
        return f"- Goal, {title}: **not met** (no Lowbit number: the compile failed)."
    return (f"- Goal, {title}: {verdict(c['vs_ort_fp32'] >= MOBILENET_VS_ORT_FP32)} "
            f"({fmt_ratio(c['vs_ort_fp32'])}: {fmt_time(seconds(c['lowbit_float']))} vs "
            f"{fmt_time(seconds(c['ort_fp32']))} per image).")


def bullets(mm, models):
    return [matmul_goal(mm), models_goal(models), mobilenet_goal(models)]
