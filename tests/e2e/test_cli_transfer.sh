# gpx import seeds the cache from an existing module cache (hard links,
# every file checked) and from a bundle; gpx export writes a bundle that
# works as GOPROXY=file:// on its own and that import checks against its
# manifest. A damaged file is rejected, loudly, and nothing else is lost.

start_goproxy_test
use_checksum_db_of_goproxy_test

# A project and the module cache the go command filled for it, online.
mkdir -p "$WORK/app"
printf 'module example.com/app\n\ngo 1.21\n' >"$WORK/app/go.mod"
printf 'package main\n\nimport (\n\t"fmt"\n\n\t"rsc.io/quote"\n)\n\nfunc main() { fmt.Println(quote.Hello()) }\n' >"$WORK/app/main.go"
(cd "$WORK/app" && GOPROXY="$UPSTREAM_URL" "$GO" mod tidy) >"$WORK/tidy.out" 2>&1 || { cat "$WORK/tidy.out" >&2; fail "online go mod tidy failed"; }
modcache=$GOMODCACHE
stop_goproxy_test

# Import: everything, hard-linked, every file checked.
"$GPX" import --from-modcache "$modcache" --cache-dir "$WORK/cache" --json >"$WORK/import.json" ||
  { cat "$WORK/import.json" >&2; fail "gpx import --from-modcache failed"; }
grep -q '"rejected":0' "$WORK/import.json" || fail "import: $(cat "$WORK/import.json")"
files=$(sed -n 's/.*"files":\([0-9]*\).*/\1/p' "$WORK/import.json")
[ "$files" -ge 9 ] || fail "import brought only $files files: $(cat "$WORK/import.json")"
zip=rsc.io/quote/@v/v1.5.2.zip
expect_eq "hard link" "$(stat -c %i "$WORK/cache/download/$zip")" "$(stat -c %i "$modcache/cache/download/$zip")"
"$GPX" verify --cache-dir "$WORK/cache" >/dev/null || fail "the imported cache does not verify"
# Again: nothing new.
"$GPX" import --from-modcache "$modcache" --cache-dir "$WORK/cache" --json >"$WORK/import2.json" || fail "second import failed"
grep -q '"files":0' "$WORK/import2.json" || fail "second import: $(cat "$WORK/import2.json")"

# The imported cache serves the project offline, go.sum verified.
start_agent --cache-dir "$WORK/cache" --upstream off --offline
export GOPROXY="$AGENT_URL" GOMODCACHE="$WORK/modcache-offline"
(cd "$WORK/app" && "$GO" build -o app . && "$GO" mod verify) >"$WORK/build.out" 2>&1 || { cat "$WORK/build.out" >&2; fail "offline build from the imported cache failed"; }
stop_agent

# --copy: the same files, not linked.
"$GPX" import --from-modcache "$modcache" --cache-dir "$WORK/cache-copy" --copy >/dev/null || fail "import --copy failed"
[ "$(stat -c %i "$WORK/cache-copy/download/$zip")" != "$(stat -c %i "$modcache/cache/download/$zip")" ] || fail "import --copy hard-linked"
cmp -s "$WORK/cache-copy/download/$zip" "$modcache/cache/download/$zip" || fail "import --copy changed the zip"

# A damaged module cache: the bad zip is rejected, the rest comes in.
cp -r "$modcache" "$WORK/damaged"
chmod -R u+w "$WORK/damaged"
printf 'X' | dd of="$WORK/damaged/cache/download/$zip" bs=1 seek=200 conv=notrunc status=none
expect_fail "$GPX" import --from-modcache "$WORK/damaged" --cache-dir "$WORK/cache-d"
grep -q "rejected rsc.io/quote/@v/v1.5.2.zip: " "$WORK/stderr" || fail "damaged zip not named: $(cat "$WORK/stderr")"
[ ! -e "$WORK/cache-d/download/$zip" ] || fail "the damaged zip was imported"
[ -e "$WORK/cache-d/download/rsc.io/sampler/@v/v1.3.0.zip" ] || fail "a good zip was not imported beside the bad one"

# Export what the project needs; the bundle stands alone as a GOPROXY.
"$GPX" export "$WORK/bundle" --for "$WORK/app" --cache-dir "$WORK/cache" --json >"$WORK/export.out" || fail "gpx export failed: $(cat "$WORK/export.out")"
grep -q '"files":[1-9]' "$WORK/export.out" || fail "export --json: $(cat "$WORK/export.out")"
[ -s "$WORK/bundle/gpx-bundle.json" ] || fail "no manifest in the bundle"
expect_eq "list in the bundle" "$(cat "$WORK/bundle/rsc.io/quote/@v/list")" "v1.5.2"
export GOPROXY="file://$WORK/bundle" GOMODCACHE="$WORK/modcache-bundle"
(cd "$WORK/app" && "$GO" build -o app .) >"$WORK/build.out" 2>&1 || { cat "$WORK/build.out" >&2; fail "build from the bundle as a file:// GOPROXY failed"; }

# Import the bundle elsewhere: all of it; a file altered in transit: rejected.
"$GPX" import "$WORK/bundle" --cache-dir "$WORK/cache2" --json >"$WORK/import3.json" || fail "importing the bundle failed: $(cat "$WORK/import3.json")"
# A bundle's files are copied, never linked: editing the bundle afterwards
# must not change the cache behind the index's back.
[ "$(stat -c %i "$WORK/cache2/download/$zip")" != "$(stat -c %i "$WORK/bundle/$zip")" ] ||
  fail "the bundle's zip and its cached copy share an inode"
grep -q '"rejected":0' "$WORK/import3.json" || fail "bundle import: $(cat "$WORK/import3.json")"
printf 'module rsc.io/quote\n\nrequire evil.example/x v1.0.0\n' >"$WORK/bundle/rsc.io/quote/@v/v1.5.2.mod"
expect_fail "$GPX" import "$WORK/bundle" --cache-dir "$WORK/cache3"
grep -q "rejected rsc.io/quote/@v/v1.5.2.mod: sha256 differs from the bundle's manifest" "$WORK/stderr" || fail "altered .mod: $(cat "$WORK/stderr")"

# Usage: one source.
rc=0
"$GPX" import --cache-dir "$WORK/cache4" >/dev/null 2>"$WORK/stderr" || rc=$?
expect_eq "import without a source" "$rc" "1"
grep -q "either --from-modcache" "$WORK/stderr" || fail "import without a source: $(cat "$WORK/stderr")"
