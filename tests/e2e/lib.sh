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

# expect_fail CMD...: the command must exit 1 (a failure, not a usage error
# or a crash); its stderr is left in $WORK/stderr.
expect_fail() {
  local rc=0
  "$@" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  if [ $rc -ne 1 ]; then
    cat "$WORK/stderr" >&2
    fail "expected exit 1 from: $* (got $rc)"
  fi
}

# start_agent [ARGS...]: starts `gpx agent run --listen 127.0.0.1:0 ARGS` in
# the background, waits for its first line (no sleeps, no polling) and sets
# AGENT_URL and AGENT_PID.
start_agent() {
  start_agent_args --listen 127.0.0.1:0 "$@"
}

# start_agent_args [ARGS...]: the same with exactly `gpx agent run ARGS`.
start_agent_args() {
  local fifo="$WORK/agent.fifo.$$.$RANDOM"
  mkfifo "$fifo"
  "$GPX" agent run "$@" >"$fifo" 2>"$WORK/agent.stderr" &
  AGENT_PID=$!
  local line=""
  # The read ends at the first line or when the agent exits (EOF).
  exec {agent_fd}<"$fifo"
  IFS= read -r -t 30 line <&"$agent_fd" || true
  # Keep draining its stdout so the agent never blocks on a full pipe.
  cat <&"$agent_fd" >"$WORK/agent.stdout" &
  exec {agent_fd}<&-
  rm -f "$fifo"
  case "$line" in
    "gpx agent listening on http://"*) AGENT_URL=${line#gpx agent listening on } ;;
    *) cat "$WORK/agent.stderr" >&2; fail "agent did not start; first line: [$line]" ;;
  esac
  export AGENT_URL AGENT_PID
}

stop_agent() {
  if [ -n "${AGENT_PID:-}" ]; then
    kill "$AGENT_PID" 2>/dev/null || true
    wait "$AGENT_PID" 2>/dev/null || true
    AGENT_PID=
  fi
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
