# A token in the upstream URL's user part (https://TOKEN@host/path, the
# usual form for tokens) appears in no output, log, metric, index row or
# answer: the agent's log, /metrics, the index, a 502 body, gpx status and
# gpx doctor all show it redacted.

start_goproxy_test
use_checksum_db_of_goproxy_test
secret=ghpSECRETTOKEN4242
with_token=$(echo "$UPSTREAM_URL" | sed "s|http://|http://$secret@|")
export GPX_UPSTREAM="$with_token"
start_agent --cache-dir "$WORK/cache"
export GOPROXY="$AGENT_URL"
go_download rsc.io/quote@v1.5.2
curl -s "$AGENT_URL/metrics" >"$WORK/metrics"
stop_agent
cp "$WORK/agent.stderr" "$WORK/agent1.log"

# An upstream that fails: its error reaches the go command as a 502 body.
GPX_UPSTREAM="http://$secret@127.0.0.1:1/mod" start_agent --cache-dir "$WORK/cache2"
curl -s "$AGENT_URL/rsc.io/quote/@v/list" >"$WORK/502.body"
grep -q "127.0.0.1:1" "$WORK/502.body" || fail "the 502 body does not name the upstream: $(cat "$WORK/502.body")"
stop_agent

"$GPX" status --cache-dir "$WORK/cache" >"$WORK/status" 2>&1 || true
"$GPX" doctor >"$WORK/doctor" 2>&1 || true
for f in agent1.log agent.stderr metrics 502.body status doctor cache/index.db cache/index.db-wal; do
  [ -e "$WORK/$f" ] || continue
  if grep -aq "$secret" "$WORK/$f"; then
    fail "the token appears in $f: $(grep -a -m1 "$secret" "$WORK/$f" | cut -c1-200)"
  fi
done
grep -q "xxxxx@127.0.0.1" "$WORK/agent1.log" || fail "the agent's log does not show the upstream redacted"
