#!/usr/bin/env bash
# Publishes GpuCheck for the lent GPU machine (no .NET SDK there) into benchmarks/GpuCheck/publish/ (git-ignored),
# checks its size against the 64 MiB that `run`'s carry allows, and smoke-tests it here:
#   --dry-run must pass (the harness, with a second CPU model in the GPU's place), and without a GPU the plain run
#   must print the reason and exit 3.
# Default: one NativeAOT binary (about 4 MB; needs clang and lld: apt-get install clang lld; glibc >= 2.34 where it
# runs). --jit: a trimmed self-contained JIT build instead (a folder of about 20 MB; runs on older glibc too).
# Then, on the GPU machine: benchmarks/GpuCheck/device.sh (see benchmarks/README.md, "GPU").
# Usage: benchmarks/GpuCheck/run.sh [--jit]
set -euo pipefail
cd "$(dirname "$0")"
rid=linux-x64
rm -rf publish
if [ "${1:-}" = "--jit" ]; then
  # -p:Trim=true sets PublishTrimmed in GpuCheck.csproj only (a global one would reach the generator).
  dotnet publish -c Release -r "$rid" --self-contained true -p:Trim=true -p:DebugType=none -o publish -nologo -v quiet
else
  # -p:Aot=true sets PublishAot in GpuCheck.csproj only. x86-64-v3 (AVX2, FMA): every x86 GPU host of recent years;
  # it only affects the CPU timings, the GPU kernels are PTX.
  dotnet publish -c Release -r "$rid" -p:Aot=true -p:IlcInstructionSet=x86-64-v3 -p:DebugType=none -o publish -nologo -v quiet
fi
rm -f publish/*.xml # the runtime's XML docs, copied beside it: not needed to run

bytes=$(du -sb publish | cut -f1)
echo "publish/: $((bytes / 1024)) KiB in $(find publish -type f | wc -l) files"
if [ "$bytes" -gt $((64 * 1024 * 1024)) ]; then
  echo "publish/ is over 64 MiB, more than run's carry takes" >&2
  exit 1
fi

publish/GpuCheck --dry-run >/dev/null || { echo "publish/GpuCheck --dry-run failed" >&2; exit 1; }

# Assemble every model's PTX for sm_90 (the H200) with the ptxas CI uses, when it is here (.ci/ptxas.sh fetches it):
# an assembler error found here costs no device time.
ptxas="${XDG_CACHE_HOME:-$HOME/.cache}/rnngen/ptxas-11.8/usr/bin/ptxas"
if [ -x "$ptxas" ]; then
  ptx="$(mktemp -d)"
  publish/GpuCheck --write-ptx "$ptx" >/dev/null
  for file in "$ptx"/*.ptx; do
    "$ptxas" -arch=sm_90 -o /dev/null "$file" || { echo "ptxas failed on $(basename "$file")" >&2; exit 1; }
  done
  echo "ptxas (sm_90): all $(ls "$ptx"/*.ptx | wc -l) models assemble"
  rm -rf "$ptx"
else
  echo "(no ptxas at $ptxas: run .ci/ptxas.sh to fetch it and check the PTX here)"
fi
set +e
publish/GpuCheck >/tmp/gpucheck-smoke.txt
rc=$?
set -e
head -n 3 /tmp/gpucheck-smoke.txt
case "$rc" in
  3) echo "No GPU here: exit 3, as expected." ;;
  0) echo "A GPU here, and conformance passed." ;;
  *) echo "publish/GpuCheck exited $rc" >&2; exit 1 ;;
esac
echo "On the GPU machine: bash benchmarks/GpuCheck/device.sh (carry benchmarks/GpuCheck/publish)"
