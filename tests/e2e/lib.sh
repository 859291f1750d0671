# Helpers for end-to-end tests; sourced by tests/e2e/run.

fail() {
  echo "e2e: FAIL: $*" >&2
  exit 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
  if [ "$2" != "$3" ]; then
    fail "$1: got [$2], want [$3]"
  fi
}

# expect_exit_code CODE WHAT CMD...: the command must exit CODE; its stdout
# and stderr are left in $WORK/stdout and $WORK/stderr.
expect_exit_code() {
  local want=$1 what=$2 rc=0
  shift 2
  # A command that should fail but serves forever instead is a failure too.
  timeout 60 "$@" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  if [ $rc -ne "$want" ]; then
    cat "$WORK/stderr" >&2
    fail "expected exit $want ($what) from: $* (got $rc)"
  fi
}

# expect_fail CMD...: the command must exit 1 (a failure, not a usage error
# or a crash).
expect_fail() {
  expect_exit_code 1 "a failure" "$@"
}

# expect_usage CMD...: the command must exit 2, a usage error, with one
# "gpx: error: …" line first.
expect_usage() {
  expect_exit_code 2 "a usage error" "$@"
  head -1 "$WORK/stderr" | grep -q '^gpx: error: ' || fail "usage error without 'gpx: error:' from $*: $(cat "$WORK/stderr")"
}

# spawn_announced TIMEOUT STREAM REST OTHER CMD...: starts CMD in the
# background and waits (up to TIMEOUT seconds, no sleeps, no polling) for
# the first line of its STREAM (stdout or stderr), which servers use to say
# where they listen. Sets SPAWNED_PID and SPAWNED_LINE ("" when CMD exits
# first). The rest of STREAM keeps being drained into REST, so CMD never
# blocks on a full pipe; the other stream goes to OTHER.
spawn_announced() {
  local timeout=$1 stream=$2 rest=$3 other=$4 fifo="$WORK/spawn.fifo.$$.$RANDOM" fd
  shift 4
  mkfifo "$fifo"
  if [ "$stream" = stdout ]; then
    "$@" >"$fifo" 2>"$other" &
  else
    "$@" 2>"$fifo" >"$other" &
  fi
  SPAWNED_PID=$!
  SPAWNED_LINE=""
  exec {fd}<"$fifo"
  IFS= read -r -t "$timeout" SPAWNED_LINE <&"$fd" || true
  cat <&"$fd" >"$rest" &
  exec {fd}<&-
  rm -f "$fifo"
}

# start_agent [ARGS...]: starts `gpx agent run --listen 127.0.0.1:0 ARGS` in
# the background, waits for its first line (no sleeps, no polling) and sets
# AGENT_URL and AGENT_PID.
start_agent() {
  start_agent_args --listen 127.0.0.1:0 "$@"
}

# start_agent_args [ARGS...]: the same with exactly `gpx agent run ARGS`.
start_agent_args() {
  spawn_announced 30 stdout "$WORK/agent.stdout" "$WORK/agent.stderr" "$GPX" agent run "$@"
  AGENT_PID=$SPAWNED_PID
  case "$SPAWNED_LINE" in
    "gpx agent listening on http://"*) AGENT_URL=${SPAWNED_LINE#gpx agent listening on } ;;
    *) cat "$WORK/agent.stderr" >&2; fail "agent did not start; first line: [$SPAWNED_LINE]" ;;
  esac
  export AGENT_URL AGENT_PID
}

# stop_agent: stops it as a user would (SIGTERM) and, in a sanitizer build,
# fails on any report it wrote on its way out (a leak shows only then).
stop_agent() {
  if [ -n "${AGENT_PID:-}" ]; then
    kill "$AGENT_PID" 2>/dev/null || true
    wait "$AGENT_PID" 2>/dev/null || true
    AGENT_PID=
    if grep -q 'ERROR: \(LeakSanitizer\|AddressSanitizer\)\|runtime error:' "$WORK/agent.stderr" 2>/dev/null; then
      sed -n '/ERROR: \(LeakSanitizer\|AddressSanitizer\)\|runtime error:/,$p' "$WORK/agent.stderr" | head -40 >&2
      fail "the agent's sanitizer report (above)"
    fi
  fi
}

# free_port VAR: sets VAR to a loopback port nothing listens on now (no
# subshell: $RANDOM would repeat itself in one). Below Linux's ephemeral
# range (32768 and up), so that no connection or port-0 listener of a test
# running alongside can take it between the check and its use.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((10000 + RANDOM % 22000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      printf -v "$1" '%s' "$p"
      return
    fi
  done
  fail "no free port found"
}

# git_repo DIR: a fresh repository with deterministic identity and dates.
git_repo() {
  mkdir -p "$1"
  "$GIT" -C "$1" init -q -b main
}

# git_commit DIR MESSAGE [DATE]: commits everything in DIR.
git_commit() {
  local date=${3:-2023-01-02T03:04:05Z}
  "$GIT" -C "$1" add -A
  GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" "$GIT" -C "$1" commit -q -m "$2"
}

# --- Direct mode: the go command's own VCS fetch, the oracle for private
# modules (DESIGN.md, "The oracle for private modules").

# use_direct_mode REPOS: module paths under git.corp.example/ are fetched by
# the go command itself from the git repositories under REPOS (an absolute
# path): git.corp.example/team/lib.git is REPOS/team/lib.git. A path element
# ending in .git names the repository, so no go-get discovery happens; git
# reaches it through url.insteadOf in the test's HOME. Nothing leaves the
# machine.
use_direct_mode() {
  mkdir -p "$1"
  local scheme
  # The go command tries https first and, if that fails (a repository the
  # test did not make), git+ssh and ssh: all of them lead to the local files.
  for scheme in https http git+ssh ssh git; do
    "$GIT" config --global --add "url.file://$1/.insteadOf" "$scheme://git.corp.example/"
  done
  "$GIT" config --global protocol.file.allow always
  export GOPROXY=direct GOPRIVATE=git.corp.example GONOSUMDB=git.corp.example
  export GOFLAGS=-modcacherw
}

# json_field FILE KEY: a top-level string field of the go command's indented
# JSON output (go mod download -json, go list -m -json).
json_field() {
  sed -n "s/^\t\"$2\": \"\(.*\)\",\{0,1\}\$/\1/p" "$1"
}

# go_download MODULE@VERSION: `go mod download -json`; sets DL_VERSION,
# DL_SUM, DL_GOMODSUM, DL_GOMOD (the .mod file), DL_ZIP (go's own zip) and
# DL_DIR (where go extracted it). Fails with go's message if it fails.
go_download() {
  local out="$WORK/go-download.json" rc=0
  "$GO" mod download -json "$1" >"$out" 2>"$WORK/go-download.stderr" || rc=$?
  if [ $rc -ne 0 ]; then
    cat "$out" "$WORK/go-download.stderr" >&2
    fail "go mod download $1 failed (exit $rc)"
  fi
  DL_VERSION=$(json_field "$out" Version)
  DL_SUM=$(json_field "$out" Sum)
  DL_GOMODSUM=$(json_field "$out" GoModSum)
  DL_GOMOD=$(json_field "$out" GoMod)
  DL_ZIP=$(json_field "$out" Zip)
  DL_DIR=$(json_field "$out" Dir)
}

# go_minor: the go command's minor version (19 for go1.19.8, 26 for go1.26.1).
go_minor() {
  "$GO" env GOVERSION | sed -n 's/^\(devel \)\{0,1\}go1\.\([0-9]*\).*/\2/p'
}

# git_export REPO REV DEST [SUBDIR]: the tree committed at REV (or its
# SUBDIR) extracted into DEST: symlinks stay symlinks, nothing untracked or
# ignored leaks in, no .git directory.
git_export() {
  local treeish=$2
  [ -z "${4:-}" ] || treeish="$2:$4"
  mkdir -p "$3"
  "$GIT" -C "$1" archive --format=tar "$treeish" | tar -xf - -C "$3"
}

# online DIR CMD...: the go command in DIR against the upstream itself
# ($UPSTREAM_URL), to make a project's go.mod and go.sum before a test
# goes through the agent; its output is shown only when it fails.
online() {
  local dir=$1
  shift
  (cd "$dir" && GOPROXY="$UPSTREAM_URL" "$GO" "$@") >"$WORK/online.out" 2>&1 ||
    { cat "$WORK/online.out" >&2; fail "online: go $* in $dir failed"; }
}

# --- The Go team's test module proxy (DESIGN.md, "A real upstream with a
# real checksum DB").

# The checksum database that goproxy-test serves under $UPSTREAM_URL/sumdb/.
GOPROXY_TEST_SUMDB='localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/YppAUtK6'
# Its signing key, published in the Go sources (cmd/go/proxy_test.go): what a
# test needs to forge a tree head the verifier key accepts.
GOPROXY_TEST_SUMDB_SIGNER='PRIVATE+KEY+localhost.localdev/sumdb+00000c67+AXu6+oaVaOYuQOFrf1V59JK1owcFlJcHwwXHDfDGxSPk'

# goproxy_test_bin: prints the path of the test proxy built from the GOROOT
# of $GO (its corpus and code differ between go versions, so there is one
# binary per go version), building it into $GPX_BUILD_DIR if missing. The
# build needs no network (cmd is vendored); a lock keeps parallel suites
# (normal, ASan) from building it twice, and a GOCACHE under the build
# directory makes a rebuild fast.
goproxy_test_bin() {
  : "${GPX_BUILD_DIR:?GPX_BUILD_DIR must name the build directory (ctest sets it)}"
  local goroot ver bin lockfd rc=0
  goroot=$("$GO" env GOROOT)
  ver=$("$GO" env GOVERSION | tr -c 'A-Za-z0-9._\n-' '_')
  bin="$GPX_BUILD_DIR/goproxy-test-$ver"
  [ -d "$goroot/src/cmd/go/testdata/mod" ] || fail "no Go source tree at $goroot/src (install the go sources, e.g. Debian's golang-src)"
  command -v flock >/dev/null || fail "flock not found; install util-linux"
  exec {lockfd}>"$bin.lock"
  flock -w 600 "$lockfd" || fail "could not lock $bin.lock"
  if [ ! -x "$bin" ]; then
    echo "e2e: building $bin (once per go version)" >&2
    (cd "$goroot/src/cmd/go" &&
      env -u CMDGO_TEST_RUN_MAIN -u GO_GCFLAGS GOCACHE="$GPX_BUILD_DIR/goproxy-test-gocache" \
        GOFLAGS= GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GO111MODULE= \
        "$GO" test -c -o "$bin.tmp.$$" .) >"$WORK/goproxy-test-build.log" 2>&1 || rc=$?
    if [ $rc -ne 0 ] || [ ! -x "$bin.tmp.$$" ]; then
      rm -f "$bin.tmp.$$"
      exec {lockfd}>&-
      cat "$WORK/goproxy-test-build.log" >&2
      fail "could not build the go test proxy from $goroot/src/cmd/go"
    fi
    mv -f "$bin.tmp.$$" "$bin"
  fi
  exec {lockfd}>&-
  echo "$bin"
}

# start_goproxy_test: starts the test proxy on a free loopback port, from
# its source directory as it requires, waits for its announcement (no
# sleeps, no polling) and sets UPSTREAM_URL (http://127.0.0.1:PORT/mod, a
# GOPROXY entry that also serves sumdb/localhost.localdev/sumdb/…) and
# UPSTREAM_PID.
start_goproxy_test() {
  local bin goroot
  bin=$(goproxy_test_bin) || exit 1
  goroot=$("$GO" env GOROOT)
  spawn_announced 60 stderr "$WORK/goproxy-test.stderr" "$WORK/goproxy-test.stdout" \
    env -C "$goroot/src/cmd/go" -u CMDGO_TEST_RUN_MAIN -u GO_GCFLAGS "$bin" -proxy=127.0.0.1:0
  UPSTREAM_PID=$SPAWNED_PID
  case "$SPAWNED_LINE" in
    "go test proxy running at GOPROXY=http://127.0.0.1:"*) UPSTREAM_URL=${SPAWNED_LINE#*GOPROXY=} ;;
    *) fail "go test proxy did not start; first line: [$SPAWNED_LINE]" ;;
  esac
  export UPSTREAM_URL UPSTREAM_PID
}

stop_goproxy_test() {
  if [ -n "${UPSTREAM_PID:-}" ]; then
    kill "$UPSTREAM_PID" 2>/dev/null || true
    wait "$UPSTREAM_PID" 2>/dev/null || true
    UPSTREAM_PID=
  fi
}

# use_checksum_db_of_goproxy_test: the go command verifies every module
# against the test proxy's checksum database, reached through GOPROXY.
use_checksum_db_of_goproxy_test() {
  export GOSUMDB="$GOPROXY_TEST_SUMDB" GONOSUMDB= GOPRIVATE= GONOPROXY= GOINSECURE=
  # The agent proves every module against the same database before caching.
  export GPX_SUMDB="$GOPROXY_TEST_SUMDB"
  export GOFLAGS=-modcacherw
}

# start_fault_upstream [--rule PATH=FAULT]...: the misbehaving proxy
# (tests/support/fault_upstream.cpp) in front of $UPSTREAM_URL; sets
# FAULT_URL and FAULT_PID.
start_fault_upstream() {
  : "${GPX_FAULT_UPSTREAM:?GPX_FAULT_UPSTREAM must name the fault_upstream binary (ctest sets it)}"
  spawn_announced 30 stdout "$WORK/fault.stdout" "$WORK/fault.stderr" "$GPX_FAULT_UPSTREAM" --upstream "$UPSTREAM_URL" "$@"
  FAULT_PID=$SPAWNED_PID
  case "$SPAWNED_LINE" in
    "fault upstream at http://"*|"fault upstream at https://"*) FAULT_URL=${SPAWNED_LINE#fault upstream at } ;;
    *) cat "$WORK/fault.stderr" >&2; fail "fault upstream did not start; first line: [$SPAWNED_LINE]" ;;
  esac
  export FAULT_URL FAULT_PID
}
