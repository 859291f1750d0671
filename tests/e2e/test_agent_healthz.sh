# The agent starts with its embedded defaults, announces its address on the
# first line, answers /healthz, and stops cleanly on SIGTERM.
start_agent
body=$(curl -fsS "$AGENT_URL/healthz")
expect_eq "healthz body" "$body" "ok"

# Unknown paths are a plain 404, not a crash.
code=$(curl -s -o /dev/null -w '%{http_code}' "$AGENT_URL/no/such/thing")
expect_eq "unknown path status" "$code" "404"

kill -TERM "$AGENT_PID"
rc=0
wait "$AGENT_PID" || rc=$?
expect_eq "exit status after SIGTERM" "$rc" "0"
AGENT_PID=

# A non-loopback listen address is refused with a reason, exit 1.
expect_fail "$GPX" agent run --listen 0.0.0.0:0
grep -q "only loopback addresses" "$WORK/stderr" || fail "no reason given: $(cat "$WORK/stderr")"
# A busy port is a clear error too.
start_agent
port=${AGENT_URL##*:}
expect_fail "$GPX" agent run --listen "127.0.0.1:$port"
grep -q "cannot listen on 127.0.0.1:$port" "$WORK/stderr" || fail "busy port: $(cat "$WORK/stderr")"
stop_agent
