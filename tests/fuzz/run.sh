#!/usr/bin/env bash
# Builds the whole tree with clang (libraries, gpx and every fuzz target,
# under ASan+UBSan with libFuzzer's coverage hooks in every object), checks
# that the build is not blind, and runs each target for a while:
#   bash tests/fuzz/run.sh [--ci] [SECONDS_PER_TARGET] [TARGET...]
# --ci is the short run of `bash packaging/setup.sh test`: 10 s a target
# unless given. A long campaign is the same command with more seconds
# (default 120). Seeds come from the unit tests' tables (make_seeds.py).
# Fails on a build error, an object without coverage hooks, a target whose
# seeds reach fewer edges than its floor in coverage_floors.txt (a blind or
# broken target), or a finding. Not part of the ctest suite.
set -euo pipefail
ci=0
if [ "${1:-}" = --ci ]; then
  ci=1
  shift
fi
seconds=${1:-$([ $ci = 1 ] && echo 10 || echo 120)}
shift || true
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${GPX_FUZZ_BUILD_DIR:-$src/build-fuzz}
xmod=/usr/share/gocode/src/golang.org/x/mod

missing=()
for p in clang libclang-rt-14-dev golang-golang-x-mod-dev python3 binutils git; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DGPX_FUZZ=ON -DGPX_TESTS=OFF -DGPX_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"

# Not blind: every object with code carries the coverage hooks (without
# them in the libraries, libFuzzer sees only the harnesses' few edges).
blind=()
while IFS= read -r obj; do
  syms=$(nm "$obj" 2>/dev/null || true)
  # (A sanitizer's module constructor alone is no code of ours. grep -c, not
  # -q, after a pipe: -q would stop early, and pipefail take the SIGPIPE.)
  code=$(grep -E ' [TtW] ' <<<"$syms" | grep -cvE ' [a-z]+\.module_[cd]tor' || true)
  if [ "$code" -gt 0 ] && ! grep -qE '__sancov_|__sanitizer_cov_' <<<"$syms"; then
    blind+=("${obj#"$build"/}")
  fi
done < <(find "$build" -path '*/CMakeFiles/*.dir/*' -name '*.o' | sort)
if [ ${#blind[@]} -gt 0 ]; then
  echo "fuzz: no coverage hooks (-fsanitize=fuzzer-no-link) in ${#blind[@]} objects, e.g. ${blind[*]:0:5}" >&2
  exit 1
fi
echo "fuzz: every object of $build carries coverage hooks"

all=()
for f in "$here"/fuzz_*.cpp; do
  all+=("$(basename "$f" .cpp)")
done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
python3 "$here/make_seeds.py" "$src" "$xmod" "$seeds"

floors="$here/coverage_floors.txt"
export LSAN_OPTIONS="suppressions=$src/tests/support/lsan.supp"
for t in "${targets[@]}"; do
  floor=$(awk -v t="$t" '$1 == t { print $2 }' "$floors")
  if [ -z "$floor" ]; then
    echo "fuzz: $t has no coverage floor in $floors (add one: about half the 'cov' its seeds reach)" >&2
    exit 1
  fi
  corpus="$build/corpus/$t"
  mkdir -p "$corpus" "$seeds/$t"
  echo "fuzz: $t for ${seconds}s (seeds: $(find "$seeds/$t" -type f | wc -l))"
  start=$(date +%s)
  # -timeout: one input that takes this long is a hang, a finding.
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$build/$t-" "$corpus" "$seeds/$t" 2>"$build/$t.log" || {
    echo "fuzz: $t FOUND A PROBLEM; see $build/$t.log and $build/$t-*" >&2
    tail -40 "$build/$t.log" >&2
    exit 1
  }
  end=$(date +%s)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/$t.log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'INITED cov: [0-9]*' "$build/$t.log" | grep -o '[0-9]*$' || echo 0)
  if [ "$cov" -lt "$floor" ]; then
    echo "fuzz: $t: its seeds reach $cov edges, below its floor of $floor: a blind build or a broken target" >&2
    exit 1
  fi
  echo "fuzz: $t ran $((end - start))s, $runs inputs, seeds reach $cov edges (floor $floor), no finding"
done
