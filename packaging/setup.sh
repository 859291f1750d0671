#!/usr/bin/env bash
# One command per job on a fresh Debian/Ubuntu machine:
#   bash packaging/setup.sh run    install what is missing, build, run the agent
#   bash packaging/setup.sh test   install what the tests need, build, run the suite
# Only packages that are missing are installed (apt-get, as root or via sudo).
set -euo pipefail
mode=${1:-}
case "$mode" in
  run|test) ;;
  *) echo "usage: bash packaging/setup.sh run|test" >&2; exit 2 ;;
esac

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GPX_BUILD_DIR:-$src/build}

build_pkgs=(cmake ninja-build g++ pkg-config ccache
  libcpp-httplib-dev libcurl4-openssl-dev libsqlite3-dev libcli11-dev libgit2-dev
  libssl-dev libtomlplusplus-dev libzip-dev zlib1g-dev libdeflate-dev nlohmann-json3-dev libfmt-dev libre2-dev)
test_pkgs=(doctest-dev golang-golang-x-mod-dev git curl python3 python3-jsonschema openssl iproute2 util-linux mount openssh-server openssh-client lighttpd lighttpd-mod-openssl
  systemd libxml2-utils zsh fish dpkg-dev file groff-base man-db clang libclang-rt-14-dev clang-format)

wanted=("${build_pkgs[@]}")
if [ "$mode" = test ]; then
  wanted+=("${test_pkgs[@]}")
  # Our machines have a recent Go; Debian's golang-go only where none is found.
  command -v go >/dev/null 2>&1 || wanted+=(golang-go)
fi

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake_args=(-S "$src" -B "$build" -G Ninja -DGPX_WERROR=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ "$mode" = test ]; then cmake_args+=(-DGPX_TESTS=ON); else cmake_args+=(-DGPX_TESTS=OFF); fi
cmake "${cmake_args[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"

if [ "$mode" = run ]; then
  exec "$build/cli/gpx" agent run
fi
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"

# The tree once more with clang, libFuzzer's coverage hooks in every object
# (libraries, gpx, each fuzz target): a clang-only build error, an
# uninstrumented (blind) build, or a finding in 10 s of each target fails.
GPX_FUZZ_BUILD_DIR="$build-fuzz" bash "$src/tests/fuzz/run.sh" --ci

# Last, the whole suite again under ASan+UBSan (so the run ends with ctest's
# summary): memory errors and undefined behaviour fail the run rather than
# waiting for a user to find them.
cmake -S "$src" -B "$build-asan" -G Ninja -DGPX_WERROR=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_BUILD_TYPE=Debug -DGPX_SANITIZE=ON >/dev/null
cmake --build "$build-asan" -j"$(nproc)"
ctest --test-dir "$build-asan" --output-on-failure -j"$(nproc)"
