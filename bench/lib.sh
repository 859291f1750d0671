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

# ratio A B: A / B with two decimals ("n/a" when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# verdict VALUE OP TARGET: "met" or "NOT MET", OP one of >= and <=.
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
  ok = (op == ">=") ? (v >= t) : (v <= t); print ok ? "met" : "NOT MET" }'; }

# elapsed T0: seconds since T0 (a `date +%s.%N`).
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f\n", b - a }'; }

# free_port: prints a loopback port nothing listens on now.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port"
}

# announced FILE PATTERN PID: waits for the first line of FILE, prints what
# follows PATTERN in it.
announced() {
  local line
  for _ in $(seq 600); do
    line=$(head -n1 "$1" 2>/dev/null || true)
    if [[ -n $line ]]; then
      [[ $line == "$2"* ]] || { say "unexpected first line in $1: $line"; return 1; }
      printf '%s\n' "${line#"$2"}"
      return 0
    fi
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# build_relay: bench/relay (a TCP relay adding delay and a rate limit) into
# $tmp/relay.
build_relay() {
  say "building bench/relay"
  (cd "$repo/bench/relay" && env GOFLAGS= GOTOOLCHAIN=local GOWORK=off GO111MODULE=on GOPROXY=off CGO_ENABLED=0 \
    "$GO" build -o "$tmp/relay" main.go) >&2 || die "could not build bench/relay"
}

# status_kb FIELD: a /proc/$AGENT_PID/status figure in kB (VmRSS, VmHWM).
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$AGENT_PID/status"; }

# rollup_kb FIELD: a /proc/$AGENT_PID/smaps_rollup figure in kB (Pss,
# Private_Dirty, Anonymous …).
rollup_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$AGENT_PID/smaps_rollup"; }
