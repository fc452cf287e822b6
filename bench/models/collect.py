#!/usr/bin/python3
"""Turns the measurement lines of run_models.sh into models.json for
bench/report.py: table rows (model, runtime, precision, median/best latency
per sample in µs, note) and the correctness checks.

    collect.py LINES.jsonl ROUNDS MIN_MS > models.json
"""
import json
import sys


def main():
    lines, rounds, min_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    d = {}
    for line in open(lines):
        rec = json.loads(line)
        d[rec["key"]] = rec["data"]

    def timed(key, model, runtime, precision, note=""):
        r = d.get(key)
        if r is None:
            return None
        return {"model": model, "runtime": runtime, "precision": precision,
                "median_us": r["median_s"] * 1e6, "best_us": r["best_s"] * 1e6,
                "cpu_per_wall": r.get("cpu_per_wall"), "batch": r.get("batch"),
                "samples_s": r.get("samples_s"), "note": note}

    agree = d.get("mlp_agreement", {})
    rows = [
        timed("mlp_lowbit_int8", "MLP 16-32-10", "Lowbit", "int8",
              "`mlp_run` on stored int8 values"),
        timed("mlp_lowbit_float", "MLP 16-32-10", "Lowbit", "int8, float in/out",
              "`mlp_quantize_input` + `mlp_run` + `mlp_dequantize_output`"),
        timed("mlp_ort_int8", "MLP 16-32-10", "ONNX Runtime", "int8 QDQ, float in/out",
              "fused to " + ", ".join(f"{v}× {k}" for k, v in d.get("mlp_int8_ops", {}).items())
              + (f"; outputs equal to Lowbit's in {agree['lowbit_vs_ort_int8_equal']}/{agree['values']}"
                 f" values (max {agree['lowbit_vs_ort_int8_max_steps']} step)" if agree else "")),
        timed("mlp_ort_fp32", "MLP 16-32-10", "ONNX Runtime", "fp32", "dequantized weights"),
        timed("ort_identity", "Identity [1,16]", "ONNX Runtime", "fp32",
              "y = x: the cost of one `session.run` from node, included in every ORT row"),
    ]
    for key, model in (("fmnist", "Fashion-MNIST CNN 28×28"), ("digits", "digits MLP 64-…-10")):
        if f"{key}_ort_fp32" not in d:
            continue
        ops = d.get(f"{key}_int8_ops", {})
        err = d.get(f"{key}_lowbit_pending", {}).get("error")
        rows += [
            timed(f"{key}_lowbit_int8", model, "Lowbit", "int8",
                  "`--calibration-data` = the example's calibration.npy; run on stored values"),
            timed(f"{key}_lowbit_float", model, "Lowbit", "int8, float in/out",
                  "quantize + run + dequantize"),
            timed(f"{key}_ort_int8", model, "ONNX Runtime", "int8 QDQ, float in/out",
                  "fused to " + ", ".join(f"{v}× {k}" for k, v in ops.items())),
            timed(f"{key}_ort_fp32", model, "ONNX Runtime", "fp32",
                  "the same fp32 file Lowbit compiles (batch norms folded)"),
        ]
        if err is not None:
            rows.append({"model": model, "runtime": "Lowbit", "precision": "int8",
                         "median_us": None, "best_us": None,
                         "note": "lowbit-compile failed at this commit: `"
                                 + err.replace("|", "/").replace("`", "") + "`"})
    if "mbv2_ort_fp32" in d:
        chk = d.get("mbv2_int8_vs_fp32", {})
        ops = d.get("mbv2_int8_ops", {})
        rows += [
            timed("mbv2_ort_fp32", "MobileNetV2 224×224", "ONNX Runtime", "fp32",
                  "torchvision, random weights"),
            timed("mbv2_ort_int8", "MobileNetV2 224×224", "ONNX Runtime", "int8 QDQ",
                  "fused to " + ", ".join(f"{v}× {k}" for k, v in ops.items())
                  + (f"; vs fp32: top-1 agrees on {chk['top1_agree']}/{chk['samples']},"
                     f" min cosine {chk['cosine_min']:.3f}" if chk else "")),
        ]
        if "mbv2_lowbit_int8" in d:
            rows += [timed("mbv2_lowbit_int8", "MobileNetV2 224×224", "Lowbit", "int8",
                           "`mbv2_run` on stored values"),
                     timed("mbv2_lowbit_float", "MobileNetV2 224×224", "Lowbit",
                           "int8, float in/out", "quantize + run + dequantize")]
        else:
            err = d.get("mbv2_lowbit_pending", {}).get("error", "")
            rows.append({"model": "MobileNetV2 224×224", "runtime": "Lowbit", "precision": "int8",
                         "median_us": None, "best_us": None,
                         "note": "**Lowbit: no number** — "
                                 "`lowbit-compile mobilenetv2_fp32.onnx --calibration-data=...` "
                                 "failed at this commit"
                                 + (f" (`{err.replace('|', '/').replace('`', '')}`)" if err else "")
                                 + "; no number is reported"})
    rows = [r for r in rows if r is not None]
    method = (f"Batch 1, one thread. Each row: warm-up, then {rounds} batches of calls lasting "
              f"≥ {min_ms:.0f} ms each; median (and best) time per call = per sample. "
              "Lowbit: a C driver calling the compiled object (`bench/models/bench_lowbit_model.c`, "
              "`--mcpu=native`). ONNX Runtime: `onnxruntime-node` from node 20 with "
              "`intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential'`, "
              "graph optimization `all`, awaiting each `session.run` (`bench/models/models.js`). "
              "The ORT rows include node's per-call cost (the Identity row).")
    json.dump({"method": method, "rows": rows, "checks": {
        k: d[k] for k in ("mlp_agreement", "mlp_int8_ops", "mbv2_int8_ops", "mbv2_int8_vs_fp32",
                          "mbv2_lowbit_pending") if k in d}}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
