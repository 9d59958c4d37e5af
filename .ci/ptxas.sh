#!/usr/bin/env bash
# ptxas.sh: prints the path of a working ptxas (CUDA 11.8, the one CI assembles the emitted PTX with) on stdout.
# Executable (.ci/ptxas.sh) or sourceable (". .ci/ptxas.sh; path=$(rnngen_ptxas)"). Looks, in this order:
#  1. $RNNGEN_PTXAS, a ptxas of the developer's choice (used as is; a warning on stderr when it is not 11.8);
#  2. the cached copy ${XDG_CACHE_HOME:-$HOME/.cache}/rnngen/ptxas-11.8/usr/bin/ptxas;
#  3. otherwise fetches it: Debian's non-free nvidia-cuda-toolkit 11.8 (bookworm) ships usr/bin/ptxas, a binary that
#     needs only libc. The Debian archive's address comes from this machine's own apt sources
#     (/etc/apt/sources.list.d/*.sources in deb822 format, /etc/apt/sources.list, sources.list.d/*.list): their
#     URIs, for the release's suite and its -updates, with the non-free component, are written to a temporary
#     sources file, and `apt-get update` + `apt-get download` run with temporary lists/cache/state folders, so the
#     system's apt configuration and package lists are never changed (no root needed). The package is unpacked
#     with `dpkg -x` into a temporary folder and only usr/bin/ptxas (and its copyright file) is kept in the cache.
# Messages go to stderr ("ptxas: ..."); returns (sourced) or exits (executed) 1 when no working ptxas is found.
# RNNGEN_PTXAS_KEEP_DOWNLOAD=1 keeps the temporary folder (the .deb, apt's logs) and prints where it is.

_rnngen_ptxas_say() { echo "ptxas: $*" >&2; }

# _rnngen_ptxas_version PATH: the "release X.Y" part of PATH --version (empty when PATH does not run).
_rnngen_ptxas_version() {
  "$1" --version 2>/dev/null | sed -n 's/.*release \([0-9][0-9.]*\),.*/\1/p' | head -n 1
  return 0
}

# _rnngen_ptxas_sources CODENAME ARCH FILE: writes to FILE a deb822 sources file for the non-free component of every Debian
# archive this machine's apt configuration names for CODENAME or CODENAME-updates (security archives are skipped:
# they carry no CUDA toolkit). Prints the number of stanzas written to stdout.
_rnngen_ptxas_sources() {
  local codename=$1 arch=$2
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  : >"$3"
  [ "${#files[@]}" -gt 0 ] || { echo 0; return; }
  awk -v codename="$codename" -v arch="$arch" '
    function keep_suites(list,    n, i, s, out) {
      n = split(list, s, /[ \t]+/); out = ""
      for (i = 1; i <= n; i++)
        if (s[i] == codename || s[i] == codename "-updates") out = out (out == "" ? "" : " ") s[i]
      return out
    }
    function emit(uris, suites, signed) {
      suites = keep_suites(suites)
      if (uris == "" || suites == "") return
      key = uris "|" suites
      if (key in seen) return
      seen[key] = 1; count++
      printf "Types: deb\nURIs: %s\nSuites: %s\nComponents: non-free\nArchitectures: %s\nTargets: Packages\n", uris, suites, arch
      if (signed != "") printf "Signed-By: %s\n", signed
      printf "\n"
    }
    function flush() {
      if (FILENAME ~ /\.sources$/ && types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^[ \t]*no[ \t]*$/) emit(uris, suites, signed)
      types = ""; uris = ""; suites = ""; signed = ""; enabled = ""
    }
    FNR == 1 { flush() }
    /^[ \t]*#/ { next }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t]/) next # a continuation line (an inline key block)
      field = tolower($0); sub(/:.*/, "", field)
      value = $0; sub(/^[^:]*:[ \t]*/, "", value); sub(/[ \t]+$/, "", value)
      if (field == "types") types = value
      else if (field == "uris") uris = value
      else if (field == "suites") suites = value
      else if (field == "enabled") enabled = tolower(value)
      else if (field == "signed-by" && value !~ /BEGIN PGP/ && value != "") signed = value
      next
    }
    {
      # One-line format: deb [options] URI suite component...
      line = $0; sub(/#.*/, "", line)
      if (line !~ /^[ \t]*deb[ \t]/) next
      signed = ""
      if (match(line, /\[[^]]*\]/)) {
        opts = substr(line, RSTART + 1, RLENGTH - 2)
        if (match(opts, /signed-by=[^ \t]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
        line = substr(line, 1, index(line, "[") - 1) substr(line, index(line, "]") + 1)
      }
      n = split(line, w, /[ \t]+/); i = 1
      while (i <= n && w[i] != "deb") i++
      if (i + 2 <= n) emit(w[i + 1], w[i + 2], signed)
      signed = ""
    }
    END { flush() }
  ' "${files[@]}" >"$3" || { echo 0; return; }
  grep -c '^Types:' "$3"
}

# _rnngen_ptxas_fetch DEST: downloads and unpacks ptxas 11.8 into DEST/usr/bin/ptxas.
_rnngen_ptxas_fetch() {
  local dest=$1 started tmp codename arch count deb version
  started=$(date +%s)
  command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 \
    || { _rnngen_ptxas_say "no ptxas cached and no apt-get/dpkg to fetch it: set RNNGEN_PTXAS to a CUDA 11.8 ptxas"; return 1; }
  codename=$( (. /etc/os-release && echo "${VERSION_CODENAME:-}") 2>/dev/null)
  arch=$(dpkg --print-architecture)
  [ -n "$codename" ] || { _rnngen_ptxas_say "cannot tell the Debian release (no VERSION_CODENAME in /etc/os-release)"; return 1; }
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/rnngen-ptxas.XXXXXX") || return 1
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/parts" "$tmp/deb"
  : >"$tmp/status"
  count=$(_rnngen_ptxas_sources "$codename" "$arch" "$tmp/non-free.sources")
  if [ "${count:-0}" -eq 0 ]; then
    _rnngen_ptxas_say "this machine's apt sources name no Debian archive for $codename: cannot fetch nvidia-cuda-toolkit (set RNNGEN_PTXAS)"
    rm -rf "$tmp"
    return 1
  fi
  # Only the temporary sources file; the system's lists, cache and dpkg status are not read or written. Apt's own
  # settings (proxy, Check-Valid-Until, ...) in /etc/apt/apt.conf.d still apply.
  local apt=(apt-get -q
    -o "Dir::Etc::sourcelist=$tmp/non-free.sources" -o "Dir::Etc::sourceparts=$tmp/parts"
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::State::status=$tmp/status"
    -o "Dir::Cache=$tmp/cache" -o "Dir::Cache::archives=$tmp/cache/archives"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "Acquire::Languages=none" -o "APT::Sandbox::User=$(id -un)")
  _rnngen_ptxas_say "fetching nvidia-cuda-toolkit from $codename non-free (temporary apt state in $tmp)"
  # A failed index (one archive of several) is not fatal by itself: the download below says whether one worked.
  "${apt[@]}" update >"$tmp/apt-get-update.log" 2>&1 \
    || _rnngen_ptxas_say "apt-get update reported errors (see below if the download fails)"
  if ! (cd "$tmp/deb" && "${apt[@]}" download nvidia-cuda-toolkit) >"$tmp/apt-get-download.log" 2>&1; then
    _rnngen_ptxas_say "apt-get download nvidia-cuda-toolkit failed; apt's logs:"
    cat "$tmp/apt-get-update.log" "$tmp/apt-get-download.log" >&2
    rm -rf "$tmp"
    return 1
  fi
  deb=$(ls "$tmp"/deb/nvidia-cuda-toolkit_*.deb 2>/dev/null | head -n 1)
  [ -n "$deb" ] || { _rnngen_ptxas_say "apt-get download left no nvidia-cuda-toolkit .deb"; rm -rf "$tmp"; return 1; }
  version=$(dpkg-deb -f "$deb" Version)
  if ! dpkg-deb -c "$deb" | grep ' \./usr/bin/ptxas$' >/dev/null; then
    _rnngen_ptxas_say "$(basename "$deb") has no usr/bin/ptxas"
    rm -rf "$tmp"
    return 1
  fi
  dpkg -x "$deb" "$tmp/root" || { rm -rf "$tmp"; return 1; }
  local staged="$tmp/staged"
  mkdir -p "$staged/usr/bin" "$staged/usr/share/doc/nvidia-cuda-toolkit"
  cp "$tmp/root/usr/bin/ptxas" "$staged/usr/bin/ptxas"
  cp "$tmp/root/usr/share/doc/nvidia-cuda-toolkit/copyright" "$staged/usr/share/doc/nvidia-cuda-toolkit/" 2>/dev/null || true
  echo "$(basename "$deb") $version $(du -k "$deb" | cut -f1) KiB" >"$staged/SOURCE"
  local got
  got=$(_rnngen_ptxas_version "$staged/usr/bin/ptxas")
  if [ "$got" != 11.8 ]; then
    _rnngen_ptxas_say "the ptxas in $(basename "$deb") does not run or is not 11.8 (--version: '${got:-no output}')"
    rm -rf "$tmp"
    return 1
  fi
  # Into the cache in one rename, so that a concurrent or interrupted run never leaves half a copy.
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.tmp.$$"
  mv "$staged" "$dest.tmp.$$"
  if ! mv -T "$dest.tmp.$$" "$dest" 2>/dev/null; then
    rm -rf "$dest.tmp.$$" # another run got there first
  fi
  _rnngen_ptxas_say "$(basename "$deb") ($version, $(du -k "$deb" | cut -f1) KiB) fetched and unpacked in $(($(date +%s) - started)) s; ptxas cached in $dest"
  if [ "${RNNGEN_PTXAS_KEEP_DOWNLOAD:-0}" = 1 ]; then
    _rnngen_ptxas_say "kept $tmp"
  else
    rm -rf "$tmp"
  fi
}

# rnngen_ptxas: prints the path of a working ptxas on stdout (see the top of this file).
rnngen_ptxas() {
  local got
  if [ -n "${RNNGEN_PTXAS:-}" ]; then
    got=$(_rnngen_ptxas_version "$RNNGEN_PTXAS")
    [ -n "$got" ] || { _rnngen_ptxas_say "RNNGEN_PTXAS=$RNNGEN_PTXAS does not run ($RNNGEN_PTXAS --version failed)"; return 1; }
    [ "$got" = 11.8 ] || _rnngen_ptxas_say "warning: RNNGEN_PTXAS is ptxas $got; CI uses 11.8 (PTX ISA 7.8 at most), results may differ"
    echo "$RNNGEN_PTXAS"
    return 0
  fi
  local dest="${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/rnngen/ptxas-11.8"
  if [ "$(_rnngen_ptxas_version "$dest/usr/bin/ptxas")" = 11.8 ]; then
    echo "$dest/usr/bin/ptxas"
    return 0
  fi
  [ -e "$dest" ] && { _rnngen_ptxas_say "the cached copy in $dest does not work: fetching it again"; rm -rf "$dest"; }
  _rnngen_ptxas_fetch "$dest" || return 1
  echo "$dest/usr/bin/ptxas"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  rnngen_ptxas || exit 1
fi
