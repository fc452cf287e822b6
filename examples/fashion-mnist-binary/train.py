#!/usr/bin/python3
"""Trains the Fashion-MNIST binary network (binary weights and binary
activations: BNN, Hubara et al. 2016, "Binarized Neural Networks",
arXiv:1602.02830, with XNOR-Net's per-channel weight scale, Rastegari et
al. 2016, arXiv:1603.05279) and writes, next to this script (run with
/usr/bin/python3, Debian's torch; about 3 min of CPU on one core):

  bnn.onnx            opset 13, input "image" [1, 1, 28, 28] float32 in
                      [0, 1] (pixels / 255), output "logits" [1, 10]; every
                      Conv and Gemm weight is exactly binary per output
                      channel c: values in {-a_c, +a_c} (float32, a_c =
                      mean |w_c| > 0), no bias; every layer but the first
                      takes its input straight from a Sign node; each layer
                      is followed by BatchNormalization (kept unfolded)
  calibration.npy     float32 [500, 1, 28, 28], a fixed random subset of the
                      training set (the same one as examples/fashion-mnist)
  float_logits.npy    PyTorch's float32 logits of the exported model on the
                      10000 test images

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
LR = 1e-2           # Adam, one-cycle schedule (2e-3: 86.7 %, 5e-3: 87.8 %)


def read_idx(name):
    """An IDX file (big-endian header: 0, 0, type 0x08 = uint8, rank, dims)."""
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    assert data[:3] == b"\0\0\x08", name
    rank = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
             for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(shape)


def binarize(w):
    """XNOR-Net per output channel c: a_c * sign(w) with a_c = mean |w_c|
    (sign(0) taken as +1): exactly {-a_c, +a_c} in float32."""
    flat = w.detach().flatten(1)
    alpha = flat.abs().mean(1, keepdim=True)
    return torch.where(flat >= 0, alpha, -alpha).view_as(w)


class BinaryConv2d(nn.Conv2d):
    """Conv2d whose forward uses the binary weights; the gradient goes to the
    latent float weights unchanged (straight-through estimator; the latent
    weights are clipped to [-1, 1] after each step, as in BNN).
    `exported` = True: the weights are already binary, plain Conv2d."""
    exported = False

    def forward(self, x):
        w = self.weight
        if not self.exported:
            w = w + (binarize(w) - w).detach()
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


class BinaryLinear(nn.Linear):
    """Linear with binary weights (straight-through estimator); `exported`:
    plain Gemm."""
    exported = False

    def forward(self, x):
        w = self.weight
        if not self.exported:
            w = w + (binarize(w) - w).detach()
        if self.bias is None and self.exported:
            return GemmNoBias.apply(x, w)
        return F.linear(x, w, self.bias)


class Sign(nn.Module):
    """sign(x) forward; backward the gradient of hardtanh (the input's
    gradient where |x| <= 1, else 0): BNN's straight-through estimator.
    `exported` = True: plain torch.sign (ONNX Sign)."""
    exported = False

    def forward(self, x):
        if self.exported:
            return torch.sign(x)
        clipped = F.hardtanh(x)
        return clipped + (torch.sign(x) - clipped).detach()


class Net(nn.Module):
    """Binary conv 1->c1 on the real image + BN + max pool + Sign
    (28 -> 14 pixels), Sign-fed binary conv c1->c2 + BN + max pool + Sign
    (-> 7), binary conv c2->c3 + BN + max pool (-> 3), flatten, Sign,
    binary linear 9*c3->h + BN + Sign, binary linear h->10 + BN (logits).
    All convs 3x3, padding 1 (zero padding: padded taps contribute 0)."""

    def __init__(self, c1, c2, c3, h):
        super().__init__()
        self.features = nn.Sequential(
            BinaryConv2d(1, c1, 3, padding=1, bias=False), nn.BatchNorm2d(c1),
            nn.MaxPool2d(2), Sign(),
            BinaryConv2d(c1, c2, 3, padding=1, bias=False), nn.BatchNorm2d(c2),
            nn.MaxPool2d(2), Sign(),
            BinaryConv2d(c2, c3, 3, padding=1, bias=False), nn.BatchNorm2d(c3),
            nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), Sign(),
            BinaryLinear(c3 * 3 * 3, h, bias=False), nn.BatchNorm1d(h), Sign(),
            BinaryLinear(h, 10, bias=False), nn.BatchNorm1d(10))

    def forward(self, x):
        return self.classifier(self.features(x))


def check_binary(path):
    """Every Conv/Gemm weight of the ONNX file is exactly binary per
    output channel, has no bias, and every such layer but the first takes
    its input from a Sign node; returns [(name, shape, output channels)] of
    the weights."""
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inits = {i.name: onnx.numpy_helper.to_array(i)
             for i in model.graph.initializer}
    producer = {o: n for n in model.graph.node for o in n.output}
    weights = []
    for node in model.graph.node:
        assert node.op_type in ("Conv", "Gemm", "BatchNormalization",
                                "Sign", "MaxPool", "Flatten"), node.op_type
        if node.op_type not in ("Conv", "Gemm"):
            continue
        assert len(node.input) == 2, node.name          # no bias
        w = inits[node.input[1]]
        assert w.dtype == np.float32
        attrs = {a.name: a for a in node.attribute}
        if node.op_type == "Conv":
            assert attrs["group"].i == 1 and \
                list(attrs["dilations"].ints) == [1, 1], node.name
        else:                           # Gemm [out, in]: transB = 1
            assert attrs["transB"].i == 1 and "transA" not in attrs
        for row in w.reshape(w.shape[0], -1):
            a = np.abs(row).max()
            assert a > 0 and set(np.unique(row)) <= {-a, a}, node.name
        src = producer.get(node.input[0])
        assert (src is None and node.input[0] == "image") or \
            (src is not None and src.op_type == "Sign"), node.name
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
    model = Net(32, 64, 128, 128)
    latent = [m.weight for m in model.modules()
              if isinstance(m, (BinaryConv2d, BinaryLinear))]
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
            with torch.no_grad():
                for w in latent:
                    w.clamp_(-1, 1)
        print("epoch %d: loss %.3f, %.0f s of CPU" % (epoch, loss.item(),
                                               time.process_time() - start))

    train_cpu = time.process_time() - start

    # The exported model: binary weights as constants, torch.sign.
    model.eval()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (BinaryConv2d, BinaryLinear)):
                w = binarize(m.weight)
                m.weight = nn.Parameter(w, requires_grad=False)
            if isinstance(m, (BinaryConv2d, BinaryLinear, Sign)):
                m.exported = True
    tx = torch.from_numpy(test_x.astype(np.float32) / 255).unsqueeze(1)
    with torch.no_grad():
        logits = torch.cat([model(tx[i:i + 500])
                            for i in range(0, len(tx), 500)]).numpy()
    accuracy = 100 * np.mean(logits.argmax(1) == test_y)
    print("training: %.0f s of CPU" % train_cpu)
    print("float test accuracy (binary network): %.2f%%" % accuracy)

    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    path = os.path.join(out, "bnn.onnx")
    # (GemmNoBias.symbolic's g.op warns of a deprecation in PyTorch 1.13.)
    warnings.filterwarnings("ignore", category=FutureWarning)
    torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),), path,
                      opset_version=13,
                      # Keep BatchNormalization: an eval-mode export
                      # otherwise folds it into the (then no longer binary)
                      # weights.
                      do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["image"], output_names=["logits"])
    weights = check_binary(path)
    calib = np.random.default_rng(0).choice(len(train_x), 500, replace=False)
    np.save(os.path.join(out, "calibration.npy"),
            (train_x[np.sort(calib)].astype(np.float32) / 255)[:, None])
    np.save(os.path.join(out, "float_logits.npy"), logits.astype(np.float32))

    # Sizes: int8 = 1 byte per weight, packed = 1 bit per weight (each
    # tensor rounded up to whole bytes); both plus a float32 scale per
    # output channel.
    print("weight tensors (exactly binary per output channel):")
    total = {"n": 0, "ch": 0, "f32": 0, "i8": 0, "p1": 0}
    for name, shape, ch in weights:
        n = int(np.prod(shape))
        row = {"n": n, "ch": ch, "f32": 4 * n, "i8": n + 4 * ch,
               "p1": (n + 7) // 8 + 4 * ch}
        print("  %-36s %-16s %7d weights" % (name, tuple(shape), n))
        for k in total:
            total[k] += row[k]
    assert total["p1"] * 6 <= total["i8"]
    other = sum(p.numel() for p in model.parameters()) - total["n"]
    other += sum(b.numel() for n_, b in model.named_buffers()
                 if not n_.endswith("num_batches_tracked"))
    print("total %d weights, %d output channels: float32 %d bytes, int8 %d "
          "bytes, 1-bit %d bytes (with a float32 scale per channel); "
          "1-bit / int8 = %.3f" % (total["n"], total["ch"], total["f32"],
                                   total["i8"], total["p1"],
                                   total["p1"] / total["i8"]))
    print("other float parameters (BatchNorm): %d (%d bytes float32); "
          "1-bit / int8 including them = %.3f"
          % (other, 4 * other,
             (total["p1"] + 4 * other) / (total["i8"] + 4 * other)))


if __name__ == "__main__":
    main()
