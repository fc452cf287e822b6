#!/usr/bin/python3
"""Trains the Fashion-MNIST example CNN and writes what `make demo` and the
tests use, next to this script (run with /usr/bin/python3, Debian's torch;
about 60 s of CPU on one core):

  cnn.onnx            the float model, opset 13, input "image"
                      [1, 1, 28, 28] float32 in [0, 1] (pixels / 255, no
                      mean/std), output "logits" [1, 10]; BatchNormalization
                      kept unfolded (Lowbit folds it itself)
  calibration.npy     float32 [500, 1, 28, 28], a fixed random subset of the
                      training set
  test_images.npy     uint8 [10000, 28, 28], the whole test set (pixels / 255
                      with a channel axis is the model input: as float32 it
                      would be 31 MB; `examples/evaluate.py --images-to-input`
                      converts it)
  test_labels.npy     uint8 [10000]
  float_logits.npy    PyTorch's float32 logits on the test set

Deterministic: fixed seeds, a fixed thread count, deterministic algorithms;
two runs write byte-identical files. Data: Debian's dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist, the original gzipped IDX files)."""
import gzip
import os
import sys
import time

import ctypes

# Large tensors otherwise come from mmap and are returned at every free, and
# page faults then cost more than the arithmetic: keep them in the heap.
_libc = ctypes.CDLL("libc.so.6")
_libc.mallopt(-3, 32 << 20)   # M_MMAP_THRESHOLD
_libc.mallopt(-1, 1 << 30)    # M_TRIM_THRESHOLD

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/usr/share/datasets/fashion-mnist"
EPOCHS = 2
BATCH = 128


def read_idx(name):
    """An IDX file (big-endian header: 0, 0, type 0x08 = uint8, rank, dims)."""
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    assert data[:3] == b"\0\0\x08", name
    rank = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
             for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(shape)


class Net(nn.Module):
    """Conv-BN-ReLU, max pool, depthwise conv + ReLU6 (Clip), pointwise
    conv-BN-ReLU, average pool, flatten, linear-ReLU, linear (logits)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),                                   # 16 x 14 x 14
            nn.Conv2d(16, 16, 3, padding=1, groups=16), nn.ReLU6(),
            nn.Conv2d(16, 32, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            # count_include_pad=False: no padding anyway, and PyTorch
            # otherwise exports an explicit Pad (Lowbit imports no Pad).
            nn.AvgPool2d(2, count_include_pad=False))          # 32 x 7 x 7
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(),
            nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


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
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3,
                                                total_steps=steps)
    start = time.process_time()
    for epoch in range(EPOCHS):
        perm = torch.randperm(len(x),
                              generator=torch.Generator().manual_seed(epoch))
        model.train()
        for i in range(0, len(x), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            sched.step()
        print("epoch %d: loss %.3f, %.0f s of CPU" % (epoch, loss.item(),
                                               time.process_time() - start))
    model.eval()
    tx = torch.from_numpy(test_x.astype(np.float32) / 255).unsqueeze(1)
    with torch.no_grad():
        logits = torch.cat([model(tx[i:i + 500])
                            for i in range(0, len(tx), 500)]).numpy()
    accuracy = 100 * np.mean(logits.argmax(1) == test_y)
    print("float test accuracy: %.2f%%" % accuracy)

    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),),
                      os.path.join(out, "cnn.onnx"), opset_version=13,
                      # Keep BatchNormalization: an eval-mode export
                      # otherwise folds it into the convolutions.
                      do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["image"], output_names=["logits"])
    calib = np.random.default_rng(0).choice(len(train_x), 500, replace=False)
    np.save(os.path.join(out, "calibration.npy"),
            (train_x[np.sort(calib)].astype(np.float32) / 255)[:, None])
    np.save(os.path.join(out, "test_images.npy"), test_x)
    np.save(os.path.join(out, "test_labels.npy"), test_y)
    np.save(os.path.join(out, "float_logits.npy"), logits.astype(np.float32))


if __name__ == "__main__":
    main()
