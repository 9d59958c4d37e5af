#!/usr/bin/env python3
"""PyTorch (CPU) on the shapes of RnnGen's benchmarks, for ratios against the BenchmarkDotNet tables.

One LSTM/GRU layer, 32 inputs, 64/128/256 units, the same cases as RecurrentBenchmarks/OnnxRuntimeBenchmarks
(a streaming step, 100-step sequences at batch 1 and 32) and TrainingBenchmarks (forward + BPTT + Adam over 100
steps, hidden 128, batch 1 and 32). One thread by default, as RnnGen runs on one; --threads to change it.
Each case: warm-up, then the median of several timed repetitions. Run with the system Python that has torch:

    /usr/bin/python3 benchmarks/pytorch/peer.py [--threads N] [--quick]
"""
import argparse
import statistics
import time

import torch

INPUT = 32
STEPS = 100


def median_seconds(fn, repeats, inner):
    """Median over `repeats` timings of `inner` calls of fn, per call."""
    for _ in range(max(3, inner // 4)):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def layer(cell, hidden):
    torch.manual_seed(1)
    return (torch.nn.LSTM if cell == "LSTM" else torch.nn.GRU)(INPUT, hidden)


def inference(cell, hidden, repeats):
    model = layer(cell, hidden).eval()
    x1 = torch.rand(1, 1, INPUT) * 2 - 1
    seq1 = torch.rand(STEPS, 1, INPUT) * 2 - 1
    seq32 = torch.rand(STEPS, 32, INPUT) * 2 - 1
    state = [None]

    def step():
        _, state[0] = model(x1, state[0])

    with torch.inference_mode():
        step_time = median_seconds(step, repeats, 2000)
        forward1 = median_seconds(lambda: model(seq1), repeats, 50)
        forward32 = median_seconds(lambda: model(seq32), repeats, 5)
    return step_time, forward1, forward32


def training(cell, batch, repeats):
    model = layer(cell, 128)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    inputs = torch.rand(STEPS, batch, INPUT) * 2 - 1
    output_gradient = (torch.rand(STEPS, batch, 128) * 2 - 1) * 1e-3

    def train_step():
        optimizer.zero_grad(set_to_none=False)
        outputs, _ = model(inputs)
        outputs.backward(output_gradient)
        optimizer.step()

    return median_seconds(train_step, repeats, 20 if batch == 1 else 3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    repeats = 3 if args.quick else 7
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    print("| Cell | Hidden | Step, batch 1 | Forward 100 steps, batch 1 | Forward 100 steps, batch 32 |")
    print("|---|---:|---:|---:|---:|")
    for cell in ("LSTM", "GRU"):
        for hidden in (64, 128, 256):
            step, f1, f32 = inference(cell, hidden, repeats)
            print(f"| {cell} | {hidden} | {step * 1e6:,.2f} us | {f1 * 1e6:,.0f} us | {f32 * 1e3:,.3f} ms |")
    print()
    print("| Training step (Forward + BPTT + Adam), 100 steps, hidden 128 | Batch | Time | Tokens/s |")
    print("|---|---:|---:|---:|")
    for cell in ("LSTM", "GRU"):
        for batch in (1, 32):
            seconds = training(cell, batch, repeats)
            print(f"| {cell} | {batch} | {seconds * 1e3:,.3f} ms | {STEPS * batch / seconds:,.0f} |")


if __name__ == "__main__":
    main()
