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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per case (median reported)")
    parser.add_argument("--csv", help="also write the CSV to this file")
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
