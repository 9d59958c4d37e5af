# Helpers shared by the .ci/*-check.sh scripts (sourced; each sets CHECK_NAME first).

say() { echo "$CHECK_NAME: $*"; }

fail() {
  echo "$CHECK_NAME: FAIL: $*" >&2
  exit 1
}

now() { date +%s.%N; }

# Seconds since $1 (from now), one decimal.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# run_logged NAME COMMAND...: runs COMMAND with its output in $LOGS/NAME.log; on failure shows the log's end and fails.
run_logged() {
  local name=$1
  shift
  local log="$LOGS/$name.log"
  if ! "$@" >"$log" 2>&1; then
    echo "---- last 40 lines of $log" >&2
    tail -n 40 "$log" >&2
    echo "----" >&2
    fail "$name failed: $*"
  fi
}

# apt_install PACKAGE...: installs Debian packages (root, or sudo without a password); fails clearly otherwise.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      fail "missing $*: install them (apt-get install $*) or run this script as root"
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || fail "missing $* and there is no apt-get to install them"
  say "installing $* (apt-get)"
  run_logged apt-get-update $sudo env DEBIAN_FRONTEND=noninteractive apt-get update
  run_logged apt-get-install $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# require_dotnet: the .NET 10 SDK on PATH, quiet.
require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || fail "dotnet SDK not found: the .NET 10 SDK must be on PATH"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}
