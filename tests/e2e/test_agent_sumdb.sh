# The verifying cache, against the Go test proxy and its checksum database
# behind a hostile upstream: for each lie (a .mod appended to or cut short,
# a zip swapped for another valid one, a lookup unsigned, wrongly signed or
# signed by another key, a tile that does not match, a forked tree head)
# the go command gets an error, nothing wrong is cached, and once the
# upstream is honest the same request succeeds and caches the right file.
# Then: a cache seeded with tampered files as an older gpx would have
# written them is caught by gpx verify, repaired by --repair, and never
# served; and after gpx prefetch, a fresh module verifies offline through
# the agent with GOSUMDB on, in a network namespace with nothing but
# loopback.

start_goproxy_test
use_checksum_db_of_goproxy_test
DB=localhost.localdev/sumdb
start_fault_upstream --signer "$GOPROXY_TEST_SUMDB_SIGNER"
start_agent --cache-dir "$WORK/cache" --upstream "$FAULT_URL"
export GOPROXY="$AGENT_URL"

fault() { curl -fsS "$FAULT_URL/_fault/set?path=$1&fault=$2" >/dev/null || fail "could not set fault $2 on $1"; }
honest() { curl -fsS "$FAULT_URL/_fault/clear" >/dev/null || fail "could not clear the faults"; }

# fresh_go: a module cache and GOPATH the go command has never used, so
# that its own verification state cannot hide the agent's answers.
n=0
fresh_go() {
  n=$((n + 1))
  export GOMODCACHE="$WORK/modcache-$n" GOPATH="$WORK/gopath-$n"
}

# expect_refused MODULE@VERSION FILE...: go mod download fails, and none of
# the agent cache's FILEs (relative to the cache dir) exists afterwards.
expect_refused() {
  local mv=$1 rc=0 f
  shift
  fresh_go
  "$GO" mod download -json "$mv" >"$WORK/out.json" 2>"$WORK/out.stderr" || rc=$?
  [ $rc -ne 0 ] || { cat "$WORK/out.json" >&2; fail "go mod download $mv succeeded through a lying upstream"; }
  for f in "$@"; do
    [ ! -e "$WORK/cache/$f" ] || fail "$mv: $f was cached although the upstream lied"
  done
}

# expect_served MODULE@VERSION: with the upstream honest, the download
# succeeds with the checksum database's sums (GOSUMDB checks them) and the
# agent's cached .mod and .zip are the genuine ones.
expect_served() {
  local mv=$1 path=${1%@*} version=${1#*@}
  honest
  fresh_go
  go_download "$mv"
  cmp -s "$DL_GOMOD" "$WORK/cache/download/$path/@v/$version.mod" || fail "$mv: the cached go.mod is not the genuine one"
  [ "$("$GPX" zip hash "$WORK/cache/download/$path/@v/$version.zip")" = "$DL_SUM" ] ||
    fail "$mv: the cached zip does not hash to $DL_SUM"
}

# 0. A tile whose hashes do not match, while the agent has proven nothing
# yet (the test database's tree is complete from the start: once its tiles
# are proven, the agent never asks for them again).
fault "/sumdb/$DB/tile/*" badtile
expect_refused rsc.io/quote@v1.1.0 "sumdb/$DB/lookup/rsc.io/quote@v1.1.0" download/rsc.io/quote/@v/v1.1.0.mod
grep -q "downloaded inconsistent tile" "$WORK/agent.stderr" || fail "the agent's log does not report the inconsistent tile"
expect_served rsc.io/quote@v1.1.0

# 1. Module files that do not match the database's record.
fault /rsc.io/quote/@v/v1.5.1.mod "append:%2F%2F%20not%20in%20the%20record%0A"
expect_refused rsc.io/quote@v1.5.1 download/rsc.io/quote/@v/v1.5.1.mod
grep -q "checksum mismatch: the go.mod from" "$WORK/agent.stderr" || fail "the agent's log does not say why it refused the appended go.mod"
expect_served rsc.io/quote@v1.5.1

fault /rsc.io/quote/@v/v1.5.0.mod cut
expect_refused rsc.io/quote@v1.5.0 download/rsc.io/quote/@v/v1.5.0.mod
expect_served rsc.io/quote@v1.5.0

# Another valid zip for the same version: only its hash gives it away.
export GOPROXY="$UPSTREAM_URL"
fresh_go
go_download rsc.io/quote@v1.4.0
mkdir -p "$WORK/altered" && cp -r "$DL_DIR/." "$WORK/altered/" && chmod -R u+w "$WORK/altered"
printf 'package quote\n\nfunc Exfiltrate() {}\n' >"$WORK/altered/evil.go"
"$GPX" zip create rsc.io/quote@v1.4.0 "$WORK/altered" -o "$WORK/altered.zip"
export GOPROXY="$AGENT_URL"
fault /rsc.io/quote/@v/v1.4.0.zip "file:$WORK/altered.zip"
expect_refused rsc.io/quote@v1.4.0 download/rsc.io/quote/@v/v1.4.0.zip
grep -q "checksum mismatch: the zip from $FAULT_URL" "$WORK/agent.stderr" || fail "the agent's log does not name the upstream that sent the swapped zip"
expect_served rsc.io/quote@v1.4.0
DL_GOMOD_140=$DL_GOMOD

# 2. Checksum-database answers that are not proven.
lookup_of() { echo "/sumdb/$DB/lookup/$1"; }
for lie in unsign badsig othersig; do
  case $lie in unsign) mv=rsc.io/quote@v1.3.0 ;; badsig) mv=rsc.io/quote@v1.2.1 ;; othersig) mv=rsc.io/quote@v1.2.0 ;; esac
  fault "$(lookup_of "$mv")" $lie
  expect_refused "$mv" "sumdb/$DB/lookup/$mv" "download/rsc.io/quote/@v/${mv#*@}.mod" "download/rsc.io/quote/@v/${mv#*@}.zip"
  expect_served "$mv"
done
grep -q "unknown key localhost.localdev/sumdb" "$WORK/agent.stderr" || fail "the agent's log does not say the lookup was signed by an unknown key"

# A tree head signed with the database's own key but inconsistent with the
# one the agent proved: it stops trusting the database, loudly.
cp "$WORK/cache/sumdb/$DB/latest" "$WORK/latest.before"
fault "/sumdb/$DB/latest" fork
code=$(curl -s -o "$WORK/fork.body" -w '%{http_code}' "$AGENT_URL/sumdb/$DB/latest")
expect_eq "forked tree head" "$code" 502
grep -q "SECURITY ERROR" "$WORK/fork.body" || fail "the forked tree head's answer does not say SECURITY ERROR: $(head -3 "$WORK/fork.body")"
grep -q "level=error.*SECURITY ERROR" "$WORK/agent.stderr" || fail "the agent did not log the fork as an error"
cmp -s "$WORK/latest.before" "$WORK/cache/sumdb/$DB/latest" || fail "the forked tree head replaced the proven one"
honest
expect_refused rsc.io/quote@v1.0.0 download/rsc.io/quote/@v/v1.0.0.mod
stop_agent
start_agent --cache-dir "$WORK/cache" --upstream "$FAULT_URL"
export GOPROXY="$AGENT_URL"
expect_served rsc.io/quote@v1.0.0
"$GPX" verify --cache-dir "$WORK/cache" >"$WORK/verify.out" 2>&1 || fail "gpx verify after the lies: $(cat "$WORK/verify.out")"

# 3. Tampered files cached as an older gpx would have: imported unproven
# (an old gpx proved nothing), into a cache that also holds the proofs.
stop_agent
"$GPX" export --cache-dir "$WORK/cache" "$WORK/bundle" >/dev/null || fail "gpx export failed"
mkdir -p "$WORK/evil/rsc.io/quote/@v"
cp "$WORK/cache/download/rsc.io/quote/@v/v1.4.0.info" "$WORK/evil/rsc.io/quote/@v/"
printf 'module rsc.io/quote\n\nrequire rsc.io/sampler v1.3.0\n// tampered\n' >"$WORK/evil/rsc.io/quote/@v/v1.4.0.mod"
cp "$WORK/altered.zip" "$WORK/evil/rsc.io/quote/@v/v1.4.0.zip"
seed() {
  GPX_SUMDB=off "$GPX" import --cache-dir "$1" "$WORK/evil" >/dev/null || fail "could not seed $1"
  "$GPX" import --cache-dir "$1" "$WORK/bundle" >/dev/null || fail "could not import the proofs into $1"
}
seed "$WORK/old"
rc=0
"$GPX" verify --cache-dir "$WORK/old" >"$WORK/verify.out" 2>&1 || rc=$?
expect_eq "gpx verify of a tampered cache" "$rc" 1
for f in v1.4.0.mod v1.4.0.zip; do
  grep -q "download/rsc.io/quote/@v/$f: .*checksum database" "$WORK/verify.out" || fail "gpx verify does not name $f: $(cat "$WORK/verify.out")"
done
# --repair fetches again through the background agent serving that cache.
"$GPX" agent start --listen 127.0.0.1:0 --cache-dir "$WORK/old" --upstream "$UPSTREAM_URL" >"$WORK/start" 2>&1 ||
  fail "gpx agent start: $(cat "$WORK/start")"
"$GPX" verify --cache-dir "$WORK/old" --repair --json >"$WORK/repair.json" || fail "gpx verify --repair failed: $(cat "$WORK/repair.json")"
"$GPX" agent stop >/dev/null 2>&1 || fail "gpx agent stop failed"
grep -q '"removed":2' "$WORK/repair.json" || fail "gpx verify --repair: $(cat "$WORK/repair.json")"
grep -q '"refetched":2' "$WORK/repair.json" || fail "gpx verify --repair did not fetch both again: $(cat "$WORK/repair.json")"
"$GPX" verify --cache-dir "$WORK/old" >"$WORK/verify.out" 2>&1 || fail "gpx verify after --repair: $(cat "$WORK/verify.out")"
cmp -s "$DL_GOMOD_140" "$WORK/old/download/rsc.io/quote/@v/v1.4.0.mod" || fail "--repair did not bring back the genuine go.mod"
# Without verify: the agent proves them on first use and never serves them.
seed "$WORK/old2"
start_agent --cache-dir "$WORK/old2" --upstream "$UPSTREAM_URL"
export GOPROXY="$AGENT_URL"
fresh_go
go_download rsc.io/quote@v1.4.0 # GOSUMDB checks what the agent served
grep -q "evicted a cached file that does not match" "$WORK/agent.stderr" || fail "the agent did not say it evicted the tampered files"
stop_agent

# 4. Offline after prefetch: a project that needs rsc.io/quote, prefetched;
# then, in a network namespace with only loopback and the agent offline, a
# fresh module gets and tidies it with GOSUMDB on (no GONOSUMDB, no
# -insecure). The go command needs the supported marker, a tree head, the
# lookups and their tiles, all from the agent.
start_agent --cache-dir "$WORK/pre" --upstream "$UPSTREAM_URL"
export GOPROXY="$AGENT_URL"
fresh_go
mkdir -p "$WORK/proj" && cd "$WORK/proj"
printf 'module example.com/proj\n\ngo 1.21\n' >go.mod
printf 'package main\n\nimport "rsc.io/quote"\n\nfunc main() { println(quote.Hello()) }\n' >main.go
# The project's go.sum comes from the upstream directly: the go command's
# own verification must not have filled the agent's cache, only prefetch.
GOPROXY="$UPSTREAM_URL" "$GO" get rsc.io/quote@v1.5.2 >/dev/null 2>&1 || fail "go get from the upstream failed"
GOPROXY="$UPSTREAM_URL" "$GO" mod tidy >/dev/null 2>&1 || fail "go mod tidy from the upstream failed"
"$GPX" prefetch --agent "$AGENT_URL" . >"$WORK/prefetch.out" 2>&1 || fail "gpx prefetch failed: $(cat "$WORK/prefetch.out")"
stop_agent
cd "$WORK"
unshare -n bash -euc '
  ip link set lo up
  source "$E2E_DIR/lib.sh"
  trap stop_agent EXIT
  start_agent --cache-dir "$WORK/pre" --upstream "$UPSTREAM_URL" --offline
  export GOPROXY="$AGENT_URL" GOMODCACHE="$WORK/offline/mod" GOPATH="$WORK/offline/gopath"
  mkdir -p "$WORK/fresh" && cd "$WORK/fresh"
  printf "module example.com/fresh\n\ngo 1.21\n" >go.mod
  printf "package main\n\nimport \"rsc.io/quote\"\n\nfunc main() { println(quote.Hello()) }\n" >main.go
  "$GO" get rsc.io/quote@v1.5.2 >"$WORK/offline.out" 2>&1 || { cat "$WORK/offline.out" >&2; fail "offline: go get rsc.io/quote@v1.5.2 failed"; }
  "$GO" mod tidy >"$WORK/offline.out" 2>&1 || { cat "$WORK/offline.out" >&2; fail "offline: go mod tidy failed"; }
  grep -q "^rsc.io/quote v1.5.2 h1:" go.sum || fail "offline: go.sum has no verified line for rsc.io/quote"
  [ -s "$GOPATH/pkg/sumdb/localhost.localdev/sumdb/latest" ] || fail "offline: the go command verified nothing against the checksum database"
  stop_agent
' || fail "the offline steps failed (above)"
echo "e2e: every lie refused and nothing wrong cached; tampered cache caught; offline verification after prefetch"
