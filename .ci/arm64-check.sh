#!/usr/bin/env bash
# arm64-check.sh: the ARM64 (AdvSimd, Vector128) kernels against x64, for real.
#  1. builds .ci/conformance (three models: embedding + 2 LSTMs + softmax head, 2 GRUs + linear head, a
#     bidirectional LSTM under a bidirectional GRU + softmax head) and runs it on this x64 machine (JIT, the widest
#     vectors it has);
#  2. publishes it self-contained for linux-arm64 and runs it under qemu-aarch64 (user-mode emulation);
#  3. compares the two outputs number by number: forward outputs, Step outputs, losses and every parameter's
#     gradient from Backward, within 1e-5 relative to max(|x|,1) (.ci/compare-outputs.sh), and requires the ARM64
#     run to have used vector width 4 (Vector128 on AdvSimd).
# Installs qemu-user, libc6-arm64-cross and libstdc++6-arm64-cross with apt-get when missing.
# Logs and both outputs: TestResults/ci/arm64-check/. Exit code 0 when everything passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
CHECK_NAME=arm64-check
# shellcheck source=lib.sh
. "$repo/.ci/lib.sh"

LOGS="$repo/TestResults/ci/arm64-check"
rm -rf "$LOGS"
mkdir -p "$LOGS"
require_dotnet
started=$(now)
[ "$(uname -m)" = x86_64 ] || fail "this check compares an x86-64 run with an emulated ARM64 run: it needs an x86-64 host, this is $(uname -m)"

sysroot=/usr/aarch64-linux-gnu
tools_ok() {
  command -v qemu-aarch64 >/dev/null 2>&1 && [ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] && [ -e "$sysroot/lib/libstdc++.so.6" ]
}
if ! tools_ok; then
  apt_install qemu-user libc6-arm64-cross libstdc++6-arm64-cross
  tools_ok || fail "qemu-aarch64 or the ARM64 libc/libstdc++ in $sysroot are still missing after apt-get install"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rnngen-arm64-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
project=.ci/conformance/Conformance.csproj

t=$(now)
run_logged build-x64 dotnet build "$project" -c Release
say "x64 build in $(since "$t") s"
t=$(now)
run_logged run-x64 dotnet .ci/conformance/bin/Release/net10.0/Conformance.dll "$LOGS/x64.txt"
say "x64 run in $(since "$t") s: $(head -n 1 "$LOGS/x64.txt" | sed 's/^# //')"

t=$(now)
run_logged publish-arm64 dotnet publish "$project" -c Release -r linux-arm64 --self-contained -o "$work/arm64"
say "linux-arm64 self-contained publish in $(since "$t") s"
t=$(now)
# Invariant globalization: the ARM64 sysroot has no ICU. qemu-aarch64's default CPU model is 'max'.
run_logged run-arm64 env DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 timeout 900 \
  qemu-aarch64 -L "$sysroot" "$work/arm64/Conformance" "$LOGS/arm64.txt"
say "arm64 run under qemu-aarch64 in $(since "$t") s: $(head -n 1 "$LOGS/arm64.txt" | sed 's/^# //')"

for arch in x64 arm64; do
  grep -qx OK "$LOGS/$arch.txt" || fail "the $arch run did not print OK (see $LOGS/$arch.txt)"
done
grep -q '^# architecture Arm64, vector width 4,' "$LOGS/arm64.txt" \
  || fail "the emulated run is not ARM64 with Vector128 kernels: $(head -n 1 "$LOGS/arm64.txt")"
grep -q '^# architecture X64,' "$LOGS/x64.txt" || fail "the reference run is not x64: $(head -n 1 "$LOGS/x64.txt")"

"$repo/.ci/compare-outputs.sh" "$LOGS/x64.txt" "$LOGS/arm64.txt" 1e-5 | sed "s/^/$CHECK_NAME: arm64 against x64: /" \
  || fail "ARM64 and x64 disagree (outputs in $LOGS)"
say "passed in $(since "$started") s"
