#!/usr/bin/python3
"""A small CNN with quantization-aware training modules exported by PyTorch
as a QDQ ONNX model (FakeQuantize -> QuantizeLinear/DequantizeLinear pairs:
u8 per-tensor activations, int8 per-channel weights), with inputs and the
fake-quantized PyTorch model's outputs, for the QDQ import tests.

make_qat_cnn.py OUT_DIR writes qat.onnx, input.npy [16, 1, 28, 28],
torch.npy [16, 10] and output_scale.txt (the scale of the last
QuantizeLinear: one quantization step of the output). Deterministic: fixed
seeds, one thread, a few QAT steps on random data."""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.ao.quantization as tq
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.dequant = tq.DeQuantStub()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.r1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.c2 = nn.Conv2d(4, 8, 3, stride=2, padding=1)
        self.r2 = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(8 * 7 * 7, 10)

    def forward(self, x):
        x = self.quant(x)
        x = self.pool(self.r1(self.c1(x)))
        x = self.r2(self.c2(x))
        x = self.fc(self.flatten(x))
        return self.dequant(x)


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
model = Net().train()
# ONNX's QuantizeLinear takes [0, 255] (u8) and [-128, 127] (i8) only.
model.qconfig = tq.QConfig(
    activation=tq.FakeQuantize.with_args(
        observer=tq.MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
        dtype=torch.quint8),
    weight=tq.FakeQuantize.with_args(
        observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-128,
        quant_max=127, dtype=torch.qint8,
        qscheme=torch.per_channel_symmetric))
tq.fuse_modules_qat(model, [["c1", "r1"], ["c2", "r2"]], inplace=True)
tq.prepare_qat(model, inplace=True)
for _ in range(5):
    model(torch.rand(8, 1, 28, 28))
model.eval()
model.apply(tq.disable_observer)
for p in model.parameters():
    p.requires_grad_(False)
with torch.no_grad():
    torch.onnx.export(model, (torch.rand(1, 1, 28, 28),),
                      os.path.join(out, "qat.onnx"), opset_version=13)
    x = torch.rand(16, 1, 28, 28)
    y = torch.cat([model(x[i:i + 1]) for i in range(16)])
np.save(os.path.join(out, "input.npy"), x.numpy())
np.save(os.path.join(out, "torch.npy"), y.numpy())
m = onnx.load(os.path.join(out, "qat.onnx"))
onnx.checker.check_model(m, full_check=True)
last_q = [n for n in m.graph.node if n.op_type == "QuantizeLinear"][-1]
scale = [numpy_helper.to_array(i) for i in m.graph.initializer
         if i.name == last_q.input[1]][0]
with open(os.path.join(out, "output_scale.txt"), "w") as f:
    f.write("%r\n" % float(scale))
