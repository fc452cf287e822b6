#!/usr/bin/python3
"""Writes a small float CNN with a residual Add, a Concat of two branches
and a broadcast Add of a constant as ONNX, with deterministic weights, for
the tests of the rescaling ops: make_residual_onnx.py OUT.onnx

  x [1,3,8,8] -> conv1 -> relu -> a -> conv2 -> relu -> b
  r = a + b (residual: the two inputs have different ranges)
  c = conv3(r) (1x1);  k = concat(c, r) along the channels
  s = k + shift (a constant [1,12,1,1], broadcast)
  y = gemm(flatten(global_average_pool(s)))"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(11)


def init(name, array):
    return numpy_helper.from_array(array.astype(np.float32), name)


inits = [
    init("w1", rng.normal(0, 0.4, (6, 3, 3, 3))),
    init("b1", rng.normal(0, 0.1, (6,))),
    init("w2", rng.normal(0, 0.8, (6, 6, 3, 3))),
    init("b2", rng.normal(0, 0.1, (6,))),
    init("w3", rng.normal(0, 0.5, (6, 6, 1, 1))),
    init("shift", rng.normal(0, 0.5, (1, 12, 1, 1))),
    init("w4", rng.normal(0, 0.5, (4, 12))),
    init("b4", rng.normal(0, 0.1, (4,))),
]
conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["h1"], name="conv1", **conv),
    helper.make_node("Relu", ["h1"], ["a"], name="relu1"),
    helper.make_node("Conv", ["a", "w2", "b2"], ["h2"], name="conv2", **conv),
    helper.make_node("Relu", ["h2"], ["b"], name="relu2"),
    helper.make_node("Add", ["a", "b"], ["r"], name="residual"),
    helper.make_node("Conv", ["r", "w3"], ["c"], name="conv3",
                     kernel_shape=[1, 1]),
    helper.make_node("Concat", ["c", "r"], ["k"], name="concat", axis=1),
    helper.make_node("Add", ["k", "shift"], ["s"], name="shift"),
    helper.make_node("GlobalAveragePool", ["s"], ["p"], name="pool"),
    helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
    helper.make_node("Gemm", ["f", "w4", "b4"], ["y"], name="fc", transB=1),
]
graph = helper.make_graph(
    nodes, "residual",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, sys.argv[1])
