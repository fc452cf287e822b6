#!/usr/bin/python3
"""Trains the Fashion-MNIST ternary-weight CNN (TWN, Li & Liu 2016,
"Ternary Weight Networks", arXiv:1605.04711) and writes, next to this script
(run with /usr/bin/python3, Debian's torch; about 1.5 min of CPU on one
core):

  twn.onnx            opset 13, input "image" [1, 1, 28, 28] float32 in
                      [0, 1] (pixels / 255), output "logits" [1, 10]; every
                      Conv and Gemm weight is exactly ternary per output
                      channel c: values in {-a_c, 0, +a_c} (float32, a_c > 0);
                      BatchNormalization kept unfolded; activations real
  calibration.npy     float32 [500, 1, 28, 28], a fixed random subset of the
                      training set (the same one as examples/fashion-mnist)
  float_logits.npy    PyTorch's float32 logits of the exported model (the
                      ternary weights) on the 10000 test images

The test images and labels are those of examples/fashion-mnist
(test_images.npy, test_labels.npy); they are not written again.

Deterministic: fixed seeds, a fixed thread count, deterministic algorithms;
two runs write byte-identical files. Data: Debian's dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist, the original gzipped IDX files)."""
import gzip
import os
import sys
import time
import warnings

import ctypes

# Large tensors otherwise come from mmap and are returned at every free, and
# page faults then cost more than the arithmetic: keep them in the heap.
_libc = ctypes.CDLL("libc.so.6")
_libc.mallopt(-3, 32 << 20)   # M_MMAP_THRESHOLD
_libc.mallopt(-1, 1 << 30)    # M_TRIM_THRESHOLD

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/usr/share/datasets/fashion-mnist"
EPOCHS = 3
BATCH = 128
LR = 3e-3


def read_idx(name):
    """An IDX file (big-endian header: 0, 0, type 0x08 = uint8, rank, dims)."""
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    assert data[:3] == b"\0\0\x08", name
    rank = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
             for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(shape)


def ternarize(w):
    """TWN per output channel c: threshold delta_c = 0.7 * mean|w_c|,
    t = sign(w) where |w| > delta_c else 0, a_c = mean of |w| over the
    nonzero t; returns a_c * t (exactly {-a_c, 0, +a_c} in float32)."""
    flat = w.detach().flatten(1)
    mag = flat.abs()
    mask = mag > 0.7 * mag.mean(1, keepdim=True)
    alpha = (mag * mask).sum(1) / mask.sum(1)
    t = torch.where(mask, torch.sign(flat), torch.zeros_like(flat))
    return (alpha[:, None] * t).view_as(w)


class TernaryConv2d(nn.Conv2d):
    """Conv2d whose forward uses the ternary weights; the gradient goes to
    the latent float weights unchanged (straight-through estimator).
    `exported` = True: the weights are already ternary, plain Conv2d."""
    exported = False

    def forward(self, x):
        w = self.weight
        if not self.exported:
            w = w + (ternarize(w) - w).detach()
        return self._conv_forward(x, w, self.bias)


class GemmNoBias(torch.autograd.Function):
    """x @ w.T, exported as an ONNX Gemm (transB = 1) without C: PyTorch
    would export a bias-less linear as Transpose + MatMul."""

    @staticmethod
    def forward(ctx, x, w):
        return F.linear(x, w)

    @staticmethod
    def symbolic(g, x, w):
        return g.op("Gemm", x, w, transB_i=1)


class TernaryLinear(nn.Linear):
    """Linear with ternary weights (straight-through estimator); `exported`:
    plain Gemm."""
    exported = False

    def forward(self, x):
        w = self.weight
        if not self.exported:
            w = w + (ternarize(w) - w).detach()
        if self.bias is None and self.exported:
            return GemmNoBias.apply(x, w)
        return F.linear(x, w, self.bias)


def block(cin, cout):
    return [TernaryConv2d(cin, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]


class Net(nn.Module):
    """Three ternary conv-BN-ReLU-maxpool blocks (1->16->32->64 channels,
    28 -> 14 -> 7 -> 3 pixels), flatten, ternary linear 576->128 + BN +
    ReLU, ternary linear 128->10 with bias (logits)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*block(1, 16), *block(16, 32),
                                      *block(32, 64))
        self.classifier = nn.Sequential(
            nn.Flatten(), TernaryLinear(64 * 3 * 3, 128, bias=False),
            nn.BatchNorm1d(128), nn.ReLU(), TernaryLinear(128, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def check_ternary(path):
    """Every Conv/Gemm weight of the ONNX file is exactly ternary per
    output channel; returns [(name, shape, output channels)] of the
    weights."""
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inits = {i.name: onnx.numpy_helper.to_array(i)
             for i in model.graph.initializer}
    weights = []
    for node in model.graph.node:
        assert node.op_type in ("Conv", "Gemm", "BatchNormalization",
                                "Relu", "MaxPool", "Flatten"), node.op_type
        if node.op_type not in ("Conv", "Gemm"):
            continue
        w = inits[node.input[1]]
        assert w.dtype == np.float32
        attrs = {a.name: a for a in node.attribute}
        if node.op_type == "Gemm":      # [out, in]: transB = 1
            assert attrs["transB"].i == 1 and "transA" not in attrs
        per_channel = w.reshape(w.shape[0], -1)
        for row in per_channel:
            a = np.abs(row).max()
            assert a > 0 and set(np.unique(row)) <= {-a, np.float32(0), a}, \
                node.name
        weights.append((node.input[1], inits[node.input[1]].shape,
                        w.shape[0]))
    return weights


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    train_x = read_idx("train-images-idx3-ubyte.gz")
    train_y = read_idx("train-labels-idx1-ubyte.gz")
    test_x = read_idx("t10k-images-idx3-ubyte.gz")
    test_y = read_idx("t10k-labels-idx1-ubyte.gz")
    assert train_x.shape == (60000, 28, 28) and test_x.shape == (10000, 28, 28)
    x = torch.from_numpy(train_x.astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(train_y.astype(np.int64))
    model = Net()
    steps = EPOCHS * ((len(x) + BATCH - 1) // BATCH)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR,
                                                total_steps=steps)
    start = time.process_time()
    for epoch in range(EPOCHS):
        perm = torch.randperm(len(x),
                              generator=torch.Generator().manual_seed(epoch))
        model.train()
        for i in range(0, len(x), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            sched.step()
        print("epoch %d: loss %.3f, %.0f s of CPU" % (epoch, loss.item(),
                                               time.process_time() - start))

    train_cpu = time.process_time() - start

    # The exported model: the ternary weights themselves, plain Conv/Gemm.
    model.eval()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (TernaryConv2d, TernaryLinear)):
                w = ternarize(m.weight)
                m.weight = nn.Parameter(w, requires_grad=False)
                m.exported = True
    tx = torch.from_numpy(test_x.astype(np.float32) / 255).unsqueeze(1)
    with torch.no_grad():
        logits = torch.cat([model(tx[i:i + 500])
                            for i in range(0, len(tx), 500)]).numpy()
    accuracy = 100 * np.mean(logits.argmax(1) == test_y)
    print("training: %.0f s of CPU" % train_cpu)
    print("float test accuracy (ternary weights): %.2f%%" % accuracy)

    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    path = os.path.join(out, "twn.onnx")
    # (GemmNoBias.symbolic's g.op warns of a deprecation in PyTorch 1.13.)
    warnings.filterwarnings("ignore", category=FutureWarning)
    torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),), path,
                      opset_version=13,
                      # Keep BatchNormalization: an eval-mode export
                      # otherwise folds it into the (then no longer
                      # ternary) convolution weights.
                      do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["image"], output_names=["logits"])
    weights = check_ternary(path)
    calib = np.random.default_rng(0).choice(len(train_x), 500, replace=False)
    np.save(os.path.join(out, "calibration.npy"),
            (train_x[np.sort(calib)].astype(np.float32) / 255)[:, None])
    np.save(os.path.join(out, "float_logits.npy"), logits.astype(np.float32))

    # Sizes: int8 = 1 byte per weight, packed = 2 bits per weight (each
    # tensor rounded up to whole bytes); both plus a float32 scale per
    # output channel.
    print("weight tensors (exactly ternary per output channel):")
    total = {"n": 0, "ch": 0, "f32": 0, "i8": 0, "p2": 0}
    for name, shape, ch in weights:
        n = int(np.prod(shape))
        row = {"n": n, "ch": ch, "f32": 4 * n, "i8": n + 4 * ch,
               "p2": (2 * n + 7) // 8 + 4 * ch}
        print("  %-36s %-16s %7d weights" % (name, tuple(shape), n))
        for k in total:
            total[k] += row[k]
    assert total["p2"] * 3 <= total["i8"]
    other = sum(p.numel() for p in model.parameters()) - total["n"]
    other += sum(b.numel() for n_, b in model.named_buffers()
                 if not n_.endswith("num_batches_tracked"))
    print("total %d weights, %d output channels: float32 %d bytes, int8 %d "
          "bytes, 2-bit %d bytes (with a float32 scale per channel); "
          "2-bit / int8 = %.3f" % (total["n"], total["ch"], total["f32"],
                                   total["i8"], total["p2"],
                                   total["p2"] / total["i8"]))
    print("other float parameters (BatchNorm, bias): %d (%d bytes float32); "
          "2-bit / int8 including them = %.3f"
          % (other, 4 * other,
             (total["p2"] + 4 * other) / (total["i8"] + 4 * other)))


if __name__ == "__main__":
    main()
