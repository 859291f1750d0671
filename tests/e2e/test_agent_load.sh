# The door under load (hardening findings 1 and 2): another process holds
# 2,000 idle connections and 300 that send one header line every 2 s, and
# reconnects whatever the agent closes; the go command's download of a
# cached module still completes in under 2 s, /healthz answers in under
# 100 ms, and memory stays bounded. Heads that never end, request lines and
# header blocks past their caps are refused at once without being buffered.

start_goproxy_test
start_agent --cache-dir "$WORK/cache" --upstream "$UPSTREAM_URL"
port=${AGENT_URL##*:}
export GOPROXY="$AGENT_URL" GOSUMDB=off GOFLAGS=-modcacherw
export GOMODCACHE="$WORK/modcache1"
go_download rsc.io/quote@v1.5.2

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$AGENT_PID/status"; }
# Growth, not the absolute figure: under ASan the agent starts at ~200 MB of
# shadow memory, and what matters is that the bytes sent do not add to it.
idle_kb=$(rss_kb)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# Oversized requests first, from a fresh agent's point of view: the caps
# answer (431/414) or close, and the agent's memory does not follow the
# bytes sent (4 connections × 20 MB of headers).
python3 "$E2E_DIR/hold_connections.py" 127.0.0.1 "$port" 0 0 $((20 * 1024 * 1024)) 4 >"$WORK/flood.out" 2>&1 \
  || { cat "$WORK/flood.out" >&2; fail "header flood client failed"; }
grep '^flood' "$WORK/flood.out" | while read -r _ sent answer; do
  sent=${sent#sent=}
  # What the client got out before the refusal; the kernel's socket
  # buffers on loopback hold a few MB of it, the agent none.
  [ "$sent" -lt $((8 * 1024 * 1024)) ] || fail "the agent took $sent bytes of headers before refusing"
  case "$answer" in
    "answer='HTTP/1.1 431"*|"answer=''") ;;
    *) fail "headers past the cap: got $answer, want 431 or a closed connection" ;;
  esac
done || exit 1
long=$(printf 'a%.0s' $(seq 20000))
code=$(curl -s -o /dev/null -w '%{http_code}' "$AGENT_URL/rsc.io/$long/@v/list")
expect_eq "a 20,000-byte request line" "$code" "414"
code=$(curl -s -o /dev/null -w '%{http_code}' $(for i in $(seq 200); do printf -- '-H X-%d:1 ' "$i"; done) "$AGENT_URL/healthz")
expect_eq "200 header fields" "$code" "431"
rss=$(rss_kb)
[ $((rss - idle_kb)) -lt $((32 * 1024)) ] || fail "agent RSS grew from ${idle_kb} to ${rss} kB with the header flood"

# Now the held connections.
coproc HOLD { exec python3 "$E2E_DIR/hold_connections.py" 127.0.0.1 "$port" 2000 300 2>"$WORK/hold.err"; }
read -r -t 120 ready <&"${HOLD[0]}" || fail "the connection holder did not get its connections open: $(cat "$WORK/hold.err")"
case "$ready" in "ready 2000 300") ;; *) fail "holder: $ready" ;; esac

for round in 1 2 3; do
  export GOMODCACHE="$WORK/modcache-held-$round"
  start=$(date +%s%N)
  timeout 20 "$GO" mod download -json rsc.io/quote@v1.5.2 >"$WORK/dl.json" 2>"$WORK/dl.err" \
    || fail "round $round: go mod download of a cached module failed under held connections: $(cat "$WORK/dl.err")"
  took=$(ms_since "$start")
  [ "$took" -lt 2000 ] || fail "round $round: go mod download took ${took} ms with 2,300 connections held"
  healthz=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 "$AGENT_URL/healthz")
  awk -v t="$healthz" 'BEGIN { exit !(t < 0.1) }' || fail "round $round: /healthz took ${healthz}s"
  echo "round $round: download ${took} ms, /healthz ${healthz}s, agent RSS $(rss_kb) kB"
  sleep 4 # let the slow connections time out and the holder reconnect them
done
rss=$(rss_kb)
[ $((rss - idle_kb)) -lt $((64 * 1024)) ] || fail "agent RSS grew from ${idle_kb} to ${rss} kB with 2,300 connections held"
kill "$HOLD_PID" 2>/dev/null || true
wait "$HOLD_PID" 2>/dev/null || true

# Nothing stuck: the agent still serves after the holder is gone.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$AGENT_URL/healthz")
expect_eq "healthz after the holder left" "$code" "200"
