# gpx status, stats and prune on a cache the agent fills through the real go
# command: counters survive an agent restart; prune keeps the budget, least
# recently used first, and can run while downloads are being served.

start_goproxy_test
use_checksum_db_of_goproxy_test
cache="$WORK/cache"
start_agent --cache-dir "$cache" --upstream "$UPSTREAM_URL"
export GOPROXY="$AGENT_URL"

old=(rsc.io/quote@v1.0.0 rsc.io/quote@v1.1.0 rsc.io/quote@v1.2.0 rsc.io/quote@v1.3.0)
new=(rsc.io/quote@v1.5.2 rsc.io/sampler@v1.3.0 golang.org/x/text@v0.3.0)
for mv in "${old[@]}"; do go_download "$mv"; done
# Usage times have one-second resolution: the new ones are used later.
sleep 1.1
for mv in "${new[@]}"; do go_download "$mv"; done

# stats_field NAME: a counter from gpx stats --json.
stats_field() {
  "$GPX" stats --cache-dir "$cache" --json | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"
}
# The agent saves counters and usage every 5 s.
for _ in $(seq 100); do
  [ "$(stats_field misses)" -gt 0 ] 2>/dev/null && break
  sleep 0.1
done
misses=$(stats_field misses)
[ "${misses:-0}" -gt 0 ] || fail "gpx stats shows no misses after downloads: $("$GPX" stats --cache-dir "$cache")"
fetched=$(stats_field bytes_fetched)
[ "${fetched:-0}" -gt 10000 ] || fail "gpx stats: bytes_fetched $fetched"
"$GPX" status --cache-dir "$cache" >"$WORK/status" 2>&1 || true
grep -q "cache:    $cache, [0-9]* entries" "$WORK/status" || fail "gpx status: $(cat "$WORK/status")"

# gpx ls lists what is cached; a pattern narrows it.
"$GPX" ls --cache-dir "$cache" >"$WORK/ls" || fail "gpx ls failed"
grep -q "^rsc.io/quote v1.5.2  .*  info mod zip$" "$WORK/ls" || fail "gpx ls: $(cat "$WORK/ls")"
"$GPX" ls 'golang.org/x' --cache-dir "$cache" --json >"$WORK/ls.json" || fail "gpx ls --json failed"
grep -q '"module":"golang.org/x/text","version":"v0.3.0","zip":true' "$WORK/ls.json" || fail "gpx ls --json: $(cat "$WORK/ls.json")"
"$GPX" ls 'golang.org/x' --cache-dir "$cache" >"$WORK/ls" || fail "gpx ls PATTERN failed"
expect_eq "gpx ls golang.org/x" "$(cut -d' ' -f1,2 "$WORK/ls")" "golang.org/x/text v0.3.0"

# gpx verify: a damaged zip is found and, with --repair, fetched again.
"$GPX" verify --cache-dir "$cache" >"$WORK/verify" || fail "verify of a sound cache failed: $(cat "$WORK/verify")"
zip="$cache/download/rsc.io/sampler/@v/v1.3.0.zip"
good=$("$GPX" zip hash "$zip")
printf 'X' | dd of="$zip" bs=1 seek=100 conv=notrunc status=none
expect_fail "$GPX" verify --cache-dir "$cache"
grep -q "download/rsc.io/sampler/@v/v1.3.0.zip: " "$WORK/stdout" || fail "verify did not name the damaged zip: $(cat "$WORK/stdout")"
grep -q "gpx verify --repair" "$WORK/stderr" || fail "verify gave no hint: $(cat "$WORK/stderr")"
"$GPX" verify --cache-dir "$cache" --repair --json >"$WORK/repair.json" || fail "verify --repair failed"
grep -q '"removed":1' "$WORK/repair.json" || fail "verify --repair: $(cat "$WORK/repair.json")"
[ ! -e "$zip" ] || expect_eq "the zip after repair" "$("$GPX" zip hash "$zip")" "$good"
"$GPX" verify --cache-dir "$cache" >/dev/null || fail "verify after repair still finds problems"

# A fresh module cache asks again: hits. Counters survive a restart.
export GOMODCACHE="$WORK/modcache2"
for mv in "${new[@]}"; do go_download "$mv"; done
stop_agent # saves the counters at exit
hits=$(stats_field hits)
[ "${hits:-0}" -gt 0 ] || fail "no hits counted: $("$GPX" stats --cache-dir "$cache")"
start_agent --cache-dir "$cache" --upstream "$UPSTREAM_URL"
export GOPROXY="$AGENT_URL"
expect_eq "hits after a restart" "$(stats_field hits)" "$hits"
"$GPX" stats --cache-dir "$cache" --zero >/dev/null
expect_eq "hits after --zero" "$(stats_field hits)" "0"

# prune: a dry run removes nothing; a real one brings the cache to 90% of
# the bound, least recently used first. The bound asks for half the bytes of
# the versions used first: those go, the versions used last stay.
bytes=$(stats_field bytes)
old_bytes=$(cat "$cache"/download/rsc.io/quote/@v/v1.[0-3].0.* | wc -c)
bound=$(((bytes - old_bytes / 2) * 10 / 9))
zips_before=$(find "$cache/download" -name '*.zip' | wc -l)
"$GPX" prune --cache-dir "$cache" --max-size "$bound" --dry-run --json >"$WORK/dry.json"
grep -q '"dry_run":true' "$WORK/dry.json" || fail "prune --dry-run: $(cat "$WORK/dry.json")"
expect_eq "zips after a dry run" "$(find "$cache/download" -name '*.zip' | wc -l)" "$zips_before"
"$GPX" prune --cache-dir "$cache" --max-size "$bound" --json >"$WORK/prune.json"
after=$(sed -n 's/.*"bytes_after":\([0-9]*\).*/\1/p' "$WORK/prune.json")
[ "$after" -le "$((bound * 9 / 10 + 1))" ] || fail "prune left $after bytes, bound $bound: $(cat "$WORK/prune.json")"
expect_eq "index size after prune" "$(stats_field bytes)" "$after"
for mv in "${new[@]}"; do
  m=${mv%@*} v=${mv#*@}
  [ -e "$cache/download/$m/@v/$v.zip" ] || fail "prune removed $mv, used after the others: $(cat "$WORK/prune.json")"
done
grep -q 'rsc.io/quote/@v/v1.0.0' "$WORK/prune.json" || fail "prune kept the least recently used version: $(cat "$WORK/prune.json")"
# What is gone comes back from upstream.
export GOMODCACHE="$WORK/modcache3"
go_download rsc.io/quote@v1.0.0

# prune, again and again, while the go command downloads through the agent:
# every download succeeds, with the right sums (GOSUMDB checks them).
export GOMODCACHE="$WORK/modcache4"
(for _ in $(seq 30); do "$GPX" prune --cache-dir "$cache" --max-size 1 >/dev/null || exit 1; sleep 0.05; done) &
pruner=$!
"$GO" mod download rsc.io/quote@v1.5.2 rsc.io/quote@v1.3.0 rsc.io/sampler@v1.3.0 golang.org/x/text@v0.3.0 rsc.io/quote@v1.0.0 \
  >"$WORK/dl.out" 2>&1 || { cat "$WORK/dl.out" >&2; fail "go mod download failed while prune ran"; }
wait "$pruner" || fail "a prune failed while downloads were served"
expect_eq "healthz" "$(curl -fsS "$AGENT_URL/healthz")" "ok"

# Bad input: a clear error, nothing removed.
expect_usage "$GPX" prune --cache-dir "$cache" --max-size 10gigs
grep -q "not a size" "$WORK/stderr" || fail "bad --max-size: $(cat "$WORK/stderr")"
expect_usage "$GPX" prune --cache-dir "$cache" --older-than soon
expect_fail "$GPX" prune --cache-dir "$WORK/no-such-cache"
grep -q "no gpx cache at" "$WORK/stderr" || fail "missing cache: $(cat "$WORK/stderr")"
stop_agent
