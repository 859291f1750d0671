#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a while:
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
# Seeds come from the unit tests' tables (every string literal in the
# matching tests/unit/test_gomod_*.cpp), x/mod's go.mod golden inputs, and
# zips made from x/mod's zip test data. Not part of the ctest suite.
set -euo pipefail
seconds=${1:-120}
shift || true
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${GPX_FUZZ_BUILD_DIR:-$src/build-fuzz}
xmod=/usr/share/gocode/src/golang.org/x/mod

missing=()
for p in clang libclang-rt-14-dev golang-golang-x-mod-dev python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DGPX_FUZZ=ON -DGPX_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_module fuzz_semver fuzz_gover fuzz_modfile fuzz_workfile fuzz_gosum fuzz_zip fuzz_code_repo)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
python3 "$src/tests/fuzz/make_seeds.py" "$src" "$xmod" "$seeds"

for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  echo "fuzz: $t for ${seconds}s (seeds: $(ls "$seeds/$t" | wc -l))"
  start=$(date +%s)
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$build/$t-" "$corpus" "$seeds/$t" 2>"$build/$t.log" || {
    echo "fuzz: $t FOUND A PROBLEM; see $build/$t.log and $build/$t-*" >&2
    tail -40 "$build/$t.log" >&2
    exit 1
  }
  end=$(date +%s)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/$t.log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: $t ran $((end - start))s, $runs inputs, no finding"
done
