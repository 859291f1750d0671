# gpx prefetch --build-only fetches the zips `go build ./...` needs and not
# those only the tests need: with the upstream gone afterwards, go build
# succeeds through the agent alone, go test does not (its dependency was
# left out), fewer zips were fetched than by a full prefetch, and the
# project's go.mod and go.sum are untouched.

start_goproxy_test
use_checksum_db_of_goproxy_test

P="$WORK/src/app"
mkdir -p "$P"
printf 'module example.com/app\n\ngo 1.21\n' >"$P/go.mod"
printf 'package main\n\nimport "rsc.io/quote"\n\nfunc main() { println(quote.Hello()) }\n' >"$P/main.go"
# rsc.io/breaker is imported by a test only.
printf 'package main\n\nimport (\n\t"testing"\n\n\t"rsc.io/breaker"\n)\n\nfunc TestX(t *testing.T) { _ = breaker.X }\n' >"$P/main_test.go"
online "$P" get rsc.io/quote@v1.5.2 rsc.io/breaker@v1.0.0
online "$P" mod tidy
grep -q 'rsc.io/breaker v1.0.0 h1:' "$P/go.sum" || fail "go.sum lacks the test-only module: $(cat "$P/go.sum")"
cp "$P/go.mod" "$WORK/before.mod"
cp "$P/go.sum" "$WORK/before.sum"

# zips FILE: the "zips" count of a --json summary.
zips() {
  sed -n 's/.*"zips":\([0-9]*\).*/\1/p' "$1"
}

# The full set, into one cache.
start_agent --cache-dir "$WORK/full" --upstream "$UPSTREAM_URL"
"$GPX" prefetch "$P" --agent "$AGENT_URL" --json >"$WORK/full.json" || fail "full prefetch failed: $(cat "$WORK/full.json")"
stop_agent
[ -e "$WORK/full/download/rsc.io/breaker/@v/v1.0.0.zip" ] || fail "the full prefetch left out the test-only module"

# --build-only, into another.
start_agent --cache-dir "$WORK/build" --upstream "$UPSTREAM_URL"
"$GPX" prefetch "$P" --agent "$AGENT_URL" --build-only --json >"$WORK/build.json" 2>"$WORK/build.err" ||
  fail "prefetch --build-only failed: $(cat "$WORK/build.json" "$WORK/build.err")"
grep -q '"build_only":true' "$WORK/build.json" || fail "--json does not say build_only: $(cat "$WORK/build.json")"
[ "$(zips "$WORK/build.json")" -lt "$(zips "$WORK/full.json")" ] ||
  fail "--build-only fetched no fewer zips: $(cat "$WORK/build.json") vs $(cat "$WORK/full.json")"
[ ! -e "$WORK/build/download/rsc.io/breaker/@v/v1.0.0.zip" ] || fail "--build-only fetched the test-only module's zip"
cmp -s "$P/go.mod" "$WORK/before.mod" || fail "--build-only changed go.mod"
cmp -s "$P/go.sum" "$WORK/before.sum" || fail "--build-only changed go.sum"
[ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name "gpx-build-only-*" -user "$(id -u)" -newer "$WORK/before.sum" 2>/dev/null)" ] ||
  fail "--build-only left its scratch directory behind"

# The upstream is gone: the agent alone serves the build.
stop_goproxy_test
export GOPROXY="$AGENT_URL" GOMODCACHE="$WORK/offline/mod" GOPATH="$WORK/offline/gopath"
(cd "$P" && "$GO" build ./...) >"$WORK/off.out" 2>&1 || { cat "$WORK/off.out" >&2; fail "offline go build failed after --build-only"; }
if (cd "$P" && "$GO" test ./...) >"$WORK/off-test.out" 2>&1; then
  fail "offline go test passed, so the test-only module was fetched after all"
fi
grep -q "rsc.io/breaker" "$WORK/off-test.out" || fail "offline go test failed for another reason: $(cat "$WORK/off-test.out")"
stop_agent
