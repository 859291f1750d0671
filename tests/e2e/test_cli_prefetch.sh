# The offline promise of gpx prefetch: for projects written here (a go 1.16
# module without graph pruning, a go 1.21 module, a workspace, a module with
# replace and exclude, one asking for a newer toolchain), after `gpx prefetch` and with the upstream stopped,
# in an empty module cache, go mod download, go build ./..., go test ./...,
# go list -m all, go mod verify and go mod tidy (no change) all succeed
# through the agent, sums verified. A go.sum with a wrong hash makes
# prefetch fail loudly.

start_goproxy_test
use_checksum_db_of_goproxy_test

# new_module DIR MODULE GO: a module importing rsc.io/quote, with a test.
new_module() {
  mkdir -p "$1"
  printf 'module %s\n\ngo %s\n' "$2" "$3" >"$1/go.mod"
  printf 'package main\n\nimport (\n\t"fmt"\n\n\t"rsc.io/quote"\n)\n\nfunc main() { fmt.Println(quote.Hello()) }\n' >"$1/main.go"
  printf 'package main\n\nimport (\n\t"testing"\n\n\t"rsc.io/quote"\n)\n\nfunc TestHello(t *testing.T) {\n\tif quote.Hello() == "" {\n\t\tt.Fatal("empty")\n\t}\n}\n' >"$1/main_test.go"
}

P="$WORK/src"
# 1. go 1.16: no pruning, the whole graph matters.
new_module "$P/old" example.com/old 1.16
online "$P/old" get rsc.io/quote@v1.5.2
online "$P/old" mod tidy
# 2. go 1.21: a pruned graph.
new_module "$P/new" example.com/new 1.21
online "$P/new" get rsc.io/quote@v1.5.2
online "$P/new" mod tidy
# 3. A workspace of two modules, one needing a newer sampler.
new_module "$P/ws/a" example.com/ws/a 1.21
online "$P/ws/a" get rsc.io/quote@v1.5.1
online "$P/ws/a" mod tidy
new_module "$P/ws/b" example.com/ws/b 1.21
online "$P/ws/b" get rsc.io/quote@v1.5.2 rsc.io/sampler@v1.99.99
online "$P/ws/b" mod tidy
(cd "$P/ws" && "$GO" work init ./a ./b)
# go.work.sum gets what the workspace needs beyond the modules' go.sum.
GOWORK="$P/ws/go.work" online "$P/ws" list -m all
# 4. replace and exclude: quote v1.5.2 is served by v1.5.1's content under
# another path, and sampler's pseudo-version of x/text is excluded.
new_module "$P/rep" example.com/rep 1.21
online "$P/rep" get rsc.io/quote@v1.5.2
printf '\nreplace rsc.io/quote v1.5.2 => rsc.io/quote v1.5.1\n\nexclude golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c\n' >>"$P/rep/go.mod"
online "$P/rep" mod tidy
grep -q 'golang.org/x/text v0.3.0' "$P/rep/go.mod" || fail "rep: the exclude did not move x/text up: $(cat "$P/rep/go.mod")"

# 5. A newer toolchain than the local go: the corpus's fake go1.999testmod.
mkdir -p "$P/tc"
printf 'module example.com/tc\n\ngo 1.21\n\ntoolchain go1.999testmod\n' >"$P/tc/go.mod"
printf 'package main\n\nfunc main() {}\n' >"$P/tc/main.go"

start_agent --cache-dir "$WORK/cache" --upstream "$UPSTREAM_URL"
# GOWORK unset, as most users have it: the workspace's go.work counts.
for p in old new ws rep tc; do
  GOWORK= "$GPX" prefetch "$P/$p" --agent "$AGENT_URL" >"$WORK/prefetch-$p.out" 2>"$WORK/prefetch-$p.err" ||
    { cat "$WORK/prefetch-$p.out" "$WORK/prefetch-$p.err" >&2; fail "gpx prefetch $p failed"; }
  grep -q "^gpx prefetch: [0-9]* module versions\? (" "$WORK/prefetch-$p.out" || fail "prefetch $p: no summary: $(cat "$WORK/prefetch-$p.out")"
done
# --json, and a second run finds everything cached.
"$GPX" prefetch "$P/new/go.mod" --agent "$AGENT_URL" --json --jobs 1 >"$WORK/again.json" || fail "prefetch --json --jobs 1 failed"
grep -q '"fetched":0' "$WORK/again.json" || fail "a second prefetch fetched again: $(cat "$WORK/again.json")"
grep -q '"mismatches":\[\]' "$WORK/again.json" || fail "prefetch --json: $(cat "$WORK/again.json")"

# A wrong go.sum line: a loud failure, naming the module.
cp -r "$P/new" "$WORK/tampered"
sed -i 's|^\(rsc.io/quote v1.5.2 h1:\).*|\1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=|' "$WORK/tampered/go.sum"
expect_fail "$GPX" prefetch "$WORK/tampered" --agent "$AGENT_URL"
grep -q "CHECKSUM MISMATCH: rsc.io/quote@v1.5.2" "$WORK/stderr" || fail "tampered go.sum: $(cat "$WORK/stderr")"

# Registered projects: prune keeps what their go.sum files name.
"$GPX" projects >"$WORK/projects.list"
for p in old new ws/go.work rep tc; do
  grep -q "^$P/$p" "$WORK/projects.list" || fail "gpx projects does not list $p: $(cat "$WORK/projects.list")"
done
"$GPX" projects --forget "$WORK/tampered" >/dev/null || fail "projects --forget failed"
grep -q tampered <("$GPX" projects) && fail "projects --forget did not forget"
expect_fail "$GPX" projects --forget "$WORK/never-registered"
"$GPX" prune --cache-dir "$WORK/cache" --max-size 1 --include-pinned --dry-run --json >"$WORK/all.json"
grep -q 'rsc.io/quote/@v/v1.5.2.zip' "$WORK/all.json" || fail "prune --include-pinned would keep pinned zips: $(cat "$WORK/all.json")"
# The bound cannot be met without the pinned files: prune says so and fails.
rc=0
"$GPX" prune --cache-dir "$WORK/cache" --max-size 1 >"$WORK/prune.out" 2>&1 || rc=$?
expect_eq "prune below what registered projects need" "$rc" "1"
grep -q "registered projects need" "$WORK/prune.out" || fail "prune: $(cat "$WORK/prune.out")"
[ -e "$WORK/cache/download/rsc.io/quote/@v/v1.5.2.zip" ] || fail "prune removed a pinned zip"

# The network is cut.
stop_goproxy_test
[ "$(curl -s -o /dev/null -w '%{http_code}' "$UPSTREAM_URL/rsc.io/quote/@v/list" || true)" = 000 ] || fail "upstream still up"
export GOPROXY="$AGENT_URL"

# The toolchain: GOTOOLCHAIN=auto switches to it, downloaded and verified
# through the agent alone.
export GOMODCACHE="$WORK/offline-tc/mod" GOPATH="$WORK/offline-tc/gopath" GOWORK=off
(cd "$P/tc" && GOTOOLCHAIN=auto "$GO" version) >"$WORK/tc.out" 2>&1 || { cat "$WORK/tc.out" >&2; fail "tc offline: go version failed"; }
grep -q "go1.999testmod here!" "$WORK/tc.out" || fail "tc offline: the go command did not switch to the prefetched toolchain: $(cat "$WORK/tc.out")"
(cd "$P/tc" && GOTOOLCHAIN=auto "$GO" build ./...) >"$WORK/tc.out" 2>&1 || { cat "$WORK/tc.out" >&2; fail "tc offline: go build failed"; }

for p in old new ws rep; do
  export GOMODCACHE="$WORK/offline-$p/mod" GOPATH="$WORK/offline-$p/gopath"
  dir="$P/$p"
  # The harness sets GOWORK=off; the workspace needs its go.work.
  export GOWORK=off
  [ "$p" != ws ] || export GOWORK="$dir/go.work"
  cp "$dir"/go.mod "$WORK/offline-$p.go.mod" 2>/dev/null || true
  for cmd in "mod download" "build ./..." "test ./..." "list -m all" "mod verify"; do
    # In the workspace, the commands run in its root; test and build in a module.
    run_in=$dir
    [ "$p" != ws ] || case "$cmd" in "build ./..." | "test ./...") run_in=$dir/b ;; esac
    # A workspace has no default module set to download.
    [ "$p:$cmd" != "ws:mod download" ] || cmd="mod download all"
    # shellcheck disable=SC2086
    (cd "$run_in" && "$GO" $cmd) >"$WORK/off.out" 2>&1 || { cat "$WORK/off.out" >&2; fail "$p offline: go $cmd failed"; }
  done
  if [ "$p" != ws ]; then
    cp "$dir/go.mod" "$WORK/before.mod"
    cp "$dir/go.sum" "$WORK/before.sum"
    (cd "$dir" && "$GO" mod tidy) >"$WORK/off.out" 2>&1 || { cat "$WORK/off.out" >&2; fail "$p offline: go mod tidy failed"; }
    diff -u "$WORK/before.mod" "$dir/go.mod" >&2 || fail "$p offline: go mod tidy changed go.mod"
    diff -u "$WORK/before.sum" "$dir/go.sum" >&2 || fail "$p offline: go mod tidy changed go.sum"
  fi
done
stop_agent
