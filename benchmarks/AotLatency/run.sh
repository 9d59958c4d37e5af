#!/usr/bin/env bash
# Builds AotLatency as a JIT app and as NativeAOT apps (the default instruction set, x86-64-v2, x86-64-v3, native),
# runs each (the JIT one also with its SIMD switches down) and prints one Markdown table.
# NativeAOT needs clang and lld to link: apt-get install clang lld.
# Usage: benchmarks/AotLatency/run.sh [--no-build] [repetitions] [folder for the builds]
set -euo pipefail
cd "$(dirname "$0")"
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
reps="${1:-7}"
out="${2:-$(mktemp -d)}"
rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
isas="default x86-64-v2 x86-64-v3 native"

if [ "$build" -eq 1 ]; then
  dotnet publish -c Release -r "$rid" --self-contained false -o "$out/jit" -v quiet -nologo >/dev/null
  for isa in $isas; do
    extra=()
    [ "$isa" != default ] && extra=(-p:IlcInstructionSet="$isa")
    # -p:Aot=true sets PublishAot in AotLatency.csproj only (a global PublishAot would reach the generator too).
    dotnet publish -c Release -r "$rid" -p:Aot=true "${extra[@]}" -o "$out/aot-$isa" -v quiet -nologo >/dev/null
  done
fi

"$out/jit/AotLatency" "JIT" "$reps" --header
DOTNET_EnableAVX512=0 "$out/jit/AotLatency" "JIT, DOTNET_EnableAVX512=0" "$reps"
DOTNET_EnableAVX2=0 "$out/jit/AotLatency" "JIT, DOTNET_EnableAVX2=0" "$reps"
for isa in $isas; do
  "$out/aot-$isa/AotLatency" "NativeAOT, $isa" "$reps"
done
