#!/usr/bin/env bash
# Cold-miss cost of verification: a cold `go mod download` with a 40 ms round
# trip to the upstream, straight from the upstream, through a gpx agent that
# proves every .mod/.zip against the checksum database before caching, and
# through one that proves nothing (sumdb = off). Side by side, alternating,
# on 127.0.0.1 only; reported as medians and ratios.
#
#   bash bench/verify_cost.sh
#
# The upstream is the Go team's test module proxy (cmd/go's test binary with
# -proxy) and its checksum database, localhost.localdev/sumdb, behind
# bench/relay: a TCP relay that delivers every byte DELAY_MS later in each
# direction and makes a new connection wait one round trip first (the TCP
# handshake; TLS is not modeled). The go command verifies against the same
# database in every case. With GOSUMDB = the key alone it asks GOPROXY for
# the database (sumdb/NAME/supported): the relay, or the verifying agent,
# which answers from the proofs it fetched. The agent with sumdb = off
# proxies no database, so there GOSUMDB also names the relay's URL and the
# go command asks it directly (as it would ask sum.golang.org).
#
# Knobs (environment):
#   GPX=path/to/gpx      binary to measure (default: a Release build made in
#                        $GPX_BENCH_BUILD, /tmp/gpx-bench-build)
#   GOPROXY_TEST=path    the test proxy binary (default: built once per go
#                        version in the bench build directory)
#   ROUNDS=5             rounds; each runs the three cases, in rotating order
#   DELAY_MS=20          one-way delay of the relay (round trip: twice this)
#   KEEP=1               keep the temp dir (logs, relay and agent output)
#
# Not part of the test suite; never gates anything.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

ROUNDS=${ROUNDS:-5}
DELAY_MS=${DELAY_MS:-20}

BENCH_NAME=verify_cost
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

KEY='localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/YppAUtK6'
SUMDB_NAME=localhost.localdev/sumdb

# Module versions of the test corpus ($GOROOT/src/cmd/go/testdata/mod).
MODS=(
  rsc.io/quote@v1.0.0 rsc.io/quote@v1.1.0 rsc.io/quote@v1.2.0 rsc.io/quote@v1.2.1
  rsc.io/quote@v1.3.0 rsc.io/quote@v1.4.0 rsc.io/quote@v1.5.0 rsc.io/quote@v1.5.1
  rsc.io/quote@v1.5.2 rsc.io/quote/v3@v3.0.0
  rsc.io/sampler@v1.0.0 rsc.io/sampler@v1.2.0 rsc.io/sampler@v1.2.1
  rsc.io/sampler@v1.3.0 rsc.io/sampler@v1.3.1 rsc.io/sampler@v1.99.99
  golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c golang.org/x/text@v0.3.0
  rsc.io/testonly@v1.0.0 rsc.io/breaker@v2.0.0+incompatible
)

command -v go >/dev/null 2>&1 || die "no go on PATH"
command -v curl >/dev/null 2>&1 || die "no curl on PATH"
GO=$(command -v go)
GOROOT_DIR=$("$GO" env GOROOT)
corpus=$GOROOT_DIR/src/cmd/go/testdata/mod
[[ -d $corpus ]] || die "no Go source tree at $GOROOT_DIR/src (install the go sources, e.g. Debian's golang-src)"
for mv in "${MODS[@]}"; do
  f=$corpus/$(printf '%s_%s' "${mv%@*}" "${mv#*@}" | tr / _).txt
  [[ -f $f ]] || die "$mv is not in this go's test corpus ($f)"
done

build_gpx

# The test proxy, built as tests/e2e/lib.sh's goproxy_test_bin does (cmd is
# vendored: no network), once per go version, next to the Release build.
if [[ -z ${GOPROXY_TEST:-} ]]; then
  bdir=${GPX_BENCH_BUILD:-/tmp/gpx-bench-build}
  mkdir -p "$bdir"
  GOPROXY_TEST=$bdir/goproxy-test-$("$GO" env GOVERSION | tr -c 'A-Za-z0-9._\n-' '_')
  if [[ ! -x $GOPROXY_TEST ]]; then
    say "building the go test proxy into $GOPROXY_TEST (once per go version)"
    (cd "$GOROOT_DIR/src/cmd/go" &&
      env -u CMDGO_TEST_RUN_MAIN -u GO_GCFLAGS GOCACHE="$bdir/goproxy-test-gocache" \
        GOFLAGS= GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GO111MODULE= \
        "$GO" test -c -o "$GOPROXY_TEST.tmp.$$" .) >&2 || die "could not build the go test proxy"
    mv -f "$GOPROXY_TEST.tmp.$$" "$GOPROXY_TEST"
  fi
fi
[[ -x $GOPROXY_TEST ]] || die "$GOPROXY_TEST: not an executable"

make_tmp

build_relay

# --- upstream: the test proxy behind the relay -----------------------------------

env -C "$GOROOT_DIR/src/cmd/go" -u CMDGO_TEST_RUN_MAIN -u GO_GCFLAGS "$GOPROXY_TEST" -proxy=127.0.0.1:0 \
  >"$tmp/goproxy-test.out" 2>"$tmp/goproxy-test.err" &
pids+=($!)
UPSTREAM=$(announced "$tmp/goproxy-test.err" "go test proxy running at GOPROXY=" $!) \
  || { cat "$tmp/goproxy-test.err" >&2; die "the go test proxy did not start"; }
hostport=${UPSTREAM#http://}
hostport=${hostport%%/*}

"$tmp/relay" -listen 127.0.0.1:0 -to "$hostport" -delay "${DELAY_MS}ms" -v >"$tmp/relay.out" 2>"$tmp/relay.err" &
pids+=($!)
relay_addr=$(announced "$tmp/relay.out" "relay listening on " $!) \
  || { cat "$tmp/relay.err" >&2; die "the relay did not start"; }
RELAY=http://$relay_addr/${UPSTREAM#http://*/}
say "upstream $UPSTREAM, through the relay ($((2 * DELAY_MS)) ms round trip) $RELAY"
t0=$(date +%s.%N)
curl -fsS -o /dev/null "$RELAY/sumdb/$SUMDB_NAME/supported" || die "the relay does not reach the test proxy's checksum database"
say "one request on a new connection through the relay: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f ms", (b - a) * 1000 }')"

# --- the cases ---------------------------------------------------------------------

# start_agent SUMDB DIR: a fresh agent with an empty cache in DIR; sets
# AGENT_URL and AGENT_PID.
start_agent() {
  local d=$2
  mkdir -p "$d/home" "$d/config" "$d/state"
  env -i PATH="$PATH" HOME="$d/home" XDG_CONFIG_HOME="$d/config" XDG_STATE_HOME="$d/state" GPX_SUMDB="$1" \
    "$GPX" agent run --listen 127.0.0.1:0 --cache-dir "$d/cache" --upstream "$RELAY" \
    >"$d/agent.out" 2>"$d/agent.err" &
  AGENT_PID=$!
  pids+=("$AGENT_PID")
  AGENT_URL=$(announced "$d/agent.out" "gpx agent listening on " "$AGENT_PID") \
    || { cat "$d/agent.err" >&2; die "the agent did not start"; }
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$AGENT_URL/healthz" 2>/dev/null && return 0
    kill -0 "$AGENT_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$d/agent.err" >&2
  die "the agent does not answer"
}

stop_agent() {
  kill "$AGENT_PID" 2>/dev/null || true
  wait "$AGENT_PID" 2>/dev/null || true
}

# relay_count: "connections requests sumdb-requests" the relay has seen.
relay_count() {
  awk '/^accepted/ { c++ } /^request/ { r++ } /^request .*\/sumdb\// { s++ } END { print c + 0, r + 0, s + 0 }' "$tmp/relay.err"
}

# go_download PROXY DIR [SUMDB-URL]: prints the seconds a cold `go mod download` of MODS
# takes (empty GOPATH, GOMODCACHE, GOENV and HOME).
go_download() {
  local d=$2 t0 t1
  mkdir -p "$d/home" "$d/work"
  t0=$(date +%s.%N)
  (cd "$d/work" && env -i PATH="$PATH" HOME="$d/home" GOENV="$d/home/goenv" \
    GOPATH="$d/gopath" GOMODCACHE="$d/gopath/pkg/mod" GOCACHE="$d/gocache" GOTMPDIR="" \
    GOPROXY="$1" GOSUMDB="$KEY${3:+ $3}" GONOSUMDB= GONOPROXY= GOPRIVATE= GOINSECURE= \
    GOFLAGS=-modcacherw GOTOOLCHAIN=local GO111MODULE=on GOWORK=off \
    "$GO" mod download "${MODS[@]}") >"$d/go.log" 2>&1 || { cat "$d/go.log" >&2; die "go mod download via $1 failed"; }
  t1=$(date +%s.%N)
  [[ $(find "$d/gopath/pkg/mod/cache/download" -name '*.zip' | wc -l) -eq ${#MODS[@]} ]] \
    || die "go mod download via $1 did not fetch every zip"
  [[ -d $d/gopath/pkg/mod/cache/download/sumdb/$SUMDB_NAME ]] \
    || die "go mod download via $1 did not consult the checksum database"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# run_case CASE ROUND: one measurement, appended to $tmp/res-CASE.
run_case() {
  local c=$1 d=$tmp/$1-$2 secs before after
  mkdir -p "$d"
  local proxy sumdb_url=
  case $c in
  direct) proxy=$RELAY ;;
  verify) start_agent "$KEY" "$d" && proxy=$AGENT_URL ;;
  off) start_agent off "$d" && proxy=$AGENT_URL && sumdb_url=$RELAY/sumdb/$SUMDB_NAME ;;
  esac
  before=$(relay_count)
  secs=$(go_download "$proxy" "$d" "$sumdb_url")
  after=$(relay_count)
  echo "$secs" >>"$tmp/res-$c"
  echo "$before $after" | awk '{ print $4 - $1, $5 - $2, $6 - $3 }' >>"$tmp/upstream-$c"
  if [[ $c != direct ]]; then
    stop_agent
    # What the verifying agent proved stays in its cache; the other proves nothing.
    local proofs
    proofs=$(find "$d/cache/sumdb" -type f 2>/dev/null | wc -l)
    [[ $c == verify && $proofs -gt 0 ]] && [[ $(find "$d/cache/sumdb" -path '*/lookup/*' -type f | wc -l) -ge ${#MODS[@]} ]] \
      || [[ $c == off && $proofs -eq 0 ]] \
      || die "$c: unexpected checksum database files in the agent's cache ($proofs)"
  fi
  say "round $2: $c ${secs}s"
  chmod -R u+w "$d" && rm -rf "$d"
}

say "cold go mod download of ${#MODS[@]} module versions, $ROUNDS rounds"
# The go command's first run in a new environment: not measured.
mkdir -p "$tmp/warmup" && go_download "$RELAY" "$tmp/warmup" >/dev/null && chmod -R u+w "$tmp/warmup" && rm -rf "$tmp/warmup"
cases=(direct verify off)
for ((r = 1; r <= ROUNDS; r++)); do
  for ((k = 0; k < 3; k++)); do
    run_case "${cases[$(((r - 1 + k) % 3))]}" "$r"
  done
done

# --- report ------------------------------------------------------------------------

declare -A M C R S
for c in "${cases[@]}"; do
  M[$c]=$(median <"$tmp/res-$c")
  C[$c]=$(awk '{ print $1 }' "$tmp/upstream-$c" | median)
  R[$c]=$(awk '{ print $2 }' "$tmp/upstream-$c" | median)
  S[$c]=$(awk '{ print $3 }' "$tmp/upstream-$c" | median)
done

echo
echo "verification cost on a cold miss, $((2 * DELAY_MS)) ms round trip to the upstream — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "gpx: $GPX; $("$GO" version | awk '{ print $3 }'); upstream: the go test proxy and $SUMDB_NAME behind bench/relay"
echo "cold go mod download of ${#MODS[@]} module versions: empty GOPATH/GOMODCACHE, fresh agent and cache; median of $ROUNDS rotating rounds"
echo
printf '%-42s %8s | %6s %6s %6s | %s\n' "GOPROXY" "seconds" "conns" "reqs" "sumdb" "all runs (s)"
printf '%s\n' "-------------------------------------------------------------+----------------------+-------------"
row() { printf '%-42s %8.3f | %6s %6s %6s | %s\n' "$1" "${M[$2]}" "${C[$2]}" "${R[$2]}" "${S[$2]}" "$(paste -sd' ' "$tmp/res-$2")"; }
row "(a) the relay, no gpx" direct
row "(b) gpx agent, sumdb = the test database" verify
row "(c) gpx agent, sumdb = off" off
echo
echo "b/a $(ratio "${M[verify]}" "${M[direct]}")   c/a $(ratio "${M[off]}" "${M[direct]}")   b/c $(ratio "${M[verify]}" "${M[off]}")"
echo "(conns, reqs, sumdb: medians of the connections, HTTP requests and checksum database requests through the"
echo " relay during one download, the go command's and the agent's together)"
