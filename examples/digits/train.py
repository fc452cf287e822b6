#!/usr/bin/python3
"""Trains the digits example MLP (scikit-learn's load_digits, 8x8 images,
offline) and writes next to this script:

  mlp.onnx            float MLP 64 -> 64 -> 32 -> 10 (Gemm, Relu), input
                      [1, 64] in [0, 1] (pixels / 16)
  calibration.npy     float32 [400, 64] from the training split
  test.npy            float32 [360, 64]: the last 360 samples
  test_labels.npy     uint8 [360]
  float_logits.npy    PyTorch's logits on test.npy

Deterministic: fixed seeds, one thread."""
import os

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

digits = load_digits()
x = (digits.data / 16.0).astype(np.float32)
y = digits.target.astype(np.int64)
train_x, train_y = x[:-360], y[:-360]
test_x, test_y = x[-360:], y[-360:]

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32),
                      nn.ReLU(), nn.Linear(32, 10))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
tx, ty = torch.from_numpy(train_x), torch.from_numpy(train_y)
for epoch in range(60):
    perm = torch.randperm(len(tx), generator=torch.Generator().manual_seed(epoch))
    for i in range(0, len(tx), 64):
        idx = perm[i:i + 64]
        opt.zero_grad()
        nn.functional.cross_entropy(model(tx[idx]), ty[idx]).backward()
        opt.step()
model.eval()
with torch.no_grad():
    logits = model(torch.from_numpy(test_x)).numpy()
print("float test accuracy: %.2f%%" % (100 * np.mean(logits.argmax(1) == test_y)))
torch.onnx.export(model, (torch.zeros(1, 64),), os.path.join(HERE, "mlp.onnx"),
                  opset_version=13, input_names=["pixels"],
                  output_names=["logits"])
rng = np.random.default_rng(0)
np.save(os.path.join(HERE, "calibration.npy"),
        train_x[rng.choice(len(train_x), 400, replace=False)])
np.save(os.path.join(HERE, "test.npy"), test_x)
np.save(os.path.join(HERE, "test_labels.npy"), test_y.astype(np.uint8))
np.save(os.path.join(HERE, "float_logits.npy"), logits.astype(np.float32))
