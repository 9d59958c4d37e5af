#!/usr/bin/env bash
# package-check.sh: the package as a user meets it.
#  1. packs runtime/ (with the generator inside) into a temporary local folder feed, with a unique prerelease
#     version (0.1.0-ci.<time>.<pid>), and checks the package's files and metadata;
#  2. copies .ci/consumer (Program.cs, Consumer.csproj) to a temporary folder outside the repository, with a
#     nuget.config that adds the local feed to the machine's own sources (System.Numerics.Tensors and the NativeAOT
#     compiler restore from those), references RnnGen by PackageReference, builds it with warnings as errors and
#     runs it: the README's NpcController (LSTM 64, softmax 4) must give probabilities that sum to 1 within 1e-5,
#     Forward must agree with Step, and Step must allocate nothing;
#  3. publishes the same project with NativeAOT, default instruction set and IlcInstructionSet=native, runs both
#     native binaries and compares their output with the JIT run's (1e-5 relative to max(|x|,1)); on x64 the default
#     publish must warn RNNG0014 (the package's build/RnnGen.props shows the generator PublishAot and
#     IlcInstructionSet) and the native one must not.
# Installs a C toolchain for NativeAOT with apt-get when none is found. Logs: TestResults/ci/package-check/.
# Exit code 0 when everything passed; prints "package-check: FAIL: ..." and exits 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
CHECK_NAME=package-check
# shellcheck source=lib.sh
. "$repo/.ci/lib.sh"

LOGS="$repo/TestResults/ci/package-check"
rm -rf "$LOGS"
mkdir -p "$LOGS"
require_dotnet
started=$(now)

work=$(mktemp -d "${TMPDIR:-/tmp}/rnngen-package-check.XXXXXX")
packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
version=""
cleanup() {
  rm -rf "$work"
  # The unique prerelease version is of no use to anyone after this run: take it out of the global packages folder.
  if [ -n "$version" ] && [ -n "$packages" ]; then rm -rf "${packages%/}/rnngen/$version"; fi
}
trap cleanup EXIT

rid=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)
case "$rid" in
  linux-x64 | linux-arm64) ;;
  *) fail "this check publishes NativeAOT for linux-x64 or linux-arm64; the SDK reports RID '$rid'" ;;
esac

# NativeAOT links with clang or gcc (the ILCompiler targets fall back to gcc) and strips with objcopy. .NET 10's
# ILCompiler package brings its own libz.a, so zlib1g-dev is installed only as Microsoft's documented prerequisite.
toolchain_ok() {
  local cc=""
  command -v clang >/dev/null 2>&1 && cc=clang
  [ -z "$cc" ] && command -v gcc >/dev/null 2>&1 && cc=gcc
  [ -n "$cc" ] || return 1
  command -v objcopy >/dev/null 2>&1 || command -v llvm-objcopy >/dev/null 2>&1 || return 1
  printf 'int main(void) { return 0; }\n' >"$work/probe.c"
  "$cc" "$work/probe.c" -o "$work/probe" >/dev/null 2>&1
}
if ! toolchain_ok; then
  apt_install clang zlib1g-dev
  toolchain_ok || fail "no working C compiler and linker (clang or gcc, libc dev files, objcopy) for NativeAOT"
fi

# 1. Pack. --artifacts-path keeps the repository's bin/ and obj/ untouched (a different version would make the next
#    build of the solution recompile everything).
feed="$work/feed"
suffix="ci.$(date -u +%Y%m%d%H%M%S).$$"
t=$(now)
run_logged pack dotnet pack runtime -c Release -p:VersionSuffix="$suffix" -o "$feed" --artifacts-path "$work/artifacts"
pack_time=$(since "$t")
shopt -s nullglob
nupkgs=("$feed"/*.nupkg)
shopt -u nullglob
[ "${#nupkgs[@]}" -eq 1 ] || fail "dotnet pack runtime should give exactly one package, got ${#nupkgs[@]}: ${nupkgs[*]:-none}"
file=$(basename "${nupkgs[0]}")
case "$file" in
  RnnGen.*-"$suffix".nupkg) version=${file#RnnGen.}; version=${version%.nupkg} ;;
  *) fail "the package is $file, expected RnnGen.<VersionPrefix>-$suffix.nupkg" ;;
esac
say "packed $file in ${pack_time} s"

# 2. The consumer, outside the repository. Empty Directory.Build.* / Directory.Packages.props stop MSBuild from
#    importing anything from folders above the temporary one.
consumer="$work/consumer"
mkdir -p "$consumer"
cp "$repo/.ci/consumer/Program.cs" "$repo/.ci/consumer/Consumer.csproj" "$consumer/"
for stub in Directory.Build.props Directory.Build.targets Directory.Packages.props; do
  echo '<Project />' >"$consumer/$stub"
done
# No <clear />: the machine's configured sources stay, the local feed is added to them.
cat >"$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="rnngen-local-feed" value="$feed" />
  </packageSources>
</configuration>
XML

cd "$consumer"
t=$(now)
run_logged consumer-build dotnet build -c Release -p:RnnGenVersion="$version" -p:TreatWarningsAsErrors=true
build_time=$(since "$t")
say "consumer restored and built (warnings as errors) in ${build_time} s"

# What restore extracted is the package as NuGet sees it: its files and nuspec.
extracted="${packages%/}/rnngen/$version"
[ -d "$extracted" ] || fail "restore did not extract RnnGen $version into $extracted"
for path in lib/net10.0/RnnGen.Runtime.dll lib/net10.0/RnnGen.Runtime.xml analyzers/dotnet/cs/RnnGen.Generator.dll README.md \
            build/RnnGen.props buildTransitive/RnnGen.props; do
  [ -f "$extracted/$path" ] || fail "the package has no $path"
done
nuspec="$extracted/rnngen.nuspec"
for expected in '<id>RnnGen</id>' "<version>$version</version>" '<authors>RnnGen contributors</authors>' \
                '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<description>' '<tags>' \
                'id="System.Numerics.Tensors"'; do
  grep -qF "$expected" "$nuspec" || fail "the package's nuspec lacks $expected"
done
if grep -q 'id="RnnGen.Generator"' "$nuspec"; then
  fail "the package depends on RnnGen.Generator: the generator must be inside it, not a dependency"
fi
say "package: lib/net10.0/RnnGen.Runtime.dll, analyzers/dotnet/cs/RnnGen.Generator.dll, build(Transitive)/RnnGen.props, README.md, MIT, depends on System.Numerics.Tensors only"

# run_consumer NAME COMMAND...: runs one build of the consumer; its output goes to $work/NAME.txt and the log.
run_consumer() {
  local name=$1
  shift
  if ! "$@" >"$work/$name.txt" 2>"$LOGS/$name.stderr"; then
    cat "$work/$name.txt" "$LOGS/$name.stderr" >&2
    fail "the $name consumer failed its checks"
  fi
  cp "$work/$name.txt" "$LOGS/$name.txt"
  grep -qx OK "$work/$name.txt" || fail "the $name consumer did not print OK"
  say "$name: $(grep -m 1 '^# NpcController' "$work/$name.txt" | sed 's/^# NpcController: //')"
}

run_consumer jit dotnet "$consumer/bin/Release/net10.0/Consumer.dll"
say "jit: $(grep -m 1 '^# worst' "$work/jit.txt" | sed 's/^# //')"

# 3. NativeAOT, twice: the default instruction set, then the build machine's own (IlcInstructionSet=native). The
#    default one is what RNNG0014 warns about on x64: there it stays a warning (so it can be seen in the log) while
#    every other warning is still an error.
for variant in default native; do
  extra=()
  [ "$variant" = native ] && extra=(-p:IlcInstructionSet=native)
  [ "$variant" = default ] && extra=(-p:WarningsNotAsErrors=RNNG0014)
  t=$(now)
  run_logged "aot-$variant-publish" dotnet publish -c Release -r "$rid" -p:PublishAot=true "${extra[@]}" \
    -p:RnnGenVersion="$version" -p:TreatWarningsAsErrors=true -o "$work/aot-$variant"
  say "NativeAOT publish ($variant instruction set) in $(since "$t") s, binary $(du -k "$work/aot-$variant/Consumer" | cut -f1) KiB"
  warned=no
  grep -q 'warning RNNG0014' "$LOGS/aot-$variant-publish.log" && warned=yes
  expected=no
  [ "$variant" = default ] && [ "$rid" = linux-x64 ] && expected=yes
  [ "$warned" = "$expected" ] || fail "the aot-$variant publish for $rid reported RNNG0014: $warned, expected $expected"
  say "aot-$variant: RNNG0014 reported: $warned (as expected)"
  run_consumer "aot-$variant" "$work/aot-$variant/Consumer"
  grep -q 'AOT True' "$work/aot-$variant.txt" || fail "the aot-$variant binary does not report running as NativeAOT"
  "$repo/.ci/compare-outputs.sh" "$work/jit.txt" "$work/aot-$variant.txt" 1e-5 | sed "s/^/$CHECK_NAME: aot-$variant against jit: /" \
    || fail "the aot-$variant binary's output differs from the JIT run's"
done

# IlcInstructionSet=native must really widen the kernels on a machine that has AVX2.
if [ "$rid" = linux-x64 ] && grep -qw avx2 /proc/cpuinfo; then
  width=$(sed -n 's/.*vector width \([0-9]*\).*/\1/p' "$work/aot-native.txt" | head -n 1)
  [ "${width:-0}" -ge 8 ] || fail "this CPU has AVX2 but the IlcInstructionSet=native binary runs vector width ${width:-?}"
fi

say "passed in $(since "$started") s"
