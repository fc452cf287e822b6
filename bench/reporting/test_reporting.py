#!/usr/bin/python3
"""Checks of bench/report.py on small fixtures in the shape of the
benchmarks' JSON: the ratios point the right way, the goals are judged
from the numbers (met, not met, not measured), and the generated section
replaces only what lies between the markers.

    /usr/bin/python3 bench/reporting/test_reporting.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BENCH)

from reporting import binary, conv, depthwise, goals, models  # noqa: E402

EXACT = {"bit_exact": True, "mismatches": 0, "max_abs": 0}


def timed(name, median_s, gops=None, check=EXACT):
    return {"name": name, "median_s": median_s, "best_s": median_s * 0.9,
            "gops_median": gops, "cpu_per_wall": 0.97, "samples_s": [median_s], "check": check}


def matmul_run(native_gops, onednn_gops):
    return {"rounds": 3, "min_batch_ms": 20.0, "onednn_version": "2.6.3", "shapes": [
        {"shape": "mm_512x512x512", "m": 512, "k": 512, "n": 512, "onednn_impl": "brg",
         "impls": [timed("lowbit-native", 1e-3, native_gops), timed("onednn", 1e-3, onednn_gops)]},
        {"shape": "mm_1x512x512_w4", "m": 1, "k": 512, "n": 512, "onednn_impl": "brg",
         "impls": [timed("lowbit-native", 1e-3, 10.0), timed("onednn", 1e-3, 1000.0)]}]}


def row(model, runtime, precision, median_us):
    return {"model": model, "runtime": runtime, "precision": precision,
            "median_us": median_us, "best_us": median_us, "cpu_per_wall": 0.9, "note": ""}


def models_run(mbv2_lowbit_us, cnn_lowbit_us=20.0):
    mb = "MobileNetV2 224×224"
    return {"method": "fixture", "rows": [
        row("CNN", "Lowbit", "int8", cnn_lowbit_us / 2),
        row("CNN", "Lowbit", "int8, float in/out", cnn_lowbit_us),
        row("CNN", "ONNX Runtime", "int8 QDQ, float in/out", 100.0),
        row("CNN", "ONNX Runtime", "fp32", 50.0),
        row("Identity [1,16]", "ONNX Runtime", "fp32", 12.0),
        row(mb, "ONNX Runtime", "fp32", 6000.0),
        row(mb, "ONNX Runtime", "int8 QDQ", 3000.0),
        row(mb, "Lowbit", "int8", mbv2_lowbit_us),
        row(mb, "Lowbit", "int8, float in/out", mbv2_lowbit_us)]}


class Goals(unittest.TestCase):
    def test_matmul_goal_from_the_512_cube_only(self):
        self.assertIn("**met** (0.950×", goals.matmul_goal(matmul_run(950.0, 1000.0)))
        self.assertIn("**not met** (0.890×", goals.matmul_goal(matmul_run(890.0, 1000.0)))
        cube_missing = matmul_run(950.0, 1000.0)
        cube_missing["shapes"] = cube_missing["shapes"][1:]
        self.assertIn("**not measured**", goals.matmul_goal(cube_missing))

    def test_every_model_must_beat_ort_int8(self):
        self.assertIn("**met** by the 2 models measured.", goals.models_goal(models_run(1500.0)))
        slow = goals.models_goal(models_run(1500.0, cnn_lowbit_us=120.0))
        self.assertIn("**not met** (not faster: CNN)", slow)
        self.assertIn("CNN 0.833× (120 µs vs 100 µs)", slow)

    def test_a_failed_compile_is_not_met(self):
        run = models_run(1500.0)
        run["rows"] = [r for r in run["rows"] if not (r["model"].startswith("Mobile") and r["runtime"] == "Lowbit")]
        run["rows"].append(row("MobileNetV2 224×224", "Lowbit", "int8", None))
        self.assertIn("**not met** (not faster: MobileNetV2 224×224)", goals.models_goal(run))
        self.assertIn("**not met** (no Lowbit number", goals.mobilenet_goal(run))

    def test_mobilenet_three_times_ort_fp32(self):
        self.assertIn("**met** (3.16×", goals.mobilenet_goal(models_run(1900.0)))
        self.assertIn("**not met** (2.50×", goals.mobilenet_goal(models_run(2400.0)))
        no_mobilenet = models_run(1900.0)
        no_mobilenet["rows"] = [r for r in no_mobilenet["rows"] if not r["model"].startswith("Mobile")]
        self.assertIn("**not measured**", goals.mobilenet_goal(no_mobilenet))
        self.assertIn("**met** by the 1 model measured, MobileNetV2 not measured",
                      goals.models_goal(no_mobilenet))


class Tables(unittest.TestCase):
    def test_model_ratios_are_ort_time_over_lowbit_float(self):
        c = {c["model"]: c for c in models.comparisons(models_run(2000.0))}
        self.assertEqual(set(c), {"CNN", "MobileNetV2 224×224"})  # Identity has no Lowbit row
        self.assertAlmostEqual(c["CNN"]["vs_ort_int8"], 5.0)
        self.assertAlmostEqual(c["MobileNetV2 224×224"]["vs_ort_fp32"], 3.0)
        self.assertIn("| CNN | 10.0 µs | 20.0 µs | 100 µs | 50.0 µs | 5.00× | 2.50× |",
                      models.comparison_table(models_run(2000.0)))

    def test_conv_ratio_and_checks(self):
        off = {"bit_exact": False, "mismatches": 3, "max_abs": 1}
        run = {"rounds": 3, "min_batch_ms": 20.0, "shapes": [
            {"shape": "stem", "c": 3, "h": 8, "w": 8, "f": 4, "k": 3, "stride": 2, "pad": 1,
             "onednn_impl": "jit", "impls": [timed("lowbit-native", 200e-6, 1.0),
                                             timed("lowbit-loops", 2e-3, 0.1),
                                             timed("onednn", 100e-6, 2.0, off)]}]}
        line = conv.table(run).splitlines()[2]
        self.assertIn("| 200 µs | 1.0 | 100 µs | 2.0 | 0.50 | 2.00 ms | 10.0 |", line)
        self.assertIn("onednn: off by up to 1 in 3 outputs |", line)
        self.assertIn("0.50×", conv.reading(run)[0])

    def test_binary_and_depthwise_time_over_the_fast_implementation(self):
        layer = lambda impl, s, **kw: dict({"layer": "fc", "impl": impl, "macs": 1000,
                                            "median_s": s, "best_s": s, "cpu_per_wall": 1.0}, **kw)
        bn = {"rounds": 3, "min_batch_ms": 20.0,
              "layers": [layer("binary", 1e-6), layer("int8", 4e-6)]}
        self.assertIn("| fc | int8 | 4.00 | 4.00 | 0.5 | 4.00 | 1.00 |", binary.table(bn))
        self.assertIn("4.00× int8", binary.reading(bn)[0])
        dw = [layer("loops", 3e-6, c=8, h=4, w=4, stride=1), layer("kernel", 1e-6, c=8, h=4, w=4, stride=1)]
        self.assertIn("| loops | 3.00 | 3.00 | 0.3 | 3.00 |", depthwise.table(dw))
        self.assertIn("3.0× faster than the loops", depthwise.reading(dw)[0])


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


class Document(unittest.TestCase):
    def test_only_the_results_section_is_rewritten(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = lambda name: os.path.join(tmp, name)
            write(path("mm.json"), json.dumps(matmul_run(950.0, 1000.0)))
            write(path("models.json"), json.dumps(models_run(1900.0)))
            import report
            write(path("doc.md"), f"before\n{report.BEGIN}\nold\n{report.END}\nafter\n")
            subprocess.run([sys.executable, os.path.join(BENCH, "report.py"), f"--matmul={path('mm.json')}",
                            f"--models={path('models.json')}", f"--conv={path('absent.json')}",
                            f"--results={path('res')}", f"--doc={path('doc.md')}", f"--build={tmp}"],
                           check=True, capture_output=True)
            with open(path("doc.md")) as f:
                doc = f.read()
            self.assertTrue(doc.startswith(f"before\n{report.BEGIN}\n"))
            self.assertTrue(doc.endswith(f"{report.END}\nafter\n"))
            self.assertNotIn("\nold\n", doc)
            self.assertNotIn("### int8 convolutions", doc)  # no conv.json, no subsection
            self.assertIn("- Goal, MobileNetV2 ≥ 3× faster than ONNX Runtime fp32: **met**", doc)
            self.assertTrue(os.path.exists(path("res/models.svg")))


if __name__ == "__main__":
    unittest.main()
