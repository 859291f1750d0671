# gpx prefetch starts the largest zips first: it asks the agent each zip's
# size with a HEAD, which the agent answers from the upstream's HEAD without
# downloading or caching anything. The upstream is the Go test proxy behind
# fault_upstream, which logs every request it answers, in order.

start_goproxy_test
use_checksum_db_of_goproxy_test
start_fault_upstream
start_agent --cache-dir "$WORK/cache" --upstream "$FAULT_URL"
cache="$WORK/cache/download"

# A HEAD for a zip nobody fetched yet: its length, from a HEAD upstream.
zip=rsc.io/quote/@v/v1.5.1.zip
curl -sS -I "$AGENT_URL/$zip" >"$WORK/head.out" || fail "HEAD $zip failed"
grep -q '^HTTP/1.1 200' "$WORK/head.out" || fail "HEAD $zip: $(cat "$WORK/head.out")"
length=$(sed -n 's/^Content-Length: \([0-9]*\).*/\1/ip' "$WORK/head.out")
[ "${length:-0}" -gt 22 ] || fail "HEAD $zip: no length: $(cat "$WORK/head.out")"
grep -q "^fault_upstream: HEAD /$zip 200" "$WORK/fault.stderr" || fail "the agent did not ask the upstream with a HEAD: $(cat "$WORK/fault.stderr")"
if grep -q "^fault_upstream: GET /$zip" "$WORK/fault.stderr"; then fail "a HEAD made the agent download $zip"; fi
[ ! -e "$cache/$zip" ] || fail "a HEAD cached $zip"
# The same length as the zip itself, and once cached the file answers.
curl -sS -o "$WORK/quote.zip" "$AGENT_URL/$zip" || fail "GET $zip failed"
expect_eq "HEAD length of $zip" "$length" "$(stat -c %s "$WORK/quote.zip")"
heads=$(grep -c "^fault_upstream: HEAD /$zip" "$WORK/fault.stderr")
curl -sS -I "$AGENT_URL/$zip" >"$WORK/head2.out" || fail "HEAD $zip (cached) failed"
grep -qi "^Content-Length: $length" "$WORK/head2.out" || fail "HEAD $zip (cached): $(cat "$WORK/head2.out")"
expect_eq "upstream HEADs after a cached HEAD" "$(grep -c "^fault_upstream: HEAD /$zip" "$WORK/fault.stderr")" "$heads"
# Not found upstream: not found here.
expect_eq "HEAD of a missing zip" "$(curl -s -o /dev/null -w '%{http_code}' -I "$AGENT_URL/rsc.io/quote/@v/v1.9.9.zip")" 404

# A project of several zips of different sizes, prefetched one at a time so
# that the upstream sees the plan's order.
P="$WORK/src/p"
mkdir -p "$P"
printf 'module example.com/p\n\ngo 1.21\n' >"$P/go.mod"
printf 'package main\n\nimport "rsc.io/quote"\n\nfunc main() { println(quote.Hello()) }\n' >"$P/main.go"
online "$P" mod tidy
start_line=$(($(wc -l <"$WORK/fault.stderr") + 1))
"$GPX" prefetch "$P" --agent "$AGENT_URL" --jobs 1 >"$WORK/prefetch.out" 2>"$WORK/prefetch.err" ||
  { cat "$WORK/prefetch.out" "$WORK/prefetch.err" >&2; fail "gpx prefetch failed"; }
tail -n +"$start_line" "$WORK/fault.stderr" | sed -n 's|^fault_upstream: GET /\(.*\.zip\) 20[06]$|\1|p' | awk '!seen[$0]++' >"$WORK/order"
[ "$(wc -l <"$WORK/order")" -ge 3 ] || fail "expected at least 3 zips fetched: $(cat "$WORK/order")"
prev=
while read -r z; do
  size=$(stat -c %s "$cache/$z") || fail "$z not cached"
  echo "$size $z" >>"$WORK/order.sizes"
  [ -z "$prev" ] || [ "$size" -le "$prev" ] || fail "zips not fetched largest first: $(cat "$WORK/order.sizes")"
  prev=$size
done <"$WORK/order"
# The sizes came from HEADs, which fetched nothing.
tail -n +"$start_line" "$WORK/fault.stderr" | grep -q "^fault_upstream: HEAD /.*\.zip 200" || fail "prefetch asked no sizes: $(tail -n +"$start_line" "$WORK/fault.stderr")"
stop_agent
