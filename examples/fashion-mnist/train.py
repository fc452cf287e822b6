#!/usr/bin/python3
"""Trains the Fashion-MNIST example CNN and writes what `make demo` and the
tests use, next to this script (run with /usr/bin/python3, Debian's torch):

  cnn.onnx            the float model, input [1, 1, 28, 28] in [0, 1],
                      output the 10 logits (BatchNormalization kept unfolded:
                      Lowbit folds it)
  calibration.npy     float32 [500, 1, 28, 28], a fixed subset of the
                      training set
  test_images.npy     uint8 [10000, 28, 28], the test set (x / 255 is the
                      model input; examples/evaluate.py converts)
  test_labels.npy     uint8 [10000]
  float_logits.npy    PyTorch's float32 logits on the test set

Deterministic: fixed seeds, one thread, deterministic algorithms. Data:
Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)."""
import gzip
import os
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/usr/share/datasets/fashion-mnist"
torch.manual_seed(0)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
             for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


class Net(nn.Module):
    """Conv-BN-ReLU, max pool, depthwise conv + ReLU6, pointwise conv-BN-ReLU,
    average pool, global average pool, flatten, linear."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),                                   # 14x14
            nn.Conv2d(16, 16, 3, padding=1, groups=16), nn.ReLU6(),
            nn.Conv2d(16, 32, 1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AvgPool2d(2, count_include_pad=False),          # 7x7
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    train_x = read_idx("train-images-idx3-ubyte.gz")
    train_y = read_idx("train-labels-idx1-ubyte.gz").astype(np.int64)
    test_x = read_idx("t10k-images-idx3-ubyte.gz")
    test_y = read_idx("t10k-labels-idx1-ubyte.gz")
    x = torch.from_numpy(train_x.astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(train_y)
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    start = time.time()
    for epoch in range(2):
        perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(epoch))
        model.train()
        for group in opt.param_groups:
            group["lr"] = 3e-3 if epoch == 0 else 1e-3
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        print("epoch %d done, %.0f s" % (epoch, time.time() - start))
    model.eval()
    tx = torch.from_numpy(test_x.astype(np.float32) / 255).unsqueeze(1)
    with torch.no_grad():
        logits = torch.cat([model(tx[i:i + 500]) for i in range(0, 10000, 500)])
    accuracy = (logits.argmax(1).numpy() == test_y).mean()
    print("float test accuracy: %.2f%%" % (100 * accuracy))

    torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),),
                      os.path.join(HERE, "cnn.onnx"), opset_version=13,
                      do_constant_folding=False,
                      # Keep BatchNormalization (eval export folds it).
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["image"], output_names=["logits"])
    rng = np.random.default_rng(0)
    calib = rng.choice(len(train_x), 500, replace=False)
    np.save(os.path.join(HERE, "calibration.npy"),
            (train_x[calib].astype(np.float32) / 255)[:, None])
    np.save(os.path.join(HERE, "test_images.npy"), test_x)
    np.save(os.path.join(HERE, "test_labels.npy"), test_y)
    np.save(os.path.join(HERE, "float_logits.npy"),
            logits.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
