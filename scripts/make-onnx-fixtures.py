#!/usr/bin/python3
"""Generates the ONNX test fixtures of the importer (`lowbit-translate
--import-onnx`) and the reference interpreter (`lowbit-run`): small real
models, their inputs and reference outputs.

    /usr/bin/python3 scripts/make-onnx-fixtures.py [OUTDIR]

OUTDIR defaults to test/Frontend/ONNX/Inputs (relative to the repository).
Needs Debian's python3-torch, python3-onnx, python3-numpy and
dataset-fashion-mnist (/usr/share/datasets/fashion-mnist); no network.
test/Frontend/ONNX/Inputs/README.md (not generated) lists the files.

Conventions:
- every model has exactly one graph input and one graph output (except the
  deliberately bad ones); the model's batch dimension is 1 and the .npy
  files carry the samples in dim 0: `X.input.npy` has shape
  [N] + input_shape[1:], the reference outputs [N] + output_shape[1:];
- the .npy files have the element type of the model's input/output
  (float32, or uint8/int8/int32 for the QOperator models);
- every node has a unique, meaningful name.

Deterministic: fixed seeds, one thread, torch.use_deterministic_algorithms;
running it twice on the same machine writes byte-identical files (the
trained models depend on the machine's float arithmetic only through
PyTorch's CPU kernels).

The installed onnx (1.12) has no onnx.reference.ReferenceEvaluator. The
reference outputs of the onnx.helper-built models therefore come from
`run_onnx` below, a small evaluator written from the ONNX operator
specifications (numpy, with PyTorch's float64 conv/pool kernels for exact
integer sums); mlp_ops's is PyTorch code mirroring the graph and is
cross-checked against `run_onnx`. When ReferenceEvaluator is available the
script also checks every result against it and writes cnn_qdq.onnxref.npy.
"""
import copy
import gzip
import io
import os
import sys
import time
from collections import Counter

import numpy as np
import onnx
import torch
import torch.ao.quantization as tq
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

try:
    from onnx.reference import ReferenceEvaluator
except ImportError:
    ReferenceEvaluator = None

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = "/usr/share/datasets/fashion-mnist"
# Fashion-MNIST's training-set mean and standard deviation of x / 255; the
# CNNs take (x / 255 - MEAN) / STD.
MEAN, STD = 0.2860, 0.3530
# The CNNs use opset 14: HardSwish only exists from opset 14 on (at 13
# PyTorch decomposes nn.Hardswish into HardSigmoid + Mul). QuantizeLinear
# and DequantizeLinear are the same (version 13, per-axis) at 13 and 14.
CNN_OPSET = 14
OPSET = 13
IR_VERSION = 8

torch.manual_seed(0)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def check(model):
    onnx.checker.check_model(model, full_check=True)
    names = [n.name for n in model.graph.node]
    assert all(names) and len(set(names)) == len(names), names


def op_counts(model):
    return dict(sorted(Counter(n.op_type for n in model.graph.node).items()))


def io_summary(model):
    def desc(v):
        t = v.type.tensor_type
        dims = [d.dim_param or d.dim_value for d in t.shape.dim]
        return "%s:%s%s" % (v.name, TensorProto.DataType.Name(t.elem_type)
                            .lower(), dims)
    return ", ".join(desc(v) for v in model.graph.input) + " -> " + \
        ", ".join(desc(v) for v in model.graph.output)


def opset_of(model):
    return [o.version for o in model.opset_import
            if o.domain in ("", "ai.onnx")][0]


def save_model(out, name, model):
    check(model)
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    print("%-26s %6d B  opset %d  %s  %s" % (
        name, os.path.getsize(path), opset_of(model), io_summary(model),
        " ".join("%s=%d" % kv for kv in op_counts(model).items())))


def save_npy(out, name, array):
    path = os.path.join(out, name)
    np.save(path, array)
    print("%-26s %6d B  %s %s" % (name, os.path.getsize(path), array.dtype,
                                  list(array.shape)))


def make_model(nodes, name, inputs, outputs, initializers, opset=OPSET):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)],
        producer_name="lowbit make-onnx-fixtures.py")
    model.ir_version = IR_VERSION
    return model


def tensor_info(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


# ---------------------------------------------------------------------------
# A small ONNX evaluator for the ops of these fixtures, from the operator
# specifications. Float ops in float32; integer convolutions and matmuls in
# float64 (exact: every sum here is far below 2^53).
# ---------------------------------------------------------------------------

def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a, dtype):
    """ONNX Conv (2-D or 1-D) in `dtype` through PyTorch's conv kernels."""
    rank = x.ndim - 2
    strides = a.get("strides", [1] * rank)
    dilations = a.get("dilations", [1] * rank)
    pads = list(a.get("pads", [0] * (2 * rank)))
    assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
    tx = torch.from_numpy(np.array(x, dtype))
    # F.pad wants (last_begin, last_end, ..., first_begin, first_end).
    torch_pads = []
    for i in reversed(range(rank)):
        torch_pads += [pads[i], pads[rank + i]]
    tx = F.pad(tx, torch_pads)
    tw = torch.from_numpy(np.array(w, dtype))
    tb = None if b is None else torch.from_numpy(np.array(b, dtype))
    conv = F.conv2d if rank == 2 else F.conv1d
    return conv(tx, tw, tb, stride=strides, dilation=dilations,
                groups=a.get("group", 1)).numpy()


def _pool(kind, x, a):
    tx = torch.from_numpy(np.array(x))
    kernel = a["kernel_shape"]
    strides = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    assert pads[0] == pads[2] and pads[1] == pads[3]
    assert not a.get("ceil_mode", 0)
    if kind == "MaxPool":
        return F.max_pool2d(tx, kernel, strides, pads[:2]).numpy()
    return F.avg_pool2d(tx, kernel, strides, pads[:2],
                        count_include_pad=bool(a.get("count_include_pad", 0))
                        ).numpy()


def _saturate(r, dtype):
    info = np.iinfo(dtype)
    return np.clip(r, info.min, info.max).astype(dtype)


def _per_axis(v, axis, ndim):
    v = np.asarray(v)
    if v.ndim == 0:
        return v
    shape = [1] * ndim
    shape[axis] = v.size
    return v.reshape(shape)


TIE_DISTANCE = []


def _requantize(acc, multiplier, zero_point):
    """round_half_even(acc * multiplier) + zero_point, saturated; the
    multiplier x_scale * w_scale / y_scale is computed in float32 (as the
    tensors are), the product in float64."""
    v = acc.astype(np.float64) * multiplier.astype(np.float64)
    # How close the exact products come to a rounding tie: far from one,
    # every correct fixed-point implementation rounds as float64 does.
    TIE_DISTANCE.append(np.abs(np.abs(v - np.floor(v)) - 0.5).min())
    r = np.rint(v)
    return _saturate(r + zero_point.astype(np.int64), zero_point.dtype)


def eval_node(node, ins):
    op, a = node.op_type, _attrs(node)
    x = ins[0] if ins else None
    if op == "Constant":
        return [numpy_helper.to_array(a["value"])]
    if op in ("Identity", "Dropout"):
        return [x]
    if op == "Conv":
        return [_conv(x, ins[1], ins[2] if len(ins) > 2 else None, a,
                      np.float32)]
    if op == "BatchNormalization":
        scale, bias, mean, var = (_per_axis(v, 1, x.ndim) for v in ins[1:5])
        eps = np.float32(a.get("epsilon", 1e-5))
        return [((x - mean) / np.sqrt(var + eps) * scale + bias)
                .astype(np.float32)]
    if op == "Relu":
        return [np.maximum(x, np.float32(0))]
    if op == "Clip":
        return [np.clip(x, ins[1], ins[2]).astype(np.float32)]
    if op == "HardSwish":
        return [(x * np.clip(x / np.float32(6) + np.float32(0.5), 0, 1))
                .astype(np.float32)]
    if op == "LeakyRelu":
        return [np.where(x < 0, x * np.float32(a.get("alpha", 0.01)), x)
                .astype(np.float32)]
    if op == "Sigmoid":
        return [(1 / (1 + np.exp(-x))).astype(np.float32)]
    if op == "Tanh":
        return [np.tanh(x)]
    if op == "Sign":
        return [np.sign(x)]
    if op in ("MaxPool", "AveragePool"):
        return [_pool(op, x, a)]
    if op == "GlobalAveragePool":
        return [x.mean(axis=(2, 3), keepdims=True, dtype=np.float32)]
    if op == "Flatten":
        axis = a.get("axis", 1)
        return [x.reshape(int(np.prod(x.shape[:axis])), -1)]
    if op == "Gemm":
        A = x.T if a.get("transA", 0) else x
        B = ins[1].T if a.get("transB", 0) else ins[1]
        y = np.float32(a.get("alpha", 1.0)) * (A @ B)
        if len(ins) > 2:
            y = y + np.float32(a.get("beta", 1.0)) * ins[2]
        return [y.astype(np.float32)]
    if op == "MatMul":
        return [np.matmul(x, ins[1])]
    if op in ("Add", "Sub", "Mul"):
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}[op]
        return [f(x, ins[1])]
    if op == "Transpose":
        return [np.transpose(x, a.get("perm"))]
    if op == "Reshape":
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(ins[1])]
        return [x.reshape(shape)]
    if op == "Concat":
        return [np.concatenate(ins, axis=a["axis"])]
    if op == "Squeeze":
        return [np.squeeze(x, axis=tuple(int(v) for v in ins[1]))]
    if op == "Unsqueeze":
        return [np.expand_dims(x, axis=tuple(int(v) for v in ins[1]))]
    if op == "Softmax":
        axis = a.get("axis", -1)
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return [(e / e.sum(axis=axis, keepdims=True)).astype(np.float32)]
    if op == "QuantizeLinear":
        axis = a.get("axis", 1)
        scale = _per_axis(ins[1], axis, x.ndim)
        zp = ins[2]
        q = np.rint(x / scale) + _per_axis(zp, axis, x.ndim).astype(np.float32)
        return [_saturate(q, zp.dtype)]
    if op == "DequantizeLinear":
        axis = a.get("axis", 1)
        zp = _per_axis(ins[2], axis, x.ndim).astype(np.int32)
        return [((x.astype(np.int32) - zp).astype(np.float32)
                 * _per_axis(ins[1], axis, x.ndim)).astype(np.float32)]
    if op == "MatMulInteger":
        A = x.astype(np.int64) - ins[2].astype(np.int64)
        B = ins[1].astype(np.int64) - ins[3].astype(np.int64)
        return [np.matmul(A.astype(np.float64), B.astype(np.float64))
                .astype(np.int32)]
    if op == "ConvInteger":
        X = x.astype(np.int64) - ins[2].astype(np.int64)
        W = ins[1].astype(np.int64) - _per_axis(ins[3], 0, ins[1].ndim)
        return [_conv(X, W, None, a, np.float64).astype(np.int32)]
    if op == "QLinearMatMul":
        a_, a_s, a_zp, b_, b_s, b_zp, y_s, y_zp = ins
        A = a_.astype(np.int64) - a_zp.astype(np.int64)
        B = b_.astype(np.int64) - b_zp.astype(np.int64)  # per column: [N]
        acc = np.matmul(A.astype(np.float64), B.astype(np.float64))
        return [_requantize(acc, a_s * b_s / y_s, y_zp)]
    if op == "QLinearConv":
        x_, x_s, x_zp, w, w_s, w_zp, y_s, y_zp = ins[:8]
        X = x_.astype(np.int64) - x_zp.astype(np.int64)
        W = w.astype(np.int64) - _per_axis(w_zp, 0, w.ndim).astype(np.int64)
        bias = ins[8].astype(np.float64) if len(ins) > 8 else None
        acc = _conv(X, W, bias, a, np.float64)
        multiplier = _per_axis(x_s * w_s / y_s, 1, acc.ndim)
        return [_requantize(acc, multiplier, y_zp)]
    raise NotImplementedError(op)


def run_onnx(model, x):
    """Runs `model` on one sample `x` (with the model's batch dim)."""
    env = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    env[model.graph.input[0].name] = x
    for node in model.graph.node:
        outs = eval_node(node, [env[n] if n else None for n in node.input])
        for name, value in zip(node.output, outs):
            if name:
                env[name] = value
    return env[model.graph.output[0].name]


def run_onnx_batch(model, xs):
    return np.concatenate([run_onnx(model, xs[i:i + 1])
                           for i in range(len(xs))])


def reference_evaluator_batch(model, xs):
    """onnx.reference.ReferenceEvaluator's outputs, or None without it."""
    if ReferenceEvaluator is None:
        return None
    ref = ReferenceEvaluator(model)
    name = model.graph.input[0].name
    return np.concatenate([ref.run(None, {name: xs[i:i + 1]})[0]
                           for i in range(len(xs))])


# ---------------------------------------------------------------------------
# Fashion-MNIST and the CNNs
# ---------------------------------------------------------------------------

def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
             for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def normalize(images):
    """uint8 [N, 28, 28] -> float32 [N, 1, 28, 28]."""
    x = (images.astype(np.float32) / np.float32(255) - np.float32(MEAN)) \
        / np.float32(STD)
    return torch.from_numpy(x[:, None].astype(np.float32))


class CNN(nn.Module):
    """28x28 -> conv 3x3 (no bias) + BN + ReLU -> max pool 2 (14x14) ->
    depthwise 3x3 + BN + ReLU6 -> pointwise 1x1 + BN + HardSwish ->
    average pool 2 (7x7) -> conv 3x3 stride 2 pad 1 + ReLU (32x4x4) ->
    global average pool -> flatten -> linear (logits)."""

    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()      # identities until QAT
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.bn2 = nn.BatchNorm2d(8)
        self.relu6 = nn.ReLU6()
        self.pw = nn.Conv2d(8, 16, 1)
        self.bn3 = nn.BatchNorm2d(16)
        self.hswish = nn.Hardswish()
        # count_include_pad=False: with the default True PyTorch exports an
        # explicit (all-zero) Pad before the AveragePool.
        self.pool2 = nn.AvgPool2d(2, count_include_pad=False)
        self.conv3 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.relu3 = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(32, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.relu6(self.bn2(self.dw(x)))
        x = self.hswish(self.bn3(self.pw(x)))
        x = self.relu3(self.conv3(self.pool2(x)))
        x = self.fc(self.flatten(self.gap(x)))
        return self.dequant(x)


def train(model, x, y, steps, lrs, seed, batch=64):
    """Adam, `steps` batches, the learning rate going through `lrs` in
    equal phases."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lrs[0])
    model.train()
    epochs = (steps * batch + len(x) - 1) // len(x)
    perm = torch.cat([torch.randperm(len(x), generator=gen)
                      for _ in range(epochs)])
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lrs[step * len(lrs) // steps]
        idx = perm[step * batch:][:batch]
        opt.zero_grad()
        F.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + 500])
                            for i in range(0, len(x), 500)])
    return float((logits.argmax(1) == y).float().mean())


def per_sample(model, x):
    """The model's outputs computed one sample at a time (as the importer
    and the interpreter run it)."""
    with torch.no_grad():
        return torch.cat([model(x[i:i + 1]) for i in range(len(x))]).numpy()


def export(model, opset, **kwargs):
    f = io.BytesIO()
    torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),), f,
                      opset_version=opset, input_names=["image"],
                      output_names=["logits"], **kwargs)
    return onnx.load_from_string(f.getvalue())


def make_cnns(out):
    start = time.process_time()
    train_x = normalize(read_idx("train-images-idx3-ubyte.gz"))
    train_y = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz")
                               .astype(np.int64))
    test_x = normalize(read_idx("t10k-images-idx3-ubyte.gz"))
    test_y = torch.from_numpy(read_idx("t10k-labels-idx1-ubyte.gz")
                              .astype(np.int64))
    samples = test_x[:8].clone()

    # --- cnn_float: brief training, exported with BatchNormalization kept.
    torch.manual_seed(1)
    model = CNN()
    train(model, train_x, train_y, steps=1800, lrs=[5e-3, 2e-3, 5e-4],
          seed=3)
    model.eval()
    acc_float = accuracy(model, test_x, test_y)
    print("cnn_float: Fashion-MNIST test accuracy %.2f%% (10000 images), "
          "%.1f s CPU so far" % (100 * acc_float, time.process_time() - start))
    # TrainingMode.PRESERVE with the model in eval mode: an eval-mode export
    # (TrainingMode.EVAL) folds BatchNormalization into the Conv weights.
    m = export(model, CNN_OPSET, do_constant_folding=False,
               training=torch.onnx.TrainingMode.PRESERVE)
    assert op_counts(m).get("BatchNormalization") == 3, op_counts(m)
    save_model(out, "cnn_float.onnx", m)
    ref = per_sample(model, samples)
    ours = run_onnx_batch(m, samples.numpy())
    assert np.allclose(ours, ref, atol=1e-4), np.abs(ours - ref).max()
    save_npy(out, "cnn_float.input.npy", samples.numpy())
    save_npy(out, "cnn_float.torch.npy", ref)

    # --- cnn_qdq: the trained CNN with BatchNorm folded (eager-mode
    # fuse_modules in eval mode), QAT-prepared (fake quantization: per-channel
    # symmetric int8 weights, per-tensor asymmetric uint8 activations; ONNX's
    # QuantizeLinear only takes the full [0, 255] / [-128, 127] ranges),
    # fine-tuned briefly, observers frozen, exported.
    q = copy.deepcopy(model).eval()
    tq.fuse_modules(q, [["conv1", "bn1", "relu1"], ["dw", "bn2"],
                        ["pw", "bn3"], ["conv3", "relu3"]], inplace=True)
    q.qconfig = tq.QConfig(
        activation=tq.FakeQuantize.with_args(
            observer=tq.MovingAverageMinMaxObserver, quant_min=0,
            quant_max=255, dtype=torch.quint8, reduce_range=False),
        weight=tq.FakeQuantize.with_args(
            observer=tq.MovingAveragePerChannelMinMaxObserver,
            quant_min=-128, quant_max=127, dtype=torch.qint8,
            qscheme=torch.per_channel_symmetric, reduce_range=False))
    q.train()
    tq.prepare_qat(q, inplace=True)
    torch.manual_seed(3)
    train(q, train_x, train_y, steps=150, lrs=[2e-4], seed=4)
    q.apply(tq.disable_observer)
    q.eval()
    acc_qdq = accuracy(q, test_x, test_y)
    print("cnn_qdq: fake-quantized test accuracy %.2f%% (10000 images), "
          "%.1f s CPU so far" % (100 * acc_qdq, time.process_time() - start))
    for p in q.parameters():
        p.requires_grad_(False)
    # Exported as PyTorch does it (nothing rewritten afterwards): the
    # activations' per-tensor scales and zero points are 1-element 1-D
    # tensors (shape [1], no axis attribute), not scalars; initializers with
    # equal values (e.g. the all-zero int8 weight zero points of two layers
    # with the same channel count) are deduplicated by the exporter into
    # Identity nodes of one initializer; the fused Conv+BN+ReLU modules
    # export as Conv (BN folded) + Relu, then QuantizeLinear/DequantizeLinear.
    m = export(q, CNN_OPSET)
    counts = op_counts(m)
    assert counts.get("QuantizeLinear") and counts.get("DequantizeLinear")
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    consts = constant_values(m)
    # The weights' QuantizeLinear: per axis 0, one scale per output channel,
    # int8 zero points all 0 (symmetric).
    weight_q = [n for n in m.graph.node if n.op_type == "QuantizeLinear"
                and n.input[0] in inits]
    assert len(weight_q) == 5, [n.name for n in weight_q]
    for n in weight_q:
        channels = inits[n.input[0]].shape[0]
        assert _attrs(n).get("axis") == 0, n.name
        assert consts[n.input[1]].shape == (channels,), n.name
        zp = consts[n.input[2]]
        assert zp.dtype == np.int8 and zp.shape == (channels,) and \
            not zp.any(), n.name
    save_model(out, "cnn_qdq.onnx", m)
    ref = per_sample(q, samples)
    ours = run_onnx_batch(m, samples.numpy())
    # PyTorch's fake quantization rounds x * (1 / scale), QuantizeLinear
    # x / scale: the two could differ by one step on rare ties.
    step = output_scale(m)
    print("cnn_qdq: max |ONNX-spec evaluation - PyTorch| = %.3g "
          "(output step %.3g)" % (np.abs(ours - ref).max(), step))
    assert np.abs(ours - ref).max() <= 1.01 * step
    save_npy(out, "cnn_qdq.input.npy", samples.numpy())
    save_npy(out, "cnn_qdq.torch.npy", ref)
    onnxref = reference_evaluator_batch(m, samples.numpy())
    if onnxref is not None:
        save_npy(out, "cnn_qdq.onnxref.npy", onnxref)
    print("CNNs: %.1f s CPU in all" % (time.process_time() - start))
    return acc_float, acc_qdq


def constant_values(model):
    """Initializers, Constant nodes and Identity nodes of those."""
    values = {i.name: numpy_helper.to_array(i)
              for i in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "Constant":
            values[n.output[0]] = numpy_helper.to_array(_attrs(n)["value"])
        elif n.op_type == "Identity" and n.input[0] in values:
            values[n.output[0]] = values[n.input[0]]
    return values


def output_scale(model):
    last = [n for n in model.graph.node if n.op_type == "DequantizeLinear"][-1]
    return float(constant_values(model)[last.input[1]])


# ---------------------------------------------------------------------------
# mlp_ops: the remaining float ops, built with onnx.helper
# ---------------------------------------------------------------------------

def make_mlp_ops(out):
    rng = np.random.default_rng(10)
    f32 = np.float32
    w1 = rng.normal(0, 0.3, (24, 24)).astype(f32)
    b1 = rng.normal(0, 0.1, (24,)).astype(f32)
    gain = rng.normal(1, 0.3, (4,)).astype(f32)
    offset = rng.normal(0, 0.2, (3, 1)).astype(f32)
    w2 = rng.normal(0, 0.3, (48, 10)).astype(f32)
    b2 = rng.normal(0, 0.1, (10,)).astype(f32)
    half = f32(0.5)
    nodes = [
        helper.make_node("Constant", [], ["fc1.bias"], name="fc1/bias_const",
                         value=numpy_helper.from_array(b1)),
        helper.make_node("MatMul", ["x", "fc1.weight"], ["fc1.mm"],
                         name="fc1/MatMul"),
        # [1, 24] + [24]
        helper.make_node("Add", ["fc1.mm", "fc1.bias"], ["fc1.out"],
                         name="fc1/Add"),
        helper.make_node("LeakyRelu", ["fc1.out"], ["act1"],
                         name="act1/LeakyRelu", alpha=0.1),
        helper.make_node("Reshape", ["act1", "shape_2x3x4"], ["r1"],
                         name="to3d/Reshape"),
        # [2, 3, 4] * [4]
        helper.make_node("Mul", ["r1", "gain"], ["scaled"], name="gain/Mul"),
        # [2, 3, 4] - [3, 1]
        helper.make_node("Sub", ["scaled", "offset"], ["centered"],
                         name="offset/Sub"),
        helper.make_node("Sigmoid", ["centered"], ["sig"],
                         name="gate/Sigmoid"),
        helper.make_node("Transpose", ["centered"], ["t1"],
                         name="swap/Transpose", perm=[1, 0, 2]),
        helper.make_node("Tanh", ["t1"], ["tanh"], name="branch/Tanh"),
        helper.make_node("Transpose", ["tanh"], ["t2"],
                         name="unswap/Transpose", perm=[1, 0, 2]),
        helper.make_node("Concat", ["sig", "t2"], ["cat"],
                         name="join/Concat", axis=2),
        helper.make_node("Reshape", ["cat", "shape_1x48"], ["flat"],
                         name="flat/Reshape"),
        helper.make_node("MatMul", ["flat", "fc2.weight"], ["fc2.mm"],
                         name="fc2/MatMul"),
        helper.make_node("Add", ["fc2.mm", "fc2.bias"], ["fc2.out"],
                         name="fc2/Add"),
        helper.make_node("Unsqueeze", ["fc2.out", "axes_1"], ["u"],
                         name="expand/Unsqueeze"),
        helper.make_node("Identity", ["u"], ["ident"], name="keep/Identity"),
        helper.make_node("Dropout", ["ident"], ["drop"],
                         name="drop/Dropout"),
        helper.make_node("Squeeze", ["drop", "axes_1"], ["logits"],
                         name="collapse/Squeeze"),
        helper.make_node("Sign", ["logits"], ["sign"], name="margin/Sign"),
        helper.make_node("Mul", ["sign", "half"], ["margin"],
                         name="margin/Mul"),
        helper.make_node("Add", ["logits", "margin"], ["pushed"],
                         name="margin/Add"),
        helper.make_node("Softmax", ["pushed"], ["probs"],
                         name="probs/Softmax", axis=-1),
    ]
    model = make_model(
        nodes, "mlp_ops", [tensor_info("x", TensorProto.FLOAT, [1, 24])],
        [tensor_info("probs", TensorProto.FLOAT, [1, 10])],
        [init("fc1.weight", w1), init("shape_2x3x4", np.array([2, 3, 4])),
         init("gain", gain), init("offset", offset),
         init("shape_1x48", np.array([1, 48])), init("fc2.weight", w2),
         init("fc2.bias", b2), init("axes_1", np.array([1])),
         init("half", half)])
    save_model(out, "mlp_ops.onnx", model)

    x = rng.normal(0, 1, (8, 24)).astype(f32)

    # The reference: PyTorch code mirroring the graph, one sample at a time.
    def forward(xi):
        t = lambda a: torch.from_numpy(a)
        h = F.leaky_relu(xi @ t(w1) + t(b1), 0.1).reshape(2, 3, 4)
        c = h * t(gain) - t(offset)
        cat = torch.cat([torch.sigmoid(c),
                         torch.tanh(c.permute(1, 0, 2)).permute(1, 0, 2)], 2)
        logits = (cat.reshape(1, 48) @ t(w2) + t(b2)).unsqueeze(1).squeeze(1)
        assert logits.abs().min() > 1e-3    # Sign is well defined
        return torch.softmax(logits + torch.sign(logits) * 0.5, -1)

    with torch.no_grad():
        ref = torch.cat([forward(torch.from_numpy(x[i:i + 1]))
                         for i in range(len(x))]).numpy()
    ours = run_onnx_batch(model, x)
    assert np.allclose(ours, ref, rtol=1e-5, atol=1e-6), \
        np.abs(ours - ref).max()
    save_npy(out, "mlp_ops.input.npy", x)
    save_npy(out, "mlp_ops.torch.npy", ref)


# ---------------------------------------------------------------------------
# QOperator models, built with onnx.helper
# ---------------------------------------------------------------------------

def save_qoperator(out, name, model, x):
    save_model(out, name + ".onnx", model)
    y = run_onnx_batch(model, x)
    ref = reference_evaluator_batch(model, x)
    if ref is not None:
        assert np.array_equal(ref, y), name
    save_npy(out, name + ".input.npy", x)
    save_npy(out, name + ".expected.npy", y)
    info = np.iinfo(y.dtype)
    saturated = np.count_nonzero((y == info.min) | (y == info.max))
    line = "%s: outputs in [%d, %d], %d of %d saturated" % (
        name, y.min(), y.max(), saturated, y.size)
    if TIE_DISTANCE:
        # Keep the expected outputs independent of how the multiplier is
        # represented (float, Q31 fixed point).
        assert min(TIE_DISTANCE) > 1e-3, min(TIE_DISTANCE)
        line += ", closest rounding tie %.2g step" % min(TIE_DISTANCE)
        TIE_DISTANCE.clear()
    print(line)
    return y


def make_qoperators(out):
    rng = np.random.default_rng(20)
    u8, i8, i32 = np.uint8, np.int8, np.int32

    # QLinearMatMul: uint8 [1, 4, 16] x int8 [16, 8] (per-column scale) ->
    # uint8 [1, 4, 8].
    a_scale, a_zp = np.float32(0.05), u8(120)
    b_scale = rng.uniform(0.002, 0.01, 8).astype(np.float32)
    b = rng.integers(-127, 128, (16, 8)).astype(i8)
    y_scale, y_zp = np.float32(0.1), u8(128)
    node = helper.make_node(
        "QLinearMatMul", ["a", "a_scale", "a_zero_point", "b", "b_scale",
                          "b_zero_point", "y_scale", "y_zero_point"], ["y"],
        name="qlinear_matmul")
    model = make_model(
        [node], "qlinear_matmul",
        [tensor_info("a", TensorProto.UINT8, [1, 4, 16])],
        [tensor_info("y", TensorProto.UINT8, [1, 4, 8])],
        [init("a_scale", a_scale), init("a_zero_point", a_zp),
         init("b", b), init("b_scale", b_scale),
         init("b_zero_point", np.zeros(8, i8)), init("y_scale", y_scale),
         init("y_zero_point", y_zp)])
    x = rng.integers(0, 256, (4, 4, 16)).astype(u8)
    save_qoperator(out, "qlinear_matmul", model, x)

    # QLinearConv: uint8 [1, 4, 10, 10], int8 weights [6, 4, 3, 3] with
    # per-output-channel scales, int32 bias, pads 1, strides 2 ->
    # uint8 [1, 6, 5, 5].
    x_scale, x_zp = np.float32(0.02), u8(100)
    w = rng.integers(-127, 128, (6, 4, 3, 3)).astype(i8)
    w_scale = rng.uniform(0.003, 0.012, 6).astype(np.float32)
    bias = rng.integers(-2000, 2000, 6).astype(i32)
    y_scale, y_zp = np.float32(0.12), u8(128)
    node = helper.make_node(
        "QLinearConv", ["x", "x_scale", "x_zero_point", "w", "w_scale",
                        "w_zero_point", "y_scale", "y_zero_point", "bias"],
        ["y"], name="qlinear_conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
        strides=[2, 2])
    model = make_model(
        [node], "qlinear_conv",
        [tensor_info("x", TensorProto.UINT8, [1, 4, 10, 10])],
        [tensor_info("y", TensorProto.UINT8, [1, 6, 5, 5])],
        [init("x_scale", x_scale), init("x_zero_point", x_zp), init("w", w),
         init("w_scale", w_scale), init("w_zero_point", np.zeros(6, i8)),
         init("y_scale", y_scale), init("y_zero_point", y_zp),
         init("bias", bias)])
    x = rng.integers(0, 256, (3, 4, 10, 10)).astype(u8)
    save_qoperator(out, "qlinear_conv", model, x)

    # MatMulInteger: uint8 [1, 3, 12] (zero point 131) x int8 [12, 5] (zero
    # point 5) -> int32 [1, 3, 5].
    b = rng.integers(-128, 128, (12, 5)).astype(i8)
    node = helper.make_node(
        "MatMulInteger", ["a", "b", "a_zero_point", "b_zero_point"], ["y"],
        name="matmul_integer")
    model = make_model(
        [node], "matmul_integer",
        [tensor_info("a", TensorProto.UINT8, [1, 3, 12])],
        [tensor_info("y", TensorProto.INT32, [1, 3, 5])],
        [init("b", b), init("a_zero_point", u8(131)),
         init("b_zero_point", i8(5))])
    x = rng.integers(0, 256, (4, 3, 12)).astype(u8)
    save_qoperator(out, "matmul_integer", model, x)

    # ConvInteger: uint8 [1, 2, 7, 7] (zero point 3), int8 weights
    # [3, 2, 3, 3] with per-output-channel zero points, asymmetric pads,
    # dilations 2 -> int32 [1, 3, 4, 6].
    w = rng.integers(-128, 128, (3, 2, 3, 3)).astype(i8)
    node = helper.make_node(
        "ConvInteger", ["x", "w", "x_zero_point", "w_zero_point"], ["y"],
        name="conv_integer", kernel_shape=[3, 3], pads=[0, 1, 1, 2],
        dilations=[2, 2])
    model = make_model(
        [node], "conv_integer",
        [tensor_info("x", TensorProto.UINT8, [1, 2, 7, 7])],
        [tensor_info("y", TensorProto.INT32, [1, 3, 4, 6])],
        [init("w", w), init("x_zero_point", u8(3)),
         init("w_zero_point", np.array([0, 1, -2], i8))])
    x = rng.integers(0, 256, (2, 2, 7, 7)).astype(u8)
    save_qoperator(out, "conv_integer", model, x)


# ---------------------------------------------------------------------------
# Bad inputs for the importer's error tests
# ---------------------------------------------------------------------------

def make_bad(out):
    with open(os.path.join(out, "cnn_float.onnx"), "rb") as f:
        data = f.read()
    # Not a parseable ModelProto: cut in the middle of the weights.
    with open(os.path.join(out, "bad_truncated.onnx"), "wb") as f:
        f.write(data[:len(data) // 2])
    print("%-26s %6d B  the first half of cnn_float.onnx" % (
        "bad_truncated.onnx", len(data) // 2))
    # Random bytes (not a protobuf message).
    garbage = np.random.default_rng(30).integers(0, 256, 1000, np.uint8)
    with open(os.path.join(out, "bad_garbage.onnx"), "wb") as f:
        f.write(garbage.tobytes())
    print("%-26s %6d B  random bytes" % ("bad_garbage.onnx", 1000))

    # A valid model declaring default-domain opset 6 (below the supported
    # 10..17): rejected for the opset.
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="old_relu")], "old",
        [tensor_info("x", TensorProto.FLOAT, [1, 4])],
        [tensor_info("y", TensorProto.FLOAT, [1, 4])], [], opset=6)
    save_model(out, "bad_opset.onnx", model)

    # A valid model with an operator the importer does not have: rejected
    # naming the node 'my_lstm' and the operator LSTM.
    rng = np.random.default_rng(31)
    hidden = 3
    model = make_model(
        [helper.make_node("LSTM", ["x", "W", "R"], ["", "y"], name="my_lstm",
                          hidden_size=hidden)], "lstm",
        [tensor_info("x", TensorProto.FLOAT, [5, 1, 4])],
        [tensor_info("y", TensorProto.FLOAT, [1, 1, hidden])],
        [init("W", rng.normal(0, 0.5, (1, 4 * hidden, 4)).astype(np.float32)),
         init("R", rng.normal(0, 0.5, (1, 4 * hidden, hidden))
              .astype(np.float32))])
    save_model(out, "bad_unsupported_op.onnx", model)

    # A symbolic batch dimension and a Reshape whose shape is a second graph
    # input: the output shape cannot be inferred (rejected: the Reshape's
    # shape must be a constant / the result shape is unknown).
    model = make_model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"],
                          name="dynamic_reshape")], "dynamic",
        [tensor_info("x", TensorProto.FLOAT, ["batch", 12]),
         tensor_info("shape", TensorProto.INT64, [2])],
        [tensor_info("y", TensorProto.FLOAT, ["d0", "d1"])], [])
    save_model(out, "bad_dynamic_shape.onnx", model)

    # A valid 1-D convolution (input [1, 2, 10], kernel 3, auto_pad
    # SAME_LOWER). Expected rejection: node 'conv1d_node' (Conv): only 2-D
    # windows over [N, C, H, W] inputs are supported (input rank 3). The
    # auto_pad itself is fine for 2-D convs; the importer must not resolve
    # the 2-D SAME_LOWER padding on a rank-3 input.
    rng = np.random.default_rng(32)
    model = make_model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1d_node",
                          kernel_shape=[3], auto_pad="SAME_LOWER")], "conv1d",
        [tensor_info("x", TensorProto.FLOAT, [1, 2, 10])],
        [tensor_info("y", TensorProto.FLOAT, [1, 4, 10])],
        [init("w", rng.normal(0, 0.5, (4, 2, 3)).astype(np.float32))])
    save_model(out, "bad_conv_autopad.onnx", model)

    # A 2x2 AveragePool (stride 2) with pads of 2 on every side, which the
    # ONNX checker accepts: the first window of each dimension lies wholly
    # in the padding, which count_include_pad = 0 does not count, so its
    # average has no divisor. Expected rejection naming 'pool_in_padding'.
    model = make_model(
        [helper.make_node("AveragePool", ["x"], ["y"], name="pool_in_padding",
                          kernel_shape=[2, 2], strides=[2, 2],
                          pads=[2, 2, 2, 2])], "pool",
        [tensor_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
        [tensor_info("y", TensorProto.FLOAT, [1, 2, 4, 4])], [])
    save_model(out, "bad_pool_padding.onnx", model)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        REPO, "test", "Frontend", "ONNX", "Inputs")
    os.makedirs(out, exist_ok=True)
    print("torch %s, onnx %s, numpy %s, ReferenceEvaluator: %s" % (
        torch.__version__, onnx.__version__, np.__version__,
        "yes" if ReferenceEvaluator else "no"))
    acc_float, acc_qdq = make_cnns(out)
    make_mlp_ops(out)
    make_qoperators(out)
    make_bad(out)
    print("test accuracy: cnn_float %.2f%%, cnn_qdq %.2f%%" % (
        100 * acc_float, 100 * acc_qdq))


if __name__ == "__main__":
    main()
