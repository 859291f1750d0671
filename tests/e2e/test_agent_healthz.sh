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
expect_fail "$GPX" agent run --listen "127.0.0.1:$port" --cache-dir "$WORK/other-cache"
grep -q "cannot listen on 127.0.0.1:$port" "$WORK/stderr" || fail "busy port: $(cat "$WORK/stderr")"
stop_agent

# With no flags the cache goes to $XDG_CACHE_HOME/gpx (here under the test's
# HOME); --cache-dir moves it, and the layout and index are created at start.
[ -f "$HOME/.cache/gpx/index.db" ] || fail "default cache dir not created under \$HOME/.cache/gpx"
start_agent --cache-dir "$WORK/cache"
for d in download tmp sumdb git; do
  [ -d "$WORK/cache/$d" ] || fail "cache layout: $d/ missing"
done
stop_agent

# The config file is read (GPX_CONFIG); a bad value is exit 1 naming file and line.
printf 'listen = "127.0.0.1:0"\nmax_size = "10 gigs"\n' >"$WORK/bad.toml"
GPX_CONFIG="$WORK/bad.toml" expect_fail "$GPX" agent run
grep -q "bad.toml:2: max_size: not a size" "$WORK/stderr" || fail "config error: $(cat "$WORK/stderr")"
# An explicit config file that does not exist is an error, not a silent default.
expect_fail "$GPX" agent run --config "$WORK/nope.toml"
grep -q "config file not found" "$WORK/stderr" || fail "missing config: $(cat "$WORK/stderr")"
# A listen address from the file is used.
printf 'listen = "127.0.0.1:0"\n' >"$WORK/good.toml"
export GPX_CONFIG="$WORK/good.toml"
start_agent_args
unset GPX_CONFIG
case "$AGENT_URL" in http://127.0.0.1:*) ;; *) fail "config listen not used: $AGENT_URL" ;; esac
expect_eq "healthz via config address" "$(curl -fsS "$AGENT_URL/healthz")" "ok"
stop_agent

# /metrics speaks the Prometheus text format and counts what was asked.
start_agent --cache-dir "$WORK/cache" --upstream off
curl -s -o /dev/null "$AGENT_URL/example.com/m/@v/list"
curl -s -o /dev/null "$AGENT_URL/nodot/@v/list"
metrics=$(curl -fsS "$AGENT_URL/metrics")
grep -q '^gpx_requests_total{endpoint="list",outcome="error"} 1$' <<<"$metrics" || fail "metrics: list error not counted: $metrics"
grep -q '^gpx_requests_total{endpoint="invalid",outcome="error"} 1$' <<<"$metrics" || fail "metrics: invalid not counted"
grep -q '^gpx_cache_entries 0$' <<<"$metrics" || fail "metrics: cache entries"
grep -q '^# TYPE gpx_request_duration_seconds histogram$' <<<"$metrics" || fail "metrics: no latency histogram"
stop_agent

# The agent keeps its cache under max_size by itself (LRU, down to 90%).
mkdir -p "$WORK/files/example.com/big/@v" "$WORK/mod"
printf 'module example.com/big\n' >"$WORK/mod/go.mod"
head -c 300000 /dev/urandom >"$WORK/mod/blob.bin"
for v in v1.0.0 v1.1.0 v1.2.0; do
  "$GPX" zip create "example.com/big@$v" "$WORK/mod" -o "$WORK/files/example.com/big/@v/$v.zip"
done
GPX_MAX_SIZE=700KB start_agent --cache-dir "$WORK/budget" --upstream "file://$WORK/files"
for v in v1.0.0 v1.1.0 v1.2.0; do
  curl -fsS -o /dev/null "$AGENT_URL/example.com/big/@v/$v.zip" || fail "zip $v not served from the file:// upstream"
done
# The maintenance pass runs every 5 s; wait for it (bounded).
for _ in $(seq 1 40); do
  n=$(find "$WORK/budget/download" -name '*.zip' | wc -l)
  [ "$n" -le 2 ] && break
  sleep 0.5
done
n=$(find "$WORK/budget/download" -name '*.zip' | wc -l)
[ "$n" -le 2 ] || fail "cache not pruned to max_size: $n zips left"
[ -f "$WORK/budget/download/example.com/big/@v/v1.2.0.zip" ] || fail "the most recently used zip was pruned"
stop_agent
