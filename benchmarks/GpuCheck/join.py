#!/usr/bin/env python3
"""Joins GpuCheck --bench's CSV with gpu_peer.py's on (cell, hidden, batch, steps) into one Markdown table.

    python3 benchmarks/GpuCheck/join.py rnngen.csv pytorch.csv

Ratios are PyTorch's time / RnnGen's: above 1 means RnnGen is faster. "vs host I/O" compares like with like
(both copy the inputs in and every step's output out within the timed call); "vs on-device" sets RnnGen's whole
round trip against cuDNN's kernels alone.
"""
import csv
import sys

KEY = ("cell", "hidden", "batch", "steps")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {tuple(row[k] for k in KEY): row for row in csv.DictReader(f)}


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def cell(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(numerator, denominator):
    return None if numerator is None or not denominator else numerator / denominator


def main(rnngen_path, pytorch_path):
    rnngen, pytorch = read(rnngen_path), read(pytorch_path)
    print("| Cell | Hidden | Batch | Steps | RnnGen GPU ms | cuDNN ms (host I/O) | cuDNN ms (on device) "
          "| Ratio vs host I/O | Ratio vs on-device | RnnGen CPU ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(rnngen.keys() | pytorch.keys(), key=lambda k: (k[0], int(k[1]), int(k[2]))):
        ours, theirs = rnngen.get(key, {}), pytorch.get(key, {})
        gpu = number(ours.get("rnngen_gpu_ms"))
        host = number(theirs.get("pytorch_cudnn_host_ms"))
        device = number(theirs.get("pytorch_cudnn_ms"))
        cpu = number(ours.get("rnngen_cpu_ms"))
        print(f"| {' | '.join(key)} | {cell(gpu)} | {cell(host)} | {cell(device)} "
              f"| {cell(ratio(host, gpu), 2)} | {cell(ratio(device, gpu), 2)} | {cell(cpu)} |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
