# Shared by the bench scripts: sourced after BENCH_NAME and repo are set.

say() { printf '%s\n' "$*" >&2; }
die() { say "$BENCH_NAME: $*"; exit 1; }

# median: of the numbers on stdin, one per line.
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# build_gpx: sets GPX, building a Release binary unless GPX names one.
build_gpx() {
  if [[ -z ${GPX:-} ]]; then
    build=${GPX_BENCH_BUILD:-/tmp/gpx-bench-build}
    say "building a Release gpx in $build"
    launcher=()
    command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGPX_TESTS=OFF \
      "${launcher[@]}" >&2 || die "cmake failed"
    ninja -C "$build" -j"$(nproc)" gpx >&2 || die "build failed"
    GPX=$build/cli/gpx
  fi
  [[ -x $GPX ]] || die "$GPX: not an executable"
}

# make_tmp: a temp dir in $tmp, removed at exit (KEEP=1 keeps it) along with
# every process whose pid is in pids.
make_tmp() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/gpx-bench.XXXXXX")
  pids=()
  cleanup() {
    local p
    for p in "${pids[@]}"; do
      kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
      wait "$p" 2>/dev/null || true
    done
    if [[ ${KEEP:-} == 1 ]]; then
      say "kept $tmp"
    else
      chmod -R u+w "$tmp" 2>/dev/null || true
      rm -rf "$tmp"
    fi
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}
