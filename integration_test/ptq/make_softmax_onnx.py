#!/usr/bin/python3
"""Writes a small float MLP ending in Softmax as ONNX, and the same graph
without the Softmax (its logits), with deterministic weights, for the test
of the integer softmax: make_softmax_onnx.py MODEL.onnx LOGITS.onnx

  x [1,16] -> gemm -> relu -> gemm -> [1,20] -> reshape [1,10,2] = logits
  probs = softmax(logits, axis=1): 10 classes for each of 2 heads, so the
  softmax runs along a middle axis (rows of stride 2)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(5)


def init(name, array, dtype=np.float32):
    return numpy_helper.from_array(array.astype(dtype), name)


inits = [
    init("w1", rng.normal(0, 0.5, (32, 16))),
    init("b1", rng.normal(0, 0.1, (32,))),
    init("w2", rng.normal(0, 0.5, (20, 32))),
    init("b2", rng.normal(0, 0.3, (20,))),
    init("shape", np.array([1, 10, 2]), np.int64),
]
body = [
    helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1", transB=1),
    helper.make_node("Relu", ["h"], ["r"], name="relu1"),
    helper.make_node("Gemm", ["r", "w2", "b2"], ["y"], name="fc2", transB=1),
    helper.make_node("Reshape", ["y", "shape"], ["logits"], name="heads"),
]
softmax = helper.make_node("Softmax", ["logits"], ["probs"], name="probs",
                           axis=1)
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])


def save(nodes, output, path):
    graph = helper.make_graph(
        nodes, "softmax",
        [x], [helper.make_tensor_value_info(output, TensorProto.FLOAT,
                                            [1, 10, 2])], inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)


save(body + [softmax], "probs", sys.argv[1])
save(body, "logits", sys.argv[2])
