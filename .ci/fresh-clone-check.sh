#!/usr/bin/env bash
# fresh-clone-check.sh: what a user gets from `git clone`: nothing beside the checkout (CI has ../shared next to
# it, a user never does). Clones the committed tree into an empty temporary folder, then builds and runs there the
# tests that read data (the tinyshakespeare training test), and fails if any source, project or script of the
# repository refers to ../shared.
# Logs: TestResults/ci/fresh-clone-check/. Exit code 0 when everything passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
CHECK_NAME=fresh-clone-check
# shellcheck source=lib.sh
. "$repo/.ci/lib.sh"

LOGS="$repo/TestResults/ci/fresh-clone-check"
rm -rf "$LOGS"
mkdir -p "$LOGS"
require_dotnet
started=$(now)

# Code that reaches outside the checkout for data (docs may mention ../shared; code may not).
if git grep -n -E '(\.\./|")shared[/\\]data' -- '*.cs' '*.csproj' '*.props' '*.targets' '*.py' '*.sh' ':!.ci/fresh-clone-check.sh' >"$LOGS/references.txt"; then
  cat "$LOGS/references.txt" >&2
  fail "the files above read data from ../shared, which a user's clone does not have: copy the data into the repository"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run_logged clone git clone --quiet --no-hardlinks "$repo" "$work/RnnGen"
[ ! -e "$work/shared" ] || fail "the temporary folder already has a shared/ beside the clone"
run_logged build dotnet build "$work/RnnGen/runtime.tests/RnnGen.Runtime.Tests.csproj" -c Release
run_logged test dotnet test "$work/RnnGen/runtime.tests/RnnGen.Runtime.Tests.csproj" -c Release --no-build \
  --filter "FullyQualifiedName~TrainingTests"
grep -q "Passed!" "$LOGS/test.log" || fail "the training tests did not report a pass (see $LOGS/test.log)"
say "a fresh clone with nothing beside it builds and passes the data-reading tests ($(since "$started") s)"
