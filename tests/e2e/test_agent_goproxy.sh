# Through the agent, the real go command gets exactly what it gets from a
# real upstream (the Go team's test proxy and its checksum database), with
# GOSUMDB verification on: the same versions, sums, go.sum lines, version
# lists, upgrades and builds. Then, with the upstream gone and again with
# --offline, a fresh module cache is filled from the agent's cache alone,
# every sum still verified against the checksum database (as cached by the
# agent).

start_goproxy_test
use_checksum_db_of_goproxy_test

# Module versions of the corpus ($GOROOT/src/cmd/go/testdata/mod) present
# in every go since 1.19, whose download succeeds from the upstream itself:
# /vN modules, case-escaped paths, +incompatible, retracted versions,
# pseudo-versions, prereleases, gopkg.in, a module without go.mod.
GOOD=(
  rsc.io/quote@v1.0.0
  rsc.io/quote@v1.5.1
  rsc.io/quote@v1.5.2
  rsc.io/quote@v1.5.3-pre1
  rsc.io/quote@v0.0.0-20180709162749-b44a0b17b2d1
  rsc.io/quote/v2@v2.0.1
  rsc.io/quote/v3@v3.0.0
  rsc.io/QUOTE@v1.5.2
  rsc.io/QUOTE@v1.5.3-PRE
  rsc.io/CGO@v1.0.0
  rsc.io/sampler@v1.3.0
  rsc.io/sampler@v1.99.99
  rsc.io/fortune@v1.0.0
  rsc.io/fortune/v2@v2.0.0
  rsc.io/breaker@v1.0.0
  rsc.io/breaker@v2.0.0+incompatible
  rsc.io/testonly@v1.0.0
  golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c
  golang.org/x/text@v0.3.0
  example.com/incompatiblewithsub@v1.0.0
  example.com/incompatiblewithsub@v2.0.0+incompatible
  example.com/split-incompatible@v2.1.0-pre+incompatible
  example.com/downgrade/v2@v2.0.1
  example.com/latemigrate/v2@v2.0.1
  example.com/retract@v1.0.0-bad
  example.com/retract@v1.0.0-good
  example.com/retract@v1.1.0
  example.com/retract/self/prev@v1.0.0-bad
  example.com/retract/rationale@v1.9.0
  example.com/pseudoupgrade@v0.1.0
  example.com/pseudoupgrade@v0.1.1-0.20190429073117-b5426c86b553
  example.com/notags@v0.0.0-20190507143103-cc8cbe209b64
  example.com/deprecated/a@v1.9.0
  example.com/version@v1.1.0
  example.net/pkgadded@v1.2.0
  github.com/dmitshur-test/modtest5@v0.5.0-alpha
  github.com/dmitshur-test/modtest5@v0.5.0-alpha.0.20190619023908-3da23a9deb9e
  gopkg.in/dummy.v2-unstable@v2.0.0
  patch.example.com/direct@v1.1.0
  example.com/dotgo.go@v1.0.0
  example.com/cmd@v1.0.0
  not-rsc.io/quote@v0.1.0-nomod
)
# Queries the upstream resolves: @latest from the list, a version prefix,
# @latest of a module with no tags (the @latest endpoint), a commit prefix
# (a non-canonical .info).
QUERIES=(
  rsc.io/quote@latest
  rsc.io/quote@v1.5
  rsc.io/sampler@latest
  example.com/notags@latest
  example.com/retract@latest
  rsc.io/quote@e7a685a342c0
)
# Deliberately broken corpus entries and things that do not exist: they
# fail from the upstream itself and must fail through the agent too.
BAD=(
  rsc.io/badzip@v1.0.0
  rsc.io/badfile1@v1.0.0
  rsc.io/quote@v1.9.99
  example.com/nosuchmodule@v1.0.0
  example.com/nosuchmodule@latest
)
# Modules whose version lists are compared (go list -m -versions).
mapfile -t MODULES < <(printf '%s\n' "${GOOD[@]}" | sed 's/@.*//' | sort -u)

# fresh_go_caches NAME: a new, empty GOPATH (where the go command keeps the
# checksum database's signed tree head) and GOMODCACHE.
fresh_go_caches() {
  export GOPATH="$WORK/$1/gopath"
  export GOMODCACHE="$WORK/$1/gopath/pkg/mod"
  mkdir -p "$GOPATH" "$WORK/$1/nomod"
}

# normalize FILE: the proxy's address, which differs per run, as PROXY.
normalize() {
  sed -e "s#${UPSTREAM_URL}#PROXY#g" -e "s#${AGENT_URL:-no-agent-yet}#PROXY#g" "$1"
}

# go_workout NAME: runs every go command of this test with GOPROXY as set,
# in fresh caches; what they answer goes to $WORK/NAME/results (compared
# across runs) and the failures of GOOD and QUERIES to $WORK/NAME/failed.
go_workout() {
  local name=$1 dir="$WORK/$1" mv rc m out json bad
  fresh_go_caches "$name"
  out="$dir/results"
  : >"$out"
  : >"$dir/failed"
  # go mod download -json: Version, Sum and GoModSum, or that it failed.
  for mv in "${GOOD[@]}" "${QUERIES[@]}" "${BAD[@]}"; do
    bad=; case " ${BAD[*]} " in *" $mv "*) bad=1 ;; esac
    json="$dir/download.json"
    rc=0
    (cd "$dir/nomod" && "$GO" mod download -json "$mv") >"$json" 2>"$dir/download.stderr" || rc=$?
    if [ $rc -eq 0 ]; then
      echo "download $mv: $(json_field "$json" Version) $(json_field "$json" Sum) $(json_field "$json" GoModSum)" >>"$out"
    else
      echo "download $mv: FAILED" >>"$out"
      [ -n "$bad" ] || { echo "== go mod download $mv (exit $rc)"; cat "$json" "$dir/download.stderr"; } >>"$dir/failed"
    fi
  done
  # go list -m -versions, outside any module, and with -retracted.
  for m in "${MODULES[@]}"; do
    rc=0
    (cd "$dir/nomod" && "$GO" list -m -versions "$m") >"$dir/list.out" 2>&1 || rc=$?
    echo "versions $m (exit $rc): $(normalize "$dir/list.out")" >>"$out"
  done
  rc=0
  (cd "$dir/nomod" && "$GO" list -m -retracted -versions example.com/retract rsc.io/QUOTE) >"$dir/list.out" 2>&1 || rc=$?
  echo "versions -retracted (exit $rc): $(normalize "$dir/list.out")" >>"$out"
  # go get M@V in a new scratch module each: go.mod and go.sum as written.
  local i=0
  for mv in "${GOOD[@]}"; do
    i=$((i + 1))
    local s="$dir/get$i"
    mkdir -p "$s"
    (cd "$s" && "$GO" mod init example.com/scratch >/dev/null 2>&1)
    rc=0
    (cd "$s" && "$GO" get "$mv") >"$s/stdout" 2>"$s/stderr" || rc=$?
    {
      echo "get $mv (exit $rc):"
      cat "$s/go.mod" "$s/go.sum" 2>/dev/null || true
      normalize "$s/stderr" | sort
    } >>"$out"
    [ $rc -eq 0 ] || { echo "== go get $mv (exit $rc)"; cat "$s/stderr"; } >>"$dir/failed"
  done
  # go list -m -u all over old requirements: upgrades, retractions,
  # deprecations, pseudo-version upgrades.
  local u="$dir/upgrades"
  mkdir -p "$u"
  (cd "$u" && "$GO" mod init example.com/upgrades >/dev/null 2>&1)
  rc=0
  (cd "$u" && "$GO" get rsc.io/quote@v1.5.1 example.com/retract@v1.0.0-bad \
    example.com/pseudoupgrade@v0.0.0-20190430073000-30950c05d534 example.com/deprecated/a@v1.0.0 \
    example.com/version@v1.0.0 rsc.io/breaker@v1.0.0) >"$u/get.out" 2>&1 || rc=$?
  [ $rc -eq 0 ] || { echo "== go get (upgrades, exit $rc)"; cat "$u/get.out"; } >>"$dir/failed"
  rc=0
  (cd "$u" && "$GO" list -m -u all) >"$u/list.out" 2>&1 || rc=$?
  [ $rc -eq 0 ] || { echo "== go list -m -u all (exit $rc)"; cat "$u/list.out"; } >>"$dir/failed"
  { echo "list -m -u all (exit $rc):"; normalize "$u/list.out"; cat "$u/go.sum" 2>/dev/null || true; } >>"$out"
  # A program importing rsc.io/quote: go mod tidy picks the version, go
  # build builds it, and it runs.
  local h="$dir/hello"
  mkdir -p "$h"
  printf 'package main\n\nimport (\n\t"fmt"\n\n\t"rsc.io/quote"\n)\n\nfunc main() { fmt.Println(quote.Hello()) }\n' >"$h/main.go"
  (cd "$h" && "$GO" mod init example.com/hello >/dev/null 2>&1)
  rc=0
  (cd "$h" && "$GO" mod tidy && "$GO" build -o hello . && env -u LANG -u LANGUAGE -u LC_ALL -u LC_MESSAGES ./hello) \
    >"$h/out" 2>"$h/stderr" || rc=$?
  [ $rc -eq 0 ] || { echo "== go mod tidy && go build (exit $rc)"; cat "$h/stderr"; } >>"$dir/failed"
  { echo "hello (exit $rc):"; cat "$h/out" "$h/go.mod" "$h/go.sum"; } >>"$out"
  # The go command did check sums against the checksum database.
  [ -s "$GOPATH/pkg/sumdb/localhost.localdev/sumdb/latest" ] ||
    fail "$name: the go command never verified a sum against the checksum database"
}

# expect_same_results NAME: NAME's results are the upstream's, and no
# download that worked from the upstream failed.
expect_same_results() {
  if ! diff -u "$WORK/direct/results" "$WORK/$1/results" >"$WORK/$1/diff"; then
    cat "$WORK/$1/failed" >&2
    head -c 20000 "$WORK/$1/diff" >&2
    [ -z "${AGENT_PID:-}" ] || tail -n 20 "$WORK/agent.stderr" >&2
    fail "$1: the go command's results through the agent differ from the upstream's (diff above)"
  fi
}

# --- 1. From the upstream itself: the oracle.
export GOPROXY="$UPSTREAM_URL"
go_workout direct
if [ -s "$WORK/direct/failed" ]; then
  cat "$WORK/direct/failed" >&2
  fail "the corpus does not behave as this test expects with $("$GO" env GOVERSION) (failures above)"
fi
for mv in "${BAD[@]}"; do
  grep -qxF "download $mv: FAILED" "$WORK/direct/results" || fail "$mv: expected to fail from the upstream itself"
done
[ "$(grep -c '^download .*: v.* h1:.* h1:' "$WORK/direct/results")" -ge 40 ] ||
  fail "fewer than 40 module versions downloaded from the upstream"

# --- 1. Through the agent: the same.
start_agent --cache-dir "$WORK/cache" --upstream "$UPSTREAM_URL"
export GOPROXY="$AGENT_URL"
go_workout agent
expect_same_results agent
# Byte for byte the same files in the module cache (.info, .mod, .zip,
# .ziphash). Not the checksum database's files: the test proxy grows its
# tree with every new lookup, so a second pass sees a larger, different tree.
diff -r -x '*.lock' -x 'list' -x sumdb "$WORK/direct/gopath/pkg/mod/cache/download" "$WORK/agent/gopath/pkg/mod/cache/download" >&2 ||
  fail "module cache filled through the agent differs from the upstream's"
# The agent proxied the checksum database and kept what it served.
ls "$WORK/cache/sumdb/localhost.localdev/sumdb/lookup/rsc.io/" >/dev/null 2>&1 ||
  fail "the agent's cache holds no checksum database lookups"
ls "$WORK/cache/sumdb/localhost.localdev/sumdb/tile/" >/dev/null 2>&1 ||
  fail "the agent's cache holds no checksum database tiles"

# --- 2. The upstream is gone: a fresh module cache fills from the agent's
# cache, sums verified through the agent's cached checksum database, stale
# version lists served.
stop_goproxy_test
code=$(curl -s -o /dev/null -w '%{http_code}' "$UPSTREAM_URL/rsc.io/quote/@v/list" || true)
expect_eq "upstream stopped" "$code" "000"
go_workout upstream-gone
expect_same_results upstream-gone
stop_agent

# --- 3. The same with --offline on the same cache.
start_agent --cache-dir "$WORK/cache" --upstream "$UPSTREAM_URL" --offline
export GOPROXY="$AGENT_URL"
go_workout offline
expect_same_results offline
stop_agent

echo "e2e: $(grep -c '^download .*: v.* h1:.* h1:' "$WORK/direct/results") module versions, ${#MODULES[@]} version lists; direct, through the agent, upstream gone and offline agree"
