#!/usr/bin/python3
"""Writes the ONNX models of the whole-model benchmark into OUT_DIR.

    make_models.py mlp OUT_DIR            the example MLP, three ONNX files
    make_models.py mobilenet OUT_DIR      MobileNetV2 fp32 + a calibration model
    make_models.py mobilenet-qdq OUT_DIR  MobileNetV2 int8 QDQ from ranges.json
    make_models.py example SRC.onnx NAME OUT_DIR
                                          a trained example (examples/): fp32
                                          with batch norms folded into the
                                          convolutions, + a calibration model
    make_models.py example-qdq NAME OUT_DIR
                                          its int8 QDQ from NAME_ranges.json

The MLP (examples/mlp, 16 -> 32 ReLU -> 10) is rebuilt from the parameters
that generated examples/mlp/mlp.mlir (mlp_params.npz), so ONNX Runtime runs
the same network as Lowbit:
  mlp_fp32.onnx   float: Gemm(w1 * s_w1) + b1 -> Relu -> Gemm -> y, with the
                  dequantized weights and biases;
  mlp_int8.onnx   QDQ with exactly Lowbit's quantization: x quantized with
                  (s_in, z_in) int8, per-channel int8 w1 (axis 0), per-tensor
                  w2, int32 biases (scale s_in*s_w), hidden (s_h, z_h) int8,
                  output (s_out, z_out) int8 then dequantized; ORT fuses it
                  into integer kernels;
  identity.onnx   y = x on [1, 16]: the cost of one session.run call from
                  node (the floor under every ORT latency).
The per-channel weight scales are recovered from the stored multipliers:
s_w[c] = M0[c] * 2^-n[c] * s_h / s_in (relative error <= 2^-31).

MobileNetV2 is torchvision's mobilenet_v2(weights=None) (random weights,
eval mode, batch norm folded by the exporter), exported at [1, 3, 224, 224]
with opset 13. Its int8 version is built here, without onnxruntime's Python
quantizer (not in Debian): per-output-channel symmetric int8 weights and
int32 biases for every Conv/Gemm, and a QuantizeLinear/DequantizeLinear pair
(u8, asymmetric) on every float activation, with min/max ranges measured by
ONNX Runtime on random inputs (models.js calibrate -> ranges.json).

The trained examples (the Fashion-MNIST CNN, the digits MLP) get the same
QDQ treatment; their BatchNormalization nodes are folded into the preceding
Conv first (Lowbit folds them itself; ONNX Runtime could not fuse them once
Q/DQ pairs sit between), so all three runs execute the same network.

Run with Debian's /usr/bin/python3 (numpy, onnx, torch, torchvision).
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def save(model, path):
    onnx.checker.check_model(model)
    onnx.save(model, path)
    print(f"make_models: wrote {path}")


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def mlp(out_dir):
    p = np.load(os.path.join(ROOT, "examples", "mlp", "mlp_params.npz"))
    s_in, z_in = float(p["s_in"]), int(p["z_in"])
    s_h, z_h = float(p["s_h"]), int(p["z_h"])
    s_out, z_out = float(p["s_out"]), int(p["z_out"])
    w1, b1, w2, b2 = p["w1"], p["b1"], p["w2"], p["b2"]
    s_w1 = p["m1"].astype(np.float64) * 2.0 ** -p["n1"].astype(np.float64) * s_h / s_in
    s_w2 = float(p["m2"][0] * 2.0 ** -float(p["n2"][0]) * s_out / s_h)
    n_in, n_h, n_out = w1.shape[1], w1.shape[0], w2.shape[0]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, n_in])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n_out])

    # float
    inits = [init("w1", (w1 * s_w1[:, None]).astype(np.float32)),
             init("b1", (b1 * s_in * s_w1).astype(np.float32)),
             init("w2", (w2 * s_w2).astype(np.float32)),
             init("b2", (b2 * s_h * s_w2).astype(np.float32))]
    nodes = [helper.make_node("Gemm", ["x", "w1", "b1"], ["h0"], transB=1, name="fc1"),
             helper.make_node("Relu", ["h0"], ["h"], name="relu1"),
             helper.make_node("Gemm", ["h", "w2", "b2"], ["y"], transB=1, name="fc2")]
    g = helper.make_graph(nodes, "mlp_fp32", [x], [y], inits)
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)]),
         os.path.join(out_dir, "mlp_fp32.onnx"))

    # int8 QDQ with Lowbit's exact scales and zero points
    f32, i8 = np.float32, np.int8
    inits = [
        init("s_in", f32(s_in)), init("z_in", i8(z_in)),
        init("s_h", f32(s_h)), init("z_h", i8(z_h)),
        init("s_out", f32(s_out)), init("z_out", i8(z_out)),
        init("w1_q", w1.astype(i8)), init("w1_s", s_w1.astype(f32)),
        init("w1_z", np.zeros(n_h, i8)),
        init("b1_q", b1.astype(np.int32)), init("b1_s", (s_in * s_w1).astype(f32)),
        init("b1_z", np.zeros(n_h, np.int32)),
        init("w2_q", w2.astype(i8)), init("w2_s", f32(s_w2)), init("w2_z", i8(0)),
        init("b2_q", b2.astype(np.int32)), init("b2_s", f32(s_h * s_w2)),
        init("b2_z", np.int32(0)),
    ]
    Q = lambda i, s, z, o: helper.make_node("QuantizeLinear", [i, s, z], [o], name="q_" + o)
    DQ = lambda i, s, z, o, **kw: helper.make_node("DequantizeLinear", [i, s, z], [o], name="dq_" + o, **kw)
    nodes = [
        Q("x", "s_in", "z_in", "x_q"), DQ("x_q", "s_in", "z_in", "x_dq"),
        DQ("w1_q", "w1_s", "w1_z", "w1", axis=0), DQ("b1_q", "b1_s", "b1_z", "b1", axis=0),
        helper.make_node("Gemm", ["x_dq", "w1", "b1"], ["h0"], transB=1, name="fc1"),
        helper.make_node("Relu", ["h0"], ["h1"], name="relu1"),
        Q("h1", "s_h", "z_h", "h_q"), DQ("h_q", "s_h", "z_h", "h"),
        DQ("w2_q", "w2_s", "w2_z", "w2"), DQ("b2_q", "b2_s", "b2_z", "b2"),
        helper.make_node("Gemm", ["h", "w2", "b2"], ["y0"], transB=1, name="fc2"),
        Q("y0", "s_out", "z_out", "y_q"), DQ("y_q", "s_out", "z_out", "y"),
    ]
    g = helper.make_graph(nodes, "mlp_int8_qdq", [x], [y], inits)
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)]),
         os.path.join(out_dir, "mlp_int8.onnx"))

    # the cost of a call
    g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "identity",
                          [x], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n_in])])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)]),
         os.path.join(out_dir, "identity.onnx"))


def mobilenet(out_dir):
    import torch
    import torchvision
    torch.manual_seed(20261128)
    net = torchvision.models.mobilenet_v2(weights=None).eval()
    path = os.path.join(out_dir, "mobilenetv2_fp32.onnx")
    torch.onnx.export(net, torch.randn(1, 3, 224, 224), path, opset_version=OPSET,
                      input_names=["x"], output_names=["y"], do_constant_folding=True)
    model = onnx.load(path)
    # The exporter shares equal initializers (here the all-zero biases of the
    # folded batch norms) through Identity nodes: give each its own copy so
    # every Conv reads its weights and bias from initializers.
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    for n in [n for n in g.node if n.op_type == "Identity" and n.input[0] in inits]:
        copy = onnx.TensorProto()
        copy.CopyFrom(inits[n.input[0]])
        copy.name = n.output[0]
        g.initializer.append(copy)
        g.node.remove(n)
    save(model, path)
    calibration_model(model, os.path.join(out_dir, "mobilenetv2_calib.onnx"))


def calibration_model(model, path):
    """`model` with every float activation also an output (models.js
    calibrate records the min/max of each)."""
    inferred = onnx.shape_inference.infer_shapes(model)
    outs = {o.name for o in model.graph.output}
    extra = [vi for vi in inferred.graph.value_info
             if vi.type.tensor_type.elem_type == TensorProto.FLOAT and vi.name not in outs]
    model.graph.output.extend(extra)
    save(model, path)


def fold_batchnorm(model):
    """Folds each BatchNormalization whose input is a Conv with initializer
    weights (and no other user) into that Conv's weights and bias."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    users = {}
    for n in g.node:
        for i in n.input:
            users[i] = users.get(i, 0) + 1
    producer = {o: n for n in g.node for o in n.output}
    for bn in [n for n in g.node if n.op_type == "BatchNormalization"]:
        conv = producer.get(bn.input[0])
        if (conv is None or conv.op_type != "Conv" or users[bn.input[0]] != 1
                or conv.input[1] not in inits
                or not all(i in inits for i in bn.input[1:5])):
            continue
        eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        gamma, beta, mean, var = (numpy_helper.to_array(inits[i]).astype(np.float64)
                                  for i in bn.input[1:5])
        w = numpy_helper.to_array(inits[conv.input[1]]).astype(np.float64)
        b = (numpy_helper.to_array(inits[conv.input[2]]).astype(np.float64)
             if len(conv.input) > 2 else np.zeros(w.shape[0]))
        k = gamma / np.sqrt(var + eps)
        w_name, b_name = conv.name + "_w_folded", conv.name + "_b_folded"
        g.initializer.extend([
            init(w_name, (w * k.reshape((-1,) + (1,) * (w.ndim - 1))).astype(np.float32)),
            init(b_name, ((b - mean) * k + beta).astype(np.float32))])
        del conv.input[1:]
        conv.input.extend([w_name, b_name])
        conv.output[0] = bn.output[0]
        g.node.remove(bn)
    used = {i for n in g.node for i in n.input}
    for i in [i for i in g.initializer if i.name not in used]:
        g.initializer.remove(i)
    return model


def example(src, name, out_dir):
    model = fold_batchnorm(onnx.load(src))
    save(model, os.path.join(out_dir, f"{name}_fp32.onnx"))
    calibration_model(model, os.path.join(out_dir, f"{name}_calib.onnx"))


def qparams(lo, hi):
    """u8 asymmetric scale and zero point covering [min(lo, 0), max(hi, 0)]."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    s = (hi - lo) / 255.0 if hi > lo else 1.0
    z = int(np.clip(np.round(-lo / s), 0, 255))
    return np.float32(s), np.uint8(z)


def mobilenet_qdq(out_dir):
    qdq(os.path.join(out_dir, "mobilenetv2_fp32.onnx"), os.path.join(out_dir, "ranges.json"),
        os.path.join(out_dir, "mobilenetv2_int8.onnx"), "mobilenetv2_int8_qdq")


def qdq(src, ranges_path, dst, graph_name):
    """The int8 QDQ graph of the fp32 model `src` with the activation ranges
    of `ranges_path` (see the module comment)."""
    model = onnx.load(src)
    ranges = json.load(open(ranges_path))
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    produced_by_constant = {o for n in g.node if n.op_type == "Constant" for o in n.output}
    new_inits, new_nodes = [], []
    act = {}  # activation tensor -> (scale, zero point) names

    def qdq_names(t):
        if t not in act:
            s, z = qparams(*ranges[t])
            new_inits.extend([init(t + "_s", s), init(t + "_z", z)])
            act[t] = (t + "_s", t + "_z", float(s))
        return act[t]

    # Activations: the graph input and every float node output with a range.
    acts = [i.name for i in g.input if i.name in ranges]
    # A tensor whose only users are Clip/Relu gets no Q/DQ of its own: the
    # activation's output range quantizes it (as onnxruntime's quantizer
    # does), so ORT can drop the clamp into the QLinearConv's output range.
    users = {}
    for n in g.node:
        for i in n.input:
            users.setdefault(i, []).append(n.op_type)
    acts += [o for n in g.node for o in n.output
             if o in ranges and o not in produced_by_constant
             and not (users.get(o) and all(u in ("Clip", "Relu") for u in users[o]))]
    rename = {}
    for t in acts:
        s, z, _ = qdq_names(t)
        new_nodes.append(helper.make_node("QuantizeLinear", [t, s, z], [t + "_q"], name="q_" + t))
        new_nodes.append(helper.make_node("DequantizeLinear", [t + "_q", s, z], [t + "_dq"], name="dq_" + t))
        rename[t] = t + "_dq"
    graph_outputs = {o.name for o in g.output}

    nodes = []
    for n in g.node:
        ins = [rename.get(i, i) for i in n.input]
        if n.op_type in ("Conv", "Gemm") and n.input[1] in inits:
            w = numpy_helper.to_array(inits[n.input[1]]).astype(np.float64)
            # Gemm with transB=1 has [N, K] weights; Conv [Cout, Cin/g, kh, kw]:
            # axis 0 is the output channel for both.
            s_w = np.abs(w.reshape(w.shape[0], -1)).max(axis=1) / 127.0
            s_w[s_w == 0] = 1.0
            shape = (-1,) + (1,) * (w.ndim - 1)
            wq = np.clip(np.round(w / s_w.reshape(shape)), -127, 127).astype(np.int8)
            wn = n.input[1]
            new_inits += [init(wn + "_q", wq), init(wn + "_s", s_w.astype(np.float32)),
                          init(wn + "_z", np.zeros(len(s_w), np.int8))]
            nodes.append(helper.make_node("DequantizeLinear", [wn + "_q", wn + "_s", wn + "_z"],
                                          [wn + "_dqw"], axis=0, name="dq_" + wn))
            ins[1] = wn + "_dqw"
            if len(n.input) > 2 and n.input[2] in inits:
                b = numpy_helper.to_array(inits[n.input[2]]).astype(np.float64)
                s_b = act[n.input[0]][2] * s_w
                bq = np.clip(np.round(b / s_b), -2**31, 2**31 - 1).astype(np.int32)
                bn = n.input[2]
                new_inits += [init(bn + "_q", bq), init(bn + "_s", s_b.astype(np.float32)),
                              init(bn + "_z", np.zeros(len(s_b), np.int32))]
                nodes.append(helper.make_node("DequantizeLinear", [bn + "_q", bn + "_s", bn + "_z"],
                                              [bn + "_dqb"], axis=0, name="dq_" + bn))
                ins[2] = bn + "_dqb"
        n2 = helper.make_node(n.op_type, ins, list(n.output), name=n.name, domain=n.domain)
        n2.attribute.extend(n.attribute)
        nodes.append(n2)
        # Put each activation's Q/DQ right after its producer (topological).
        for o in n.output:
            if o in rename:
                nodes.extend(q for q in new_nodes if q.input[0] == o or q.input[0] == o + "_q")
    # Graph input Q/DQ first.
    head = [q for q in new_nodes if q.input[0] in [i.name for i in g.input]
            or q.input[0] in [i.name + "_q" for i in g.input]]
    # The graph output is the DQ'ed value: y -> Q -> DQ -> y_dq; rename back.
    out_map = {}
    for o in graph_outputs:
        if o in rename:
            out_map[o] = rename[o]
    used = {i.name for i in g.initializer}
    keep = [i for i in g.initializer if not any(
        i.name == n.input[1] or (len(n.input) > 2 and i.name == n.input[2])
        for n in g.node if n.op_type in ("Conv", "Gemm"))]
    del used
    outputs = []
    for o in g.output:
        vi = onnx.ValueInfoProto()
        vi.CopyFrom(o)
        vi.name = out_map.get(o.name, o.name)
        outputs.append(vi)
    graph = helper.make_graph(head + nodes, graph_name, list(g.input), outputs,
                              keep + new_inits)
    m = helper.make_model(graph, opset_imports=list(model.opset_import))
    save(m, dst)


def main():
    args = sys.argv[1:]
    commands = {"mlp": (1, mlp), "mobilenet": (1, mobilenet),
                "mobilenet-qdq": (1, mobilenet_qdq), "example": (3, example),
                "example-qdq": (2, lambda name, out: qdq(
                    os.path.join(out, f"{name}_fp32.onnx"),
                    os.path.join(out, f"{name}_ranges.json"),
                    os.path.join(out, f"{name}_int8.onnx"), f"{name}_int8_qdq"))}
    if not args or args[0] not in commands or len(args) != 1 + commands[args[0]][0]:
        sys.exit(__doc__)
    os.makedirs(args[-1], exist_ok=True)
    commands[args[0]][1](*args[1:])


if __name__ == "__main__":
    main()
