#!/usr/bin/python3
"""Writes a small float MLP as ONNX (Gemm, Relu, MatMul + Add, Clip,
HardSwish, Flatten) with deterministic weights, for the post-training
quantization tests: make_mlp_onnx.py OUT.onnx"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def init(name, array):
    return numpy_helper.from_array(array.astype(np.float32), name)


w1 = rng.normal(0, 0.5, (12, 16))
b1 = rng.normal(0, 0.1, (12,))
w2 = rng.normal(0, 0.4, (12, 8))      # MatMul: [K, N]
b2 = rng.normal(0, 0.1, (8,))
w3 = rng.normal(0, 0.4, (5, 8))
b3 = rng.normal(0, 0.1, (5,))
nodes = [
    helper.make_node("Flatten", ["x"], ["xf"], name="flatten", axis=1),
    helper.make_node("Gemm", ["xf", "w1", "b1"], ["h1"], name="fc1",
                     transB=1),
    helper.make_node("Relu", ["h1"], ["a1"], name="relu1"),
    helper.make_node("MatMul", ["a1", "w2"], ["m2"], name="fc2"),
    helper.make_node("Add", ["m2", "b2"], ["h2"], name="fc2_bias"),
    helper.make_node("Clip", ["h2", "lo", "hi"], ["a2"], name="relu6"),
    helper.make_node("Gemm", ["a2", "w3", "b3"], ["h3"], name="fc3",
                     transB=1),
    helper.make_node("HardSwish", ["h3"], ["y"], name="hswish"),
]
graph = helper.make_graph(
    nodes, "mlp",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])],
    [init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2),
     init("w3", w3), init("b3", b3),
     init("lo", np.array(0.0)), init("hi", np.array(6.0))])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, sys.argv[1])
