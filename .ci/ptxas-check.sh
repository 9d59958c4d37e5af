#!/usr/bin/env bash
# ptxas-check.sh [FOLDER]: every PTX file the generator emitted, assembled by ptxas 11.8 for sm_70, sm_80 and sm_90.
# FOLDER (default: the repository's TestResults/ptx; a relative one is taken from the current directory) holds one
# <Model>.ptx per model, written by the test run; missing or empty, it fails the check. It may hold a manifest.txt
# naming the files expected there (one a line, ".ptx" optional, "#" comments): each of them must then be present.
#  1. gets ptxas from .ci/ptxas.sh ($RNNGEN_PTXAS, the cached copy, or Debian's non-free nvidia-cuda-toolkit);
#  2. self-test: ptxas must assemble .ci/ptxas-fixtures/good.ptx (and this script must read its -v statistics) and
#     reject .ci/ptxas-fixtures/bad.ptx, so a broken ptxas or a changed output format cannot pass silently;
#  3. runs `ptxas -v --gpu-name sm_XX --warn-on-spills --warn-on-local-memory-usage -o /dev/null FILE` for every file
#     and target; a target older than the file's own .target is skipped (PTX for sm_75 cannot be assembled for sm_70)
#     and said so in the report;
#  4. writes FOLDER/ptxas-report.md: file, kernel, target, registers, shared memory, spill stores/loads, stack frame.
# Fails on any ptxas error or warning (spills, local memory), on a file with no .entry, and on a kernel whose name
# ends in _persistent with spill stores or loads on any target (those kernels keep their state in registers).
# RNNGEN_PTXAS_TARGETS overrides the targets ("sm_70 sm_80 sm_90"). Logs: TestResults/ci/ptxas-check/.
# Exit code 0 when everything passed; prints "ptxas-check: FAIL: ..." and exits 1 otherwise.
set -euo pipefail
# FOLDER is relative to where the script was started from; the default, to the repository.
folder=${1:-}
case "$folder" in "" | /*) ;; *) folder="$(pwd)/$folder" ;; esac
cd "$(dirname "$0")/.."
repo=$(pwd)
CHECK_NAME=ptxas-check
# shellcheck source=lib.sh
. "$repo/.ci/lib.sh"
# shellcheck source=ptxas.sh
. "$repo/.ci/ptxas.sh"

LOGS="$repo/TestResults/ci/ptxas-check"
rm -rf "$LOGS"
mkdir -p "$LOGS"
started=$(now)
folder=${folder:-$repo/TestResults/ptx}
read -r -a targets <<<"${RNNGEN_PTXAS_TARGETS:-sm_70 sm_80 sm_90}"
[ "${#targets[@]}" -gt 0 ] || fail "RNNGEN_PTXAS_TARGETS names no target"

t=$(now)
ptxas=$(rnngen_ptxas) || fail "no working ptxas (see above); set RNNGEN_PTXAS to a CUDA 11.8 ptxas to use your own"
say "$ptxas: $("$ptxas" --version | sed -n 's/^Cuda compilation tools, //p') (found in $(since "$t") s)"

# assemble FILE TARGET LOG: runs ptxas with the check's flags; its exit status is assemble's.
assemble() {
  "$ptxas" -v --gpu-name "$2" --warn-on-spills --warn-on-local-memory-usage -o /dev/null "$1" >"$3" 2>&1
}

# statistics LOG: one tab-separated line (no empty field: "-" where ptxas said nothing) per function ptxas -v reports on:
#   name, kind (entry or func), registers, smem bytes, spill store bytes, spill load bytes, stack frame bytes.
# Registers and smem come with an entry's "Used N registers" line; a .func that is not inlined has only the rest.
statistics() {
  awk '
    function finish() {
      for (i = 1; i <= n; i++) {
        f = order[i]
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f, (f in entry) ? "entry" : "func", \
          (f in regs) ? regs[f] : "-", (f in smem) ? smem[f] : ((f in entry) ? 0 : "-"), \
          (f in stores) ? stores[f] : "-", (f in loads) ? loads[f] : "-", (f in stack) ? stack[f] : "-"
      }
    }
    /Compiling entry function / { split($0, q, "\047"); current = q[2]; entry[current] = 1; next }
    /Function properties for / { props = $0; sub(/.*Function properties for /, "", props); sub(/[ \t]+$/, "", props)
                                 if (!(props in stack)) order[++n] = props; next }
    /bytes stack frame/ && props != "" {
      line = $0
      stack[props] = (match(line, /[0-9]+ bytes stack frame/) ? substr(line, RSTART, RLENGTH) + 0 : 0)
      stores[props] = (match(line, /[0-9]+ bytes spill stores/) ? substr(line, RSTART, RLENGTH) + 0 : 0)
      loads[props] = (match(line, /[0-9]+ bytes spill loads/) ? substr(line, RSTART, RLENGTH) + 0 : 0)
      props = ""; next
    }
    /Used [0-9]+ registers/ && current != "" {
      line = $0
      match(line, /Used [0-9]+ registers/); regs[current] = substr(line, RSTART + 5, RLENGTH - 15) + 0
      smem[current] = (match(line, /[0-9]+ bytes smem/) ? substr(line, RSTART, RLENGTH) + 0 : 0)
      current = ""; next
    }
    END { finish() }
  ' "$1"
}

# The file's own .target: its first sm_XX (e.g. sm_75, sm_90a), empty when there is none.
ptx_target() {
  sed -n 's/^[[:space:]]*\.target[[:space:]]\{1,\}\(sm_[0-9a-z]\{1,\}\).*/\1/p' "$1" | head -n 1
}

# 2. Self-test.
fixtures="$repo/.ci/ptxas-fixtures"
for target in "${targets[@]}"; do
  log="$LOGS/selftest-good-$target.log"
  assemble "$fixtures/good.ptx" "$target" "$log" || { cat "$log" >&2; fail "self-test: ptxas rejected $fixtures/good.ptx for $target"; }
  ! grep -qi 'warning' "$log" || { cat "$log" >&2; fail "self-test: ptxas warned on $fixtures/good.ptx for $target"; }
  row=$(statistics "$log")
  case "$row" in
    selftest_scale$'\t'entry$'\t'[1-9]*$'\t'0$'\t'0$'\t'0$'\t'0) ;;
    *) cat "$log" >&2; fail "self-test: could not read ptxas -v's statistics for $target (got '${row//$'\t'/|}')" ;;
  esac
done
log="$LOGS/selftest-bad.log"
if assemble "$fixtures/bad.ptx" "${targets[0]}" "$log"; then
  cat "$log" >&2
  fail "self-test: ptxas accepted $fixtures/bad.ptx, which has a syntax error"
fi
grep -q 'syntax error' "$log" || { cat "$log" >&2; fail "self-test: ptxas rejected $fixtures/bad.ptx without reporting its syntax error"; }
say "self-test: ptxas assembles good.ptx for ${targets[*]} and rejects bad.ptx"

# 1. The files.
[ -d "$folder" ] || fail "$folder does not exist: the test run should have written the emitted PTX there (one <Model>.ptx per model)"
shopt -s nullglob
files=("$folder"/*.ptx)
shopt -u nullglob
[ "${#files[@]}" -gt 0 ] || fail "$folder has no .ptx file: the test run should have written the emitted PTX there (one <Model>.ptx per model)"
problems=()
if [ -f "$folder/manifest.txt" ]; then
  listed=0
  while IFS= read -r name || [ -n "$name" ]; do
    name=${name%%#*}
    name=$(echo "$name" | tr -d '\r' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
    [ -n "$name" ] || continue
    case "$name" in *.ptx) ;; *) name="$name.ptx" ;; esac
    listed=$((listed + 1))
    [ -f "$folder/$name" ] || problems+=("$name is listed in manifest.txt but $folder has no such file")
  done <"$folder/manifest.txt"
  [ "$listed" -gt 0 ] || problems+=("$folder/manifest.txt lists no file")
  for file in "${files[@]}"; do
    grep -qE "^[[:space:]]*$(basename "$file" .ptx)(\.ptx)?[[:space:]]*(#.*)?$" "$folder/manifest.txt" \
      || say "note: $(basename "$file") is not listed in manifest.txt (assembled all the same)"
  done
  say "manifest.txt lists $listed file(s); $folder has ${#files[@]}"
fi

# 3. Assemble.
report="$folder/ptxas-report.md"
rows="$LOGS/rows.tsv"
: >"$rows"
runs=0
t=$(now)
for file in "${files[@]}"; do
  base=$(basename "$file")
  own=$(ptx_target "$file")
  own_number=$(echo "${own#sm_}" | tr -dc 0-9)
  entries=0
  ran=0
  broken=0
  for target in "${targets[@]}"; do
    if [ "${own_number:-0}" -gt "${target#sm_}" ]; then
      printf '%s\t-\t%s\tskipped\t-\t.target %s\t-\t-\t-\n' "$base" "$target" "$own" >>"$rows"
      continue
    fi
    log="$LOGS/${base%.ptx}-$target.log"
    runs=$((runs + 1))
    ran=$((ran + 1))
    if ! assemble "$file" "$target" "$log"; then
      broken=1
      problems+=("ptxas failed on $base for $target: $(grep -m 3 -E 'error|fatal' "$log" | tr '\n' ' ' | sed 's/ *$//')")
    fi
    if grep -q 'warning' "$log"; then
      while IFS= read -r line; do problems+=("$base, $target: $line"); done < <(grep 'warning' "$log")
    fi
    while IFS=$'\t' read -r name kind regs smem stores loads stack; do
      [ "$kind" = entry ] && entries=$((entries + 1))
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$base" "$name" "$target" "$kind" "$regs" "$smem" "$stores" "$loads" "$stack" >>"$rows"
      case "$name" in
        *_persistent)
          if [ "${stores//[!0-9]/}0" -gt 0 ] || [ "${loads//[!0-9]/}0" -gt 0 ]; then
            problems+=("$name in $base spills on $target ($stores bytes spill stores, $loads bytes spill loads): a _persistent kernel must keep its state in registers")
          fi ;;
      esac
    done < <(statistics "$log")
  done
  if [ "$ran" -eq 0 ]; then
    problems+=("$base has .target $own, newer than every target (${targets[*]}): nothing assembled it")
  elif [ "$entries" -eq 0 ] && [ "$broken" -eq 0 ]; then
    problems+=("$base has no .entry kernel: ptxas compiled nothing")
  fi
done
assemble_time=$(since "$t")

# 4. The report.
{
  echo "# ptxas report"
  echo
  echo "$("$ptxas" --version | sed -n 's/^Cuda compilation tools, //p'); flags: \`-v --gpu-name <target> --warn-on-spills --warn-on-local-memory-usage\`."
  echo "Registers per thread; smem: static shared memory (bytes); spills and stack frame: local memory (bytes)."
  echo
  echo "| file | kernel | target | registers | smem | spill stores | spill loads | stack frame |"
  echo "|---|---|---|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r base name target kind regs smem stores loads stack; do
    if [ "$kind" = skipped ]; then
      echo "| $base | - | $target | skipped: the file is $smem | | | | |"
    else
      label=$name
      [ "$kind" = func ] && label="$name (.func)"
      echo "| $base | $label | $target | $regs | $smem | $stores | $loads | $stack |"
    fi
  done <"$rows"
} >"$report"
cp "$report" "$LOGS/"

# Summary.
kernels=$(awk -F'\t' '$4 == "entry" { k[$1 "/" $2] = 1 } END { print length(k) }' "$rows")
worst=$(awk -F'\t' '$4 == "entry" && $5 + 0 > best { best = $5 + 0; w = $5 " (" $2 " in " $1 ", " $3 ")" } END { print (w == "" ? "-" : w) }' "$rows")
spills=$(awk -F'\t' '($4 == "entry" || $4 == "func") && ($7 + 0 > 0 || $8 + 0 > 0) { printf "%s%s/%s %s: %s+%s B", sep, $1, $2, $3, $7, $8; sep = "; " }' "$rows")
skipped=$(awk -F'\t' '$4 == "skipped"' "$rows" | wc -l)
say "${#files[@]} file(s), $kernels kernel(s), targets ${targets[*]}: $runs ptxas run(s) in ${assemble_time} s$([ "$skipped" -gt 0 ] && echo ", $skipped skipped (file .target newer)")"
say "worst registers: $worst; spills: ${spills:-none}"
say "report: $report"
if [ "${#problems[@]}" -gt 0 ]; then
  for p in "${problems[@]}"; do echo "$CHECK_NAME: $p" >&2; done
  fail "${#problems[@]} problem(s) above (ptxas logs in $LOGS)"
fi
say "passed in $(since "$started") s"
