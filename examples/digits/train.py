#!/usr/bin/python3
"""Trains the digits example MLP on scikit-learn's load_digits (8x8 images,
1797 samples, shipped with scikit-learn: offline) and writes next to this
script (run with /usr/bin/python3; a few seconds):

  mlp.onnx            float MLP 64 -> 64 -> 32 -> 10 (Gemm, Relu), opset 13,
                      input "pixels" [1, 64] float32 in [0, 1] (pixels / 16),
                      output "logits" [1, 10]
  calibration.npy     float32 [400, 64], a fixed random subset of the
                      training split
  test.npy            float32 [360, 64]: the test split, 360 samples drawn
                      once (stratified, random_state=0; the rest trains)
  test_labels.npy     uint8 [360]
  float_logits.npy    PyTorch's float32 logits on test.npy

Deterministic: fixed seeds, one thread, deterministic algorithms; two runs
write byte-identical files."""
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCHS = 60
BATCH = 64


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    # A fixed stratified split. (The last 360 samples, written by other
    # people than most of the rest, cap this MLP near 92 %.)
    train_x, test_x, train_y, test_y = train_test_split(
        x, y, test_size=360, random_state=0, stratify=y)

    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32),
                          nn.ReLU(), nn.Linear(32, 10))
    tx, ty = torch.from_numpy(train_x), torch.from_numpy(train_y)
    steps = EPOCHS * ((len(tx) + BATCH - 1) // BATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2,
                                                total_steps=steps)
    start = time.process_time()
    for epoch in range(EPOCHS):
        perm = torch.randperm(len(tx),
                              generator=torch.Generator().manual_seed(epoch))
        for i in range(0, len(tx), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            nn.functional.cross_entropy(model(tx[idx]), ty[idx]).backward()
            opt.step()
            sched.step()
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(test_x)).numpy()
    print("trained in %.1f s of CPU" % (time.process_time() - start))
    print("float test accuracy: %.2f%%"
          % (100 * np.mean(logits.argmax(1) == test_y)))

    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    torch.onnx.export(model, (torch.zeros(1, 64),),
                      os.path.join(out, "mlp.onnx"), opset_version=13,
                      input_names=["pixels"], output_names=["logits"])
    calib = np.random.default_rng(0).choice(len(train_x), 400, replace=False)
    np.save(os.path.join(out, "calibration.npy"), train_x[np.sort(calib)])
    np.save(os.path.join(out, "test.npy"), test_x)
    np.save(os.path.join(out, "test_labels.npy"), test_y.astype(np.uint8))
    np.save(os.path.join(out, "float_logits.npy"), logits.astype(np.float32))


if __name__ == "__main__":
    main()
