#!/usr/bin/python3
"""Runs ONNX's operator test suite (Debian's libonnx-testdata) through
lowbit-translate --import-onnx and the reference interpreter lowbit-run.

Usage: run_conformance.py BIN_DIR WORK_DIR [--expected FILE] [--write-expected FILE]
                          [--data DIR]

Every test under DATA/node whose model uses only operators the importer
supports is run. Graph inputs other than the first become initializers
(Lowbit compiles models whose parameters are constants: scales, zero points,
shapes, the second operand of Add, ...). Each test data set's first output is
compared with the expected one: float outputs within rtol 1e-4 / atol 1e-5,
quantized and integer outputs exactly.

Prints one line per test (PASS / FAIL / UNSUPPORTED with the reason) and a
summary. With --expected, exits non-zero if a test listed there does not
pass: the list is the conformance subset `make check` guards.
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

SUPPORTED_OPS = {
    "Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Relu", "Clip",
    "LeakyRelu", "Sigmoid", "Tanh", "HardSwish", "Sign", "BatchNormalization",
    "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape",
    "Squeeze", "Unsqueeze", "Transpose", "Concat", "Softmax", "Identity",
    "Dropout", "Constant", "QuantizeLinear", "DequantizeLinear", "QLinearConv",
    "QLinearMatMul", "ConvInteger", "MatMulInteger",
}
# Outputs of these ops are compared bit for bit.
EXACT_OPS = {"QuantizeLinear", "DequantizeLinear", "QLinearConv",
             "QLinearMatMul", "ConvInteger", "MatMulInteger"}


def read_tensor(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return tensor


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    return result.returncode, (result.stderr or result.stdout).strip()


def run_test(test_dir, bin_dir, work):
    """Returns (status, detail)."""
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    ops = {node.op_type for node in model.graph.node}
    unsupported = sorted(ops - SUPPORTED_OPS)
    if unsupported:
        return "SKIP", "operators " + ", ".join(unsupported)
    data_sets = sorted(d for d in os.listdir(test_dir)
                       if d.startswith("test_data_set"))
    if not data_sets:
        return "SKIP", "no test data"
    exact = bool(ops & EXACT_OPS)
    os.makedirs(work, exist_ok=True)
    initializer_names = {init.name for init in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializer_names]
    for data_set in data_sets:
        data_dir = os.path.join(test_dir, data_set)
        frozen = onnx.ModelProto()
        frozen.CopyFrom(model)
        # Inputs 1.. become initializers holding this data set's values.
        for index, info in enumerate(inputs[1:], start=1):
            path = os.path.join(data_dir, "input_%d.pb" % index)
            if not os.path.exists(path):
                continue
            tensor = read_tensor(path)
            tensor.name = info.name
            frozen.graph.initializer.append(tensor)
        model_path = os.path.join(work, "model.onnx")
        onnx.save(frozen, model_path)
        mlir_path = os.path.join(work, "model.mlir")
        code, message = run([os.path.join(bin_dir, "lowbit-translate"),
                             "--import-onnx", model_path, "-o", mlir_path])
        if code:
            return "UNSUPPORTED", message.splitlines()[0] if message else "?"
        if not inputs:
            return "SKIP", "no graph input"
        x = numpy_helper.to_array(
            read_tensor(os.path.join(data_dir, "input_0.pb")))
        in_path = os.path.join(work, "in.npy")
        out_path = os.path.join(work, "out.npy")
        np.save(in_path, x.astype(np.float32))
        code, message = run([os.path.join(bin_dir, "lowbit-run"), mlir_path,
                             in_path, out_path])
        if code:
            return "FAIL", message.splitlines()[0] if message else "?"
        expected = numpy_helper.to_array(
            read_tensor(os.path.join(data_dir, "output_0.pb")))
        actual = np.load(out_path)
        if actual.shape != expected.shape:
            return "FAIL", "shape %s, expected %s" % (actual.shape,
                                                      expected.shape)
        if exact or expected.dtype != np.float32:
            # Quantized results come back dequantized or as integers; the
            # stored values must agree exactly.
            if not np.array_equal(actual.astype(np.float64),
                                  expected.astype(np.float64)):
                if expected.dtype == np.float32:
                    diff = np.abs(actual - expected).max()
                    return "FAIL", "%s: max difference %g" % (data_set, diff)
                bad = int(np.sum(actual.astype(np.int64)
                                 != expected.astype(np.int64)))
                return "FAIL", "%s: %d of %d values differ" % (
                    data_set, bad, expected.size)
        elif not np.allclose(actual, expected, rtol=1e-4, atol=1e-5,
                             equal_nan=True):
            diff = np.abs(actual.astype(np.float64) - expected).max()
            return "FAIL", "%s: max difference %g" % (data_set, diff)
    return "PASS", "%d data set(s)%s" % (len(data_sets),
                                         ", exact" if exact else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin_dir")
    parser.add_argument("work_dir")
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    parser.add_argument("--expected")
    parser.add_argument("--write-expected")
    args = parser.parse_args()

    node_dir = os.path.join(args.data, "node")
    counts = {}
    passed = []
    names = sorted(os.listdir(node_dir))
    # The tests run lowbit-translate and lowbit-run as subprocesses: threads
    # keep every core busy.
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        results = list(pool.map(
            lambda name: run_test(os.path.join(node_dir, name), args.bin_dir,
                                  os.path.join(args.work_dir, name)), names))
    for name, (status, detail) in zip(names, results):
        counts[status] = counts.get(status, 0) + 1
        if status == "PASS":
            passed.append(name)
        if status != "SKIP":
            print("%-11s %s: %s" % (status, name, detail))
    print("conformance: %d passed, %d failed, %d unsupported by the importer, "
          "%d skipped (operators outside the supported set)"
          % (counts.get("PASS", 0), counts.get("FAIL", 0),
             counts.get("UNSUPPORTED", 0), counts.get("SKIP", 0)))
    if args.write_expected:
        with open(args.write_expected, "w") as f:
            f.write("# ONNX operator tests that must pass (run_conformance.py"
                    " --write-expected)\n")
            for name in passed:
                f.write(name + "\n")
    if args.expected:
        with open(args.expected) as f:
            expected = [l.strip() for l in f
                        if l.strip() and not l.startswith("#")]
        missing = sorted(set(expected) - set(passed))
        if missing:
            print("regressions: " + ", ".join(missing))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
