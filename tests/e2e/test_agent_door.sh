# The door (DESIGN.md): a request whose Host is not the agent's loopback
# address, or that a browser sends cross-site, is refused with 403 before
# anything is fetched; a path that tries to climb out of the cache is
# refused with 400 or 404, and nothing outside the cache is touched.

start_goproxy_test
start_agent --cache-dir "$WORK/cache" --upstream "$UPSTREAM_URL"
port=${AGENT_URL##*:}

# status [CURL ARGS...] PATH: the HTTP status of GET $AGENT_URL/PATH, the
# path sent exactly as written.
status() {
  local path=${*: -1}
  curl -s --path-as-is -o "$WORK/body" -w '%{http_code}' "${@:1:$#-1}" "$AGENT_URL$path" || true
}

# A control: the request itself is fine when it comes from the right place.
expect_eq "plain request" "$(status /rsc.io/quote/@v/v1.5.2.mod)" "200"
expect_eq "Host localhost with the port" "$(status -H "Host: localhost:$port" /rsc.io/quote/@v/v1.5.2.mod)" "200"
expect_eq "same-origin Origin" "$(status -H "Origin: http://127.0.0.1:$port" /rsc.io/quote/@v/v1.5.2.mod)" "200"

# DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1.
expect_eq "Host evil.example:PORT" "$(status -H "Host: evil.example:$port" /rsc.io/quote/@v/list)" "403"
grep -q "forbidden" "$WORK/body" || fail "403 without a reason: $(cat "$WORK/body")"
expect_eq "Host evil.example" "$(status -H "Host: evil.example" /rsc.io/quote/@v/list)" "403"
expect_eq "Host 127.0.0.1.evil.example:PORT" "$(status -H "Host: 127.0.0.1.evil.example:$port" /rsc.io/quote/@v/list)" "403"
expect_eq "Host loopback on another port" "$(status -H "Host: 127.0.0.1:$((port == 65535 ? 1 : port + 1))" /rsc.io/quote/@v/list)" "403"
# Cross-site browser requests.
expect_eq "Origin https://evil.example" "$(status -H "Origin: https://evil.example" /rsc.io/quote/@v/list)" "403"
expect_eq "Origin null" "$(status -H "Origin: null" /rsc.io/quote/@v/list)" "403"
expect_eq "Sec-Fetch-Site cross-site" "$(status -H "Sec-Fetch-Site: cross-site" /rsc.io/quote/@v/list)" "403"
# Refused before anything was fetched or cached.
[ ! -e "$WORK/cache/download/rsc.io/quote/@v/list" ] || fail "a refused request was served from upstream and cached"
# The checksum database proxy is behind the same door.
expect_eq "sumdb, Host evil.example:PORT" \
  "$(status -H "Host: evil.example:$port" /sumdb/localhost.localdev/sumdb/supported)" "403"

# Paths that try to leave the cache: a target outside it, and a snapshot of
# everything outside the cache before the requests.
mkdir -p "$WORK/outside"
echo "do not touch" >"$WORK/outside/victim"
snapshot() {
  find "$WORK" -mindepth 1 -path "$WORK/cache" -prune -o ! -name 'agent.*' ! -name 'goproxy-test.*' ! -name body ! -name "snap.*" \
    -printf '%p %s %T@\n' | sort
}
snapshot >"$WORK/snap.before"
escape=(
  "/../../outside/victim"
  "/../../outside/@v/list"
  "/rsc.io/quote/../../../../outside/@v/list"
  "/rsc.io/quote/@v/../../../../../outside/victim.info"
  "/rsc.io/quote/@v/../../../../../outside/v1.0.0.zip"
  "/rsc.io/../../../outside/@v/v1.0.0.mod"
  "/rsc.io/quote/@v/v1.5.2%00.zip"
  "/rsc.io/quote/@v/v1.5.2.info%00"
  "/rsc.io%00/quote/@v/list"
  "/rsc.io/quote%00/../../outside/@latest"
  "/%2e%2e/%2e%2e/outside/@v/list"
  "/rsc.io/%2e%2e/%2e%2e/%2e%2e/outside/@v/v1.0.0.mod"
  "/rsc.io/quote/@v/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2foutside%2fvictim.info"
  "/rsc.io/quote/@v/..%2f..%2f..%2f..%2f..%2foutside%2fx.zip"
  "/%2e%2e%2f%2e%2e%2foutside/@latest"
  "/rsc.io%5c..%5c..%5coutside/@v/list"
  "/sumdb/localhost.localdev/sumdb/lookup/../../../../outside/victim"
  "/sumdb/localhost.localdev/sumdb/lookup/rsc.io/quote@v1.5.2/../../../../../../outside/x"
  "/sumdb/localhost.localdev/sumdb/tile/8/0/../../../../../../outside/x"
  "/sumdb/%2e%2e/%2e%2e/outside/latest"
  "/sumdb/localhost.localdev%2f..%2f..%2f..%2foutside/latest"
  "/sumdb/localhost.localdev/sumdb/lookup/rsc.io%2fquote@v1.5.2%00"
)
for p in "${escape[@]}"; do
  code=$(status "$p")
  case "$code" in
    400 | 404) ;;
    *) fail "GET $p: got status $code, want 400 or 404; body: $(head -c 300 "$WORK/body")" ;;
  esac
done
snapshot >"$WORK/snap.after"
diff -u "$WORK/snap.before" "$WORK/snap.after" >&2 || fail "requests for paths outside the cache changed files outside it"
expect_eq "the victim" "$(cat "$WORK/outside/victim")" "do not touch"
# Inside the cache nothing odd either: no name with "..", nothing beside
# the layout.
odd=$(find "$WORK/cache" -name '*..*' -o -name '*\\*' | head -5)
expect_eq "names with .. in the cache" "$odd" ""
odd=$(cd "$WORK/cache" && find . -mindepth 1 -maxdepth 1 | grep -v -E '^\./(download|sumdb|tmp|git|agent\.lock|agent\.json|index\.db.*)$' || true)
expect_eq "unexpected entries at the cache root" "$odd" ""

# The agent is still up and still serves.
expect_eq "healthz after all that" "$(curl -fsS "$AGENT_URL/healthz")" "ok"
expect_eq "still serving" "$(status /rsc.io/quote/@v/v1.5.2.info)" "200"
stop_agent
stop_goproxy_test
