#!/usr/bin/env python3
"""PyTorch (cuDNN) on the GPU, on the shapes GpuCheck --bench times for RnnGen's CUDA path.

One torch.nn.LSTM / torch.nn.GRU layer, input = hidden = 256/512/1024, batch 1/8/64, 100 steps, float32, on cuda
with cuDNN (torch.backends.cudnn.benchmark off: the default algorithm choice, no autotuning on the first call).
Each case: warm-up, then the median of --runs timed calls, each ended by torch.cuda.synchronize().

Two times per case:
  pytorch_cudnn_ms       inputs already on the GPU, the output left there: the kernels alone.
  pytorch_cudnn_host_ms  inputs copied from host memory and the output back to host memory in the timed call,
                         which is what RnnGen's CudaModel.Forward does (it takes and fills host spans).

Needs only python3 and torch. Prints CSV (cell,hidden,batch,steps,pytorch_cudnn_ms,pytorch_cudnn_host_ms):

    python3 benchmarks/pytorch/gpu_peer.py [--runs N] [--csv FILE]

With --train, the char-LM training step GpuCheck --train times (issue 14): Embedding(96, 32) -> torch.nn.LSTM(32, 256,
num_layers=2) on cuDNN -> Linear(256, 96), cross-entropy, clip_grad_norm_(5), Adam(lr 2e-3), batch 32 and 128 of 64
characters, 4 warm-up steps then 64 timed ones, the loss read back every step (loss.item(), as RnnGen's Trainer reads
its loss and norm), inputs and targets already on the GPU. CSV: model,batch,seq,steps,pytorch_cudnn_tokens_per_s,
first_loss,last_loss.
"""
import argparse
import statistics
import sys
import time

import torch

STEPS = 100
HIDDEN = (256, 512, 1024)
BATCHES = (1, 8, 64)
HEADER = "cell,hidden,batch,steps,pytorch_cudnn_ms,pytorch_cudnn_host_ms"


def median_ms(fn, runs, warm_up=3):
    """Median wall time of fn() in milliseconds; fn synchronizes before it returns."""
    for _ in range(warm_up):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples)


def case(cell, hidden, batch, runs):
    torch.manual_seed(1)
    layer = (torch.nn.LSTM if cell == "LSTM" else torch.nn.GRU)(hidden, hidden).cuda().eval()
    host_inputs = torch.rand(STEPS, batch, hidden) * 2 - 1  # time-major, as RnnGen's Forward
    device_inputs = host_inputs.cuda()

    def on_device():
        layer(device_inputs)
        torch.cuda.synchronize()

    def from_host():
        output, _ = layer(host_inputs.cuda())
        output.cpu()  # waits for the kernels and the copy
        torch.cuda.synchronize()

    with torch.inference_mode():
        return median_ms(on_device, runs), median_ms(from_host, runs)


VOCABULARY = 96
SEQUENCE = 64
TRAIN_BATCHES = (32, 128)
TRAIN_STEPS = 64
TRAIN_HEADER = "model,batch,seq,steps,pytorch_cudnn_tokens_per_s,first_loss,last_loss"


class CharLm(torch.nn.Module):
    """Embedding 96x32 -> 2 x LSTM(256) -> Linear(256, 96): the shapes of GpuCheck's TrainCharLm."""

    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(VOCABULARY, 32)
        self.lstm = torch.nn.LSTM(32, 256, num_layers=2)
        self.head = torch.nn.Linear(256, VOCABULARY)

    def forward(self, tokens):
        hidden, _ = self.lstm(self.embedding(tokens))  # time-major [steps][batch][256]
        return self.head(hidden)


def train_case(batch):
    """Tokens per second of TRAIN_STEPS timed steps, and the first and last loss."""
    torch.manual_seed(1)
    model = CharLm().cuda().train()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(5)
    batches = [(torch.randint(VOCABULARY, (SEQUENCE, batch), generator=generator).cuda(),
                torch.randint(VOCABULARY, (SEQUENCE, batch), generator=generator).cuda())
               for _ in range(4 + TRAIN_STEPS)]

    def step(tokens, targets):
        optimizer.zero_grad(set_to_none=True)
        logits = model(tokens)
        loss = loss_fn(logits.reshape(-1, VOCABULARY), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        return loss.item()

    first = None
    for tokens, targets in batches[:4]:
        value = step(tokens, targets)
        first = value if first is None else first
    torch.cuda.synchronize()
    start = time.perf_counter()
    last = None
    for tokens, targets in batches[4:]:
        last = step(tokens, targets)
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return TRAIN_STEPS * SEQUENCE * batch / seconds, first, last


def train(csv):
    rows = [TRAIN_HEADER]
    print(TRAIN_HEADER, flush=True)
    for batch in TRAIN_BATCHES:
        tokens_per_second, first, last = train_case(batch)
        row = f"lstm2x256,{batch},{SEQUENCE},{TRAIN_STEPS},{tokens_per_second:.0f},{first:.4f},{last:.4f}"
        rows.append(row)
        print(row, flush=True)
    if csv:
        with open(csv, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per case (median reported)")
    parser.add_argument("--csv", help="also write the CSV to this file")
    parser.add_argument("--train", action="store_true", help="time the char-LM training step instead (tokens/s)")
    args = parser.parse_args()

    if not torch.cuda.is_available():
        print("No GPU: torch.cuda.is_available() is false", file=sys.stderr)
        return 3
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.enabled = True
    # float32 throughout: no TF32 in cuDNN's RNN GEMMs either, so both sides compute in full float32.
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    print(f"# torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}, {torch.cuda.get_device_name(0)}",
          file=sys.stderr)
    if args.train:
        return train(args.csv)

    rows = [HEADER]
    print(HEADER, flush=True)
    for cell in ("LSTM", "GRU"):
        for hidden in HIDDEN:
            for batch in BATCHES:
                device_ms, host_ms = case(cell, hidden, batch, args.runs)
                row = f"{cell},{hidden},{batch},{STEPS},{device_ms:.4f},{host_ms:.4f}"
                rows.append(row)
                print(row, flush=True)
    if args.csv:
        with open(args.csv, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
