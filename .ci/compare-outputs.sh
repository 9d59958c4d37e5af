#!/usr/bin/env bash
# compare-outputs.sh REFERENCE CANDIDATE [TOLERANCE]
# Compares two program outputs line by line: the same lines in the same order, words equal, and every number
# within TOLERANCE (default 1e-5) of the reference, relative to max(|reference|, 1). Lines starting with '#' are
# descriptions (machine, vector width) and are skipped. Prints the largest difference; exits 1 on any mismatch.
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "usage: $0 REFERENCE CANDIDATE [TOLERANCE]" >&2
  exit 2
fi
reference=$1 candidate=$2 tolerance=${3:-1e-5}
for file in "$reference" "$candidate"; do
  if [ ! -s "$file" ]; then
    echo "compare: $file is missing or empty" >&2
    exit 1
  fi
done

awk -v tolerance="$tolerance" -v refname="$reference" -v candname="$candidate" '
  function isnumber(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
  function abs(x) { return x < 0 ? -x : x }
  function problem(message) { if (++problems <= 10) print "  " message; }
  FNR == NR { if ($0 !~ /^#/) ref[++n] = $0; next }
  $0 !~ /^#/ { cand[++m] = $0 }
  END {
    tolerance += 0
    if (n != m) problem(sprintf("%s has %d lines, %s has %d", refname, n, candname, m))
    lines = n < m ? n : m
    for (l = 1; l <= lines; l++) {
      a = split(ref[l], r, " "); b = split(cand[l], c, " ")
      if (a != b) { problem(sprintf("line %d: %d words against %d: \"%s\" / \"%s\"", l, a, b, substr(ref[l], 1, 60), substr(cand[l], 1, 60))); continue }
      for (i = 1; i <= a; i++) {
        if (isnumber(r[i]) && isnumber(c[i])) {
          x = r[i] + 0; y = c[i] + 0; count++
          scale = abs(x) > 1 ? abs(x) : 1
          d = abs(x - y) / scale
          if (d > worst) { worst = d; where = sprintf("line %d (%s): %s against %s", l, substr(ref[l], 1, index(ref[l], ":")), r[i], c[i]) }
          if (abs(x - y) > absworst) absworst = abs(x - y)
          if (d > tolerance) { over++; problem(sprintf("line %d word %d: %s against %s (difference %.3g)", l, i, r[i], c[i], d)) }
        } else if (r[i] != c[i]) {
          problem(sprintf("line %d word %d: \"%s\" against \"%s\"", l, i, r[i], c[i]))
        }
      }
    }
    if (count == 0) problem("no numbers to compare")
    printf "compared %d numbers: largest difference %.3g relative to max(|x|,1) (largest absolute %.3g)%s\n", count, worst, absworst, (worst > 0 ? ", at " where : "")
    if (problems > 0) {
      printf "MISMATCH: %d problem(s), %d number(s) over the tolerance %g\n", problems, over, tolerance
      exit 1
    }
  }
' "$reference" "$candidate"
