#!/usr/bin/python3
"""Writes the PyTorch conformance fixtures the runtime tests compare against.

Run with Debian's python3-torch (`apt-get install python3-torch`, then `/usr/bin/python3 make_fixtures.py`).
The outputs are committed, so CI needs no Python. `make_fixtures.py input_gradients` writes only the input-gradient
fixtures (pytorch/input_gradients/), reading the committed ones.

Weights and inputs are not stored: both sides draw them from the same 32-bit LCG (see Lcg.cs in the tests), whose
values are exactly representable in float32, so each fixture only holds the configuration and PyTorch's outputs.
PyTorch runs in float64 on those float32 values, so the fixture is the exact answer for the float32 weights.
"""
import json
import math
import os
import sys

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch")
STEPS, BATCH = 6, 3
GRADIENT_LIMIT = 20000


class Lcg:
    """x <- 1664525 x + 1013904223 (mod 2^32); a draw is the top 24 bits mapped to [-1, 1) times a float32 scale."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (1664525 * self.state + 1013904223) & 0xFFFFFFFF
        return self.state

    def uniform(self, count, scale):
        scale = np.float32(scale)
        out = np.empty(count, dtype=np.float32)
        for i in range(count):
            v = np.float32((self.next() >> 8) * 2.0 ** -23 - 1.0)
            out[i] = np.float32(v * scale)
        return out

    def tokens(self, count, vocabulary):
        return [self.next() % vocabulary for _ in range(count)]


def fill(module, lcg, scale_for):
    with torch.no_grad():
        for name, p in module.named_parameters():
            values = lcg.uniform(p.numel(), scale_for(name))
            p.copy_(torch.from_numpy(values.astype(np.float64)).reshape(p.shape))


def recurrent(cell, input_size, hidden, layers, bias, bidirectional=False):
    if cell == "lstm":
        return torch.nn.LSTM(input_size, hidden, layers, bias=bias, bidirectional=bidirectional).double()
    if cell == "gru":
        return torch.nn.GRU(input_size, hidden, layers, bias=bias, bidirectional=bidirectional).double()
    return torch.nn.RNN(input_size, hidden, layers, nonlinearity=cell.split("_")[1], bias=bias,
                        bidirectional=bidirectional).double()


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def write(name, fixture):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))


def float_input_fixture(cell, input_size, hidden, layers, bias, seed, bidirectional=False):
    """Bidirectional fixtures hold both directions concatenated (PyTorch's only merge) and states in h_0 order
    (layer x 2 + direction); their names start with bi_."""
    lcg = Lcg(seed)
    directions = 2 if bidirectional else 1
    rnn = recurrent(cell, input_size, hidden, layers, bias, bidirectional)
    scale = np.float32(1.0 / math.sqrt(hidden))
    fill(rnn, lcg, lambda _: scale)
    x = torch.from_numpy(lcg.uniform(STEPS * BATCH * input_size, 1.0).astype(np.float64)).reshape(STEPS, BATCH, input_size)
    out, state = rnn(x)
    h_n = state[0] if cell == "lstm" else state
    fixture = dict(cell=cell, input=input_size, hidden=hidden, layers=layers, bias=bias, seed=seed,
                   bidirectional=bidirectional, steps=STEPS, batch=BATCH, output=flat(out), h_n=flat(h_n))
    if cell == "lstm":
        fixture["c_n"] = flat(state[1])
    # Autograd of L = sum(c * output), c from the LCG seeded with seed + 1000; kept small enough to commit.
    if sum(p.numel() for p in rnn.parameters()) <= GRADIENT_LIMIT:
        c = torch.from_numpy(Lcg(seed + 1000).uniform(out.numel(), 1.0).astype(np.float64)).reshape(out.shape)
        (out * c).sum().backward()
        fixture["gradients"] = {name: flat(p.grad) for name, p in rnn.named_parameters()}
    # The same inputs from a given initial state (h0, c0 continue the LCG stream after the inputs, scale 0.5): the
    # outputs, the final state, and autograd of the same L with respect to h0 and c0.
    states = layers * directions
    h0 = torch.from_numpy(lcg.uniform(states * BATCH * hidden, 0.5).astype(np.float64)).reshape(states, BATCH, hidden)
    h0.requires_grad_(True)
    start = h0
    if cell == "lstm":
        c0 = torch.from_numpy(lcg.uniform(states * BATCH * hidden, 0.5).astype(np.float64)).reshape(states, BATCH, hidden)
        c0.requires_grad_(True)
        start = (h0, c0)
    rnn.zero_grad()
    out0, state0 = rnn(x, start)
    fixture["h0"] = flat(h0)
    fixture["output_h0"] = flat(out0)
    fixture["h_n_h0"] = flat(state0[0] if cell == "lstm" else state0)
    if cell == "lstm":
        fixture["c0"] = flat(c0)
        fixture["c_n_h0"] = flat(state0[1])
    c = torch.from_numpy(Lcg(seed + 1000).uniform(out0.numel(), 1.0).astype(np.float64)).reshape(out0.shape)
    (out0 * c).sum().backward()
    fixture["h0_grad"] = flat(h0.grad)
    if cell == "lstm":
        fixture["c0_grad"] = flat(c0.grad)
    write(f"{'bi_' if bidirectional else ''}{cell}_i{input_size}_h{hidden}_l{layers}{'' if bias else '_nobias'}", fixture)


def embedding_head_fixture(seed):
    vocabulary, dimension, hidden, layers = 11, 4, 16, 2
    lcg = Lcg(seed)
    embedding = torch.nn.Embedding(vocabulary, dimension).double()
    rnn = recurrent("lstm", dimension, hidden, layers, True)
    head = torch.nn.Linear(hidden, vocabulary).double()
    fill(embedding, lcg, lambda _: 1.0)
    scale = np.float32(1.0 / math.sqrt(hidden))
    fill(rnn, lcg, lambda _: scale)
    fill(head, lcg, lambda _: scale)
    tokens = lcg.tokens(STEPS * BATCH, vocabulary)
    x = embedding(torch.tensor(tokens).reshape(STEPS, BATCH))
    out, _ = rnn(x)
    probabilities = torch.softmax(head(out), dim=-1)
    write("embedding_lstm_softmax", dict(cell="lstm", vocabulary=vocabulary, dimension=dimension, hidden=hidden,
                                         layers=layers, seed=seed, steps=STEPS, batch=BATCH, tokens=tokens,
                                         output=flat(probabilities)))


def packed_fixture(model, cell, input_size, hidden, layers, bidirectional, seed):
    """A batch of different lengths through pack_padded_sequence (unsorted), outputs padded back with zeros; weights
    and inputs from the LCG like float_input_fixture, so the fixture names the model (same shapes) it belongs to."""
    lcg = Lcg(seed)
    rnn = recurrent(cell, input_size, hidden, layers, True, bidirectional)
    scale = np.float32(1.0 / math.sqrt(hidden))
    fill(rnn, lcg, lambda _: scale)
    x = torch.from_numpy(lcg.uniform(STEPS * BATCH * input_size, 1.0).astype(np.float64)).reshape(STEPS, BATCH, input_size)
    lengths = [STEPS, 2, 4]
    packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
    out, state = rnn(packed)
    out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=STEPS)
    h_n = state[0] if cell == "lstm" else state
    fixture = dict(model=model, seed=seed, steps=STEPS, batch=BATCH, lengths=lengths, output=flat(out), h_n=flat(h_n))
    if cell == "lstm":
        fixture["c_n"] = flat(state[1])
    c = torch.from_numpy(Lcg(seed + 1000).uniform(out.numel(), 1.0).astype(np.float64)).reshape(out.shape)
    (out * c).sum().backward()
    fixture["gradients"] = {name: flat(p.grad) for name, p in rnn.named_parameters()}
    write(f"packed_{model}", fixture)


INPUT_GRADIENTS = os.path.join(OUT, "input_gradients")
INPUT_GRADIENT_MODELS = (
    "lstm_i3_h17_l2", "gru_i3_h17_l2", "rnn_tanh_i3_h17_l2", "rnn_relu_i5_h17_l1", "lstm_i4_h33_l2_nobias",
    "gru_i7_h16_l3", "bi_lstm_i3_h16_l2", "bi_gru_i3_h16_l2", "bi_rnn_tanh_i3_h16_l2", "bi_lstm_i4_h9_l2_nobias",
    "packed_lstm_i3_h17_l2", "packed_gru_i3_h17_l2", "packed_rnn_tanh_i3_h17_l2", "packed_bi_lstm_i3_h16_l2",
    "packed_bi_gru_i3_h16_l2", "packed_bi_rnn_tanh_i3_h16_l2")


def input_gradient_fixture(name):
    """dL/dx by autograd (x.grad of L = sum(c * output), c as in the other fixtures) for the model of an existing
    fixture: its seed gives the same LCG weights and inputs. A packed_ fixture's lengths run through
    pack_padded_sequence, so x.grad is 0 at padded steps. Written to pytorch/input_gradients/<name>.json; the
    existing fixtures are only read."""
    with open(os.path.join(OUT, name + ".json")) as f:
        base = json.load(f)
    model = base.get("model", name)
    with open(os.path.join(OUT, model + ".json")) as f:
        config = json.load(f)
    seed = base["seed"]
    lcg = Lcg(seed)
    rnn = recurrent(config["cell"], config["input"], config["hidden"], config["layers"], config["bias"],
                    config["bidirectional"])
    scale = np.float32(1.0 / math.sqrt(config["hidden"]))
    fill(rnn, lcg, lambda _: scale)
    x = torch.from_numpy(lcg.uniform(STEPS * BATCH * config["input"], 1.0).astype(np.float64))
    x = x.reshape(STEPS, BATCH, config["input"]).requires_grad_(True)
    lengths = base.get("lengths")
    if lengths is None:
        out, _ = rnn(x)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
        out, _ = rnn(packed)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=STEPS)
    # The same model as the fixture it extends, or the seed or configuration was misread.
    assert flat(out) == base["output"], f"{name}: outputs differ from the committed fixture"
    c = torch.from_numpy(Lcg(seed + 1000).uniform(out.numel(), 1.0).astype(np.float64)).reshape(out.shape)
    (out * c).sum().backward()
    fixture = dict(model=model, seed=seed, steps=STEPS, batch=BATCH, x_grad=flat(x.grad))
    if lengths is not None:
        fixture["lengths"] = lengths
    os.makedirs(INPUT_GRADIENTS, exist_ok=True)
    with open(os.path.join(INPUT_GRADIENTS, name + ".json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))


def input_gradient_fixtures():
    for name in INPUT_GRADIENT_MODELS:
        input_gradient_fixture(name)


def main():
    os.makedirs(OUT, exist_ok=True)
    seed = 1
    for cell in ("rnn_tanh", "rnn_relu", "lstm", "gru"):
        for hidden in (1, 3, 16, 17, 64, 129):
            float_input_fixture(cell, 5, hidden, 1, True, seed)
            seed += 1
        float_input_fixture(cell, 3, 17, 2, True, seed)
        float_input_fixture(cell, 7, 16, 3, True, seed + 1)
        float_input_fixture(cell, 4, 33, 2, False, seed + 2)
        seed += 3
    embedding_head_fixture(seed)
    seed += 1
    for cell in ("rnn_tanh", "lstm", "gru"):
        float_input_fixture(cell, 5, 17, 1, True, seed, bidirectional=True)
        float_input_fixture(cell, 3, 16, 2, True, seed + 1, bidirectional=True)
        seed += 2
    float_input_fixture("lstm", 4, 9, 2, False, seed, bidirectional=True)
    seed += 1
    for model, cell, size, hidden, bidirectional in (
            ("lstm_i3_h17_l2", "lstm", 3, 17, False), ("gru_i3_h17_l2", "gru", 3, 17, False),
            ("rnn_tanh_i3_h17_l2", "rnn_tanh", 3, 17, False), ("bi_lstm_i3_h16_l2", "lstm", 3, 16, True),
            ("bi_gru_i3_h16_l2", "gru", 3, 16, True), ("bi_rnn_tanh_i3_h16_l2", "rnn_tanh", 3, 16, True)):
        packed_fixture(model, cell, size, hidden, 2, bidirectional, seed)
        seed += 1


if __name__ == "__main__":
    # `make_fixtures.py input_gradients` writes only the dL/dx fixtures (from the committed ones); no argument: all.
    if sys.argv[1:] != ["input_gradients"]:
        main()
    input_gradient_fixtures()
