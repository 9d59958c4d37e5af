#!/usr/bin/env bash
# Runs on the lent GPU machine, from any directory, with benchmarks/GpuCheck/publish/ carried there (run.sh builds it):
#   1. GpuCheck: conformance, CPU Forward against GPU Forward for every model (PASS/FAIL per model);
#   2. GpuCheck --bench: RnnGen GPU Forward times as CSV;
#   3. gpu_peer.py: the same shapes with torch.nn.LSTM/GRU on cuDNN, as CSV;
#   4. join.py: one Markdown table with the ratios;
#   5. GpuCheck --train and gpu_peer.py --train: the char-LM training step in tokens/s, RnnGen and cuDNN.
# Everything also goes to $OUT (the run tool's folder that comes back), or to a new temporary folder.
# Exit: 0 all passed, 1 a conformance or bench check failed, 3 no GPU, 4 the binary or python3 is missing.
# Usage: bash benchmarks/GpuCheck/device.sh [--runs N] [--no-bench]
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs=20
bench=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --no-bench) bench=0; shift ;;
    *) echo "usage: device.sh [--runs N] [--no-bench]" >&2; exit 2 ;;
  esac
done
out="${OUT:-$(mktemp -d)}"
bin="$root/benchmarks/GpuCheck/publish/GpuCheck"
if [ ! -f "$bin" ]; then
  echo "$bin is missing: run benchmarks/GpuCheck/run.sh where the SDK is, and carry benchmarks/GpuCheck/publish" >&2
  exit 4
fi
chmod +x "$bin" 2>/dev/null || true
[ "$(uname -m)" = x86_64 ] || echo "warning: this machine is $(uname -m); publish/GpuCheck is built for linux-x64" >&2
{ uname -srm; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader 2>&1; } | tee "$out/machine.txt"

echo "== conformance"
"$bin" | tee "$out/conformance.txt"
status=${PIPESTATUS[0]}
if [ "$status" -eq 3 ]; then
  exit 3 # no usable GPU: the reason is printed above
fi

if [ "$bench" -eq 1 ]; then
  echo "== RnnGen GPU Forward (median of $runs)"
  "$bin" --bench --runs "$runs" --csv "$out/rnngen.csv" | tee "$out/bench.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  if ! command -v python3 >/dev/null; then
    echo "python3 is missing: no PyTorch peer" >&2
    exit 4
  fi
  echo "== PyTorch cuDNN (median of $runs)"
  python3 "$root/benchmarks/pytorch/gpu_peer.py" --runs "$runs" --csv "$out/pytorch.csv" || status=1
  if [ -f "$out/rnngen.csv" ] && [ -f "$out/pytorch.csv" ]; then
    echo "== table (ratio = PyTorch time / RnnGen time; above 1: RnnGen faster)"
    python3 "$root/benchmarks/GpuCheck/join.py" "$out/rnngen.csv" "$out/pytorch.csv" | tee "$out/table.md"
  fi
fi
if [ "$bench" -eq 1 ]; then
  echo "== char-LM training steps on the GPU (issue 14): RnnGen, then PyTorch cuDNN"
  "$bin" --train --csv "$out/rnngen-train.csv" | tee "$out/train.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  python3 "$root/benchmarks/pytorch/gpu_peer.py" --train --csv "$out/pytorch-train.csv" || status=1
fi
echo "results in $out"
exit "$status"
