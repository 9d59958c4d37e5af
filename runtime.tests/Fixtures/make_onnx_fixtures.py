#!/usr/bin/python3
"""Writes the ONNX import fixtures: small PyTorch models exported by torch.onnx.export, with inputs and outputs.

Run with Debian's python3-torch and python3-onnx (`apt-get install python3-torch python3-onnx`, then
`/usr/bin/python3 make_onnx_fixtures.py`). The outputs are committed, so CI and users need no Python.

Each model is exported twice, at opset 14 and at the newest opset the installed torch's exporter supports (17 for
torch 1.13), with the TorchScript-based exporter (torch.onnx.export; the dynamo exporter needs onnxscript, which
Debian does not package). The weights live in the .onnx file as float32; the expected outputs are computed by the
same module in float64 on those float32 weights, so the fixture is the exact answer the float32 import is compared to.

For each <name>_opset<N>.onnx there is <name>_opset<N>.json: {"steps", "batch", "input" (floats [steps][batch][in])
or "tokens" (ints [steps][batch]), "output" (floats, [steps][batch][out] or [batch][out]), "outputShape"}.
One model is also saved with its weights as external data (lstm_i5_h8_external.onnx + .onnx.data).
"""
import json
import os

import numpy as np
import onnx
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx")
STEPS, BATCH = 5, 3
NEWEST_OPSET = 17  # torch 1.13's TorchScript exporter stops at 17


class Net(torch.nn.Module):
    """[Embedding] → stacked RNN/LSTM/GRU → [last step] → [Linear → activation]: what an RnnGen model declares."""

    def __init__(self, cell, input_size, hidden, layers=1, bias=True, bidirectional=False, vocabulary=0,
                 head=0, activation=None, last_step=False, nonlinearity="tanh", head_bias=True):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, input_size) if vocabulary else None
        kinds = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
        if cell == "rnn":
            self.rnn = torch.nn.RNN(input_size, hidden, layers, nonlinearity=nonlinearity, bias=bias,
                                    bidirectional=bidirectional)
        else:
            self.rnn = kinds[cell](input_size, hidden, layers, bias=bias, bidirectional=bidirectional)
        width = hidden * (2 if bidirectional else 1)
        self.head = torch.nn.Linear(width, head, bias=head_bias) if head else None
        self.activation = activation
        self.last_step = last_step

    def forward(self, x):
        if self.embedding is not None:
            x = self.embedding(x)
        y, _ = self.rnn(x)
        if self.last_step:
            y = y[-1]
        if self.head is not None:
            y = self.head(y)
        if self.activation == "softmax":
            y = torch.softmax(y, dim=-1)
        elif self.activation == "sigmoid":
            y = torch.sigmoid(y)
        return y


# name → (constructor arguments, input features or vocabulary); each has a twin in runtime.tests/Onnx/OnnxModels.cs.
MODELS = {
    "lstm_i5_h8": dict(cell="lstm", input_size=5, hidden=8),
    "lstm_i4_h6_l2_nobias": dict(cell="lstm", input_size=4, hidden=6, layers=2, bias=False),
    "lstm_i5_h7_bidirectional": dict(cell="lstm", input_size=5, hidden=7, bidirectional=True),
    "gru_i5_h8": dict(cell="gru", input_size=5, hidden=8),
    "gru_i3_h6_l2_bidirectional": dict(cell="gru", input_size=3, hidden=6, layers=2, bidirectional=True),
    "rnn_tanh_i4_h7_l2": dict(cell="rnn", input_size=4, hidden=7, layers=2),
    "rnn_relu_i4_h6_nobias": dict(cell="rnn", input_size=4, hidden=6, bias=False, nonlinearity="relu"),
    "embedding_gru_l2_softmax": dict(cell="gru", input_size=6, hidden=9, layers=2, vocabulary=13, head=13,
                                     activation="softmax"),
    "embedding_lstm_softmax": dict(cell="lstm", input_size=4, hidden=8, vocabulary=11, head=11,
                                   activation="softmax"),
    "lstm_i5_h8_linear_head": dict(cell="lstm", input_size=5, hidden=8, head=3),
    "gru_i4_h6_last_step_sigmoid": dict(cell="gru", input_size=4, hidden=6, head=2, activation="sigmoid",
                                        last_step=True),
}


def make(name, config, opset, seed):
    torch.manual_seed(seed)
    net = Net(**config).float().eval()
    generator = torch.Generator().manual_seed(seed + 1000)
    if config.get("vocabulary"):
        x = torch.randint(0, config["vocabulary"], (STEPS, BATCH), generator=generator)
        input_name = "tokens"
    else:
        x = torch.rand(STEPS, BATCH, config["input_size"], generator=generator) * 2 - 1
        input_name = "input"
    path = os.path.join(OUT, f"{name}_opset{opset}.onnx")
    torch.onnx.export(net, (x,), path, opset_version=opset, input_names=[input_name], output_names=["output"],
                      dynamic_axes={input_name: {0: "sequence", 1: "batch"},
                                    "output": ({0: "batch"} if config.get("last_step") else {0: "sequence", 1: "batch"})},
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        expected = net.double()(x if input_name == "tokens" else x.double())
    record = {"steps": STEPS, "batch": BATCH, "opset": opset, "torch": torch.__version__,
              "outputShape": list(expected.shape), "output": [float(v) for v in expected.flatten()]}
    if input_name == "tokens":
        record["tokens"] = [int(v) for v in x.flatten()]
    else:
        record["input"] = [float(v) for v in x.flatten()]
    with open(os.path.join(OUT, f"{name}_opset{opset}.json"), "w") as f:
        json.dump(record, f, separators=(",", ":"))
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    for index, (name, config) in enumerate(MODELS.items()):
        for opset in (14, NEWEST_OPSET):
            make(name, config, opset, seed=index)
    # External data: the same graph as lstm_i5_h8_opset14, every initializer moved to one side file.
    model = onnx.load(os.path.join(OUT, "lstm_i5_h8_opset14.onnx"))
    onnx.save_model(model, os.path.join(OUT, "lstm_i5_h8_external.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="lstm_i5_h8_external.onnx.data", size_threshold=0)
    print("wrote", len(os.listdir(OUT)), "files to", OUT)


if __name__ == "__main__":
    main()
