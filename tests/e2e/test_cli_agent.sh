# The background agent: gpx agent start|status|logs|restart|stop, one agent
# per cache dir, a clear error when the agent cannot start.

# A process that has exited may linger as a zombie until its parent (here
# possibly a container's init) reaps it: not alive.
alive() {
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $st != Z* ]]
}

expect_status() { # WANT-EXIT PATTERN
  local rc=0
  "$GPX" agent status >"$WORK/status" 2>&1 || rc=$?
  expect_eq "agent status exit" "$rc" "$1"
  grep -q "$2" "$WORK/status" || fail "agent status: [$(cat "$WORK/status")], want [$2]"
}

expect_status 1 "not running"
"$GPX" agent start --listen 127.0.0.1:0 --upstream off >"$WORK/start" 2>&1 || { cat "$WORK/start" >&2; fail "agent start failed"; }
url=$(sed -n 's/^gpx agent started at \(http:[^ ]*\) (pid \([0-9]*\)).*/\1/p' "$WORK/start")
pid=$(sed -n 's/^gpx agent started at \(http:[^ ]*\) (pid \([0-9]*\)).*/\2/p' "$WORK/start")
[ -n "$url" ] && [ -n "$pid" ] || fail "agent start: $(cat "$WORK/start")"
expect_eq "healthz" "$(curl -fsS "$url/healthz")" "ok"
expect_status 0 "running at $url (pid $pid), healthy"
# Detached: its own session, so a terminal's hang-up does not reach it.
expect_eq "session leader" "$(ps -o sid= -p "$pid" | tr -d ' ')" "$pid"

# A second start is a no-op; a second agent on the same cache dir is refused.
"$GPX" agent start >"$WORK/start2" 2>&1 || fail "second agent start failed"
grep -q "already running at $url (pid $pid)" "$WORK/start2" || fail "second start: $(cat "$WORK/start2")"
expect_fail "$GPX" agent run --listen 127.0.0.1:0 --upstream off
grep -q "another gpx agent (pid $pid) is already using this cache dir" "$WORK/stderr" || fail "second agent: $(cat "$WORK/stderr")"

# Its log is where logs says.
"$GPX" agent logs -n 5 >"$WORK/logs" || fail "agent logs failed"
grep -q "agent started url=$url" "$WORK/logs" || fail "agent logs: $(cat "$WORK/logs")"

# restart: a new process; stop: gone, and the pid file with it.
"$GPX" agent restart --listen 127.0.0.1:0 --upstream off >"$WORK/restart" 2>&1 || fail "restart: $(cat "$WORK/restart")"
pid2=$(sed -n 's/.*started at .* (pid \([0-9]*\)).*/\1/p' "$WORK/restart")
[ -n "$pid2" ] && [ "$pid2" != "$pid" ] || fail "restart did not start a new agent: $(cat "$WORK/restart")"
! alive "$pid" || fail "restart left the old agent running"
"$GPX" agent stop >"$WORK/stop" || fail "agent stop failed"
grep -q "stopped" "$WORK/stop" || fail "agent stop: $(cat "$WORK/stop")"
! alive "$pid2" || fail "agent stop left the agent running"
expect_status 1 "not running"
[ ! -e "$HOME/.local/state/gpx/agent.pid" ] || fail "agent stop left the pid file"
"$GPX" agent stop >"$WORK/stop" || fail "stopping a stopped agent failed"
grep -q "was not running" "$WORK/stop" || fail "second stop: $(cat "$WORK/stop")"

# An agent that cannot start: the error says why, from its own words.
expect_fail "$GPX" agent start --listen 10.1.2.3:7070
grep -q "loopback" "$WORK/stderr" || fail "non-loopback start: $(cat "$WORK/stderr")"

# An agent gpx did not start (a systemd service, or one in a terminal) is
# still found at the configured address.
start_agent --upstream off --cache-dir "$WORK/fg-cache"
port=${AGENT_URL##*:}
rc=0
GPX_LISTEN="127.0.0.1:$port" "$GPX" agent status >"$WORK/status" 2>&1 || rc=$?
expect_eq "status of a foreground agent" "$rc" "0"
grep -q "answers at http://127.0.0.1:$port (not started by 'gpx agent start'" "$WORK/status" || fail "status: $(cat "$WORK/status")"
stop_agent

# A long-running background agent rotates its own log past log_max_size.
GPX_LOG_MAX_SIZE=2KB GPX_LOG_LEVEL=debug "$GPX" agent start --listen 127.0.0.1:0 --upstream off >"$WORK/start" 2>&1 ||
  fail "agent start for rotation: $(cat "$WORK/start")"
url=$(sed -n 's/^gpx agent started at \(http:[^ ]*\) .*/\1/p' "$WORK/start")
log="$HOME/.local/state/gpx/agent.log"
# Debug level logs every request: 100 of them are well past 2 KB.
for _ in $(seq 100); do curl -fsS -o /dev/null "$url/healthz"; done
for _ in $(seq 100); do [ -e "$log.1" ] && break; sleep 0.1; done
[ -e "$log.1" ] || fail "the log was not rotated: $(ls -la "$(dirname "$log")")"
curl -fsS -o /dev/null "$url/healthz"
for _ in $(seq 50); do grep -q "log rotated" "$log" && break; sleep 0.1; done
grep -q "log rotated" "$log" || fail "the new log is not written to: $(head -c 300 "$log")"
[ "$(stat -c %s "$log.1")" -lt 100000 ] || fail "the rotated log is $(stat -c %s "$log.1") bytes"
"$GPX" agent stop >/dev/null
