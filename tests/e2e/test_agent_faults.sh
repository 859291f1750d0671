# A misbehaving upstream (500s, a reset connection, a stalled transfer, a
# truncated zip, a zip that is not the one the checksum database knows, a
# huge answer) in front of the Go test proxy: the go command, through the
# agent, gets a clear error for each; nothing broken enters the cache; the
# agent keeps serving everything else, even while a transfer is stalled.

start_goproxy_test
use_checksum_db_of_goproxy_test

# An altered rsc.io/quote@v1.5.2: a valid module zip with one file more, so
# only its hash gives it away.
export GOPROXY="$UPSTREAM_URL"
go_download rsc.io/quote@v1.5.2
mkdir -p "$WORK/altered"
cp -r "$DL_DIR/." "$WORK/altered/"
chmod -R u+w "$WORK/altered"
printf 'package quote\n\n// Exfiltrate is not in the real module.\nfunc Exfiltrate() {}\n' >"$WORK/altered/evil.go"
"$GPX" zip create rsc.io/quote@v1.5.2 "$WORK/altered" -o "$WORK/altered.zip"
real_sum=$DL_SUM

start_fault_upstream \
  --rule /rsc.io/quote/@v/v1.0.0.zip=status:500 \
  --rule /rsc.io/quote/@v/v1.1.0.zip=reset \
  --rule /rsc.io/quote/@v/v1.2.0.zip=stall \
  --rule /rsc.io/quote/@v/v1.3.0.zip=truncate \
  --rule /rsc.io/quote/@v/v1.4.0.mod=huge \
  --rule /rsc.io/quote/@v/v1.5.2.zip=file:"$WORK/altered.zip"
GPX_STALL_TIMEOUT=3s start_agent --cache-dir "$WORK/cache" --upstream "$FAULT_URL"
export GOPROXY="$AGENT_URL"
# A fresh module cache: the go command's own cache would hide the agent.
export GOMODCACHE="$WORK/modcache"

# expect_go_fails MODULE@VERSION WHAT...: `go mod download` fails, and what
# the go command prints names the fault (each WHAT appears).
expect_go_fails() {
  local mv=$1 rc=0 what
  shift
  "$GO" mod download -json "$mv" >"$WORK/out.json" 2>"$WORK/out.stderr" || rc=$?
  [ $rc -ne 0 ] || fail "go mod download $mv succeeded through a faulty upstream"
  for what in "$@"; do
    grep -qF -- "$what" "$WORK/out.json" "$WORK/out.stderr" || {
      cat "$WORK/out.json" "$WORK/out.stderr" >&2
      fail "go mod download $mv: the error does not say [$what]"
    }
  done
}

# The stalled transfer first, in the background: while it hangs, other
# requests are served at once.
"$GO" mod download -json rsc.io/quote@v1.2.0 >"$WORK/stall.json" 2>"$WORK/stall.stderr" &
stall_pid=$!
for ((i = 0; i < 500; i++)); do
  grep -q "rsc.io/quote/@v/v1.2.0.zip" "$WORK/agent.stderr" 2>/dev/null && break
  [ -n "$(find "$WORK/cache/tmp" -type f 2>/dev/null | head -1)" ] && break
  sleep 0.01
done
go_download rsc.io/sampler@v1.3.0
kill -0 "$stall_pid" 2>/dev/null || fail "the stalled download ended before another module was served"
rc=0
wait "$stall_pid" || rc=$?
[ $rc -ne 0 ] || fail "the stalled download succeeded"
# A zip streams to the client as it arrives: once bytes have gone out, a
# failure cuts the answer short (the go command keeps nothing) and the
# agent's log says why.
grep -qF "unexpected EOF" "$WORK/stall.json" "$WORK/stall.stderr" || { cat "$WORK/stall.json" "$WORK/stall.stderr" >&2; fail "stalled download: not cut short"; }
grep -q "v1.2.0.zip.*stalled longer than stall_timeout" "$WORK/agent.stderr" || fail "the agent's log does not say the v1.2.0 zip stalled"

# expect_go_cut MODULE@VERSION LOG: the answer was cut short, and the
# agent's log has LOG (a grep pattern).
expect_go_cut() {
  expect_go_fails "$1" "unexpected EOF"
  grep -q -- "$2" "$WORK/agent.stderr" || fail "$1: the agent's log does not say [$2]"
}

expect_go_fails rsc.io/quote@v1.0.0 "502 Bad Gateway" "injected status 500"
expect_go_cut rsc.io/quote@v1.1.0 "v1.1.0.zip.*transfer closed"
expect_go_cut rsc.io/quote@v1.3.0 "version=v1.3.0 kind=zip.*bad zip\\|version=v1.3.0 kind=zip.*zip: "
expect_go_fails rsc.io/quote@v1.4.0 "502 Bad Gateway" "larger than"
# The altered zip of v1.5.2 does not match the checksum database's record:
# refused by the agent itself.
expect_go_cut rsc.io/quote@v1.5.2 "checksum mismatch.*$real_sum"

# Nothing of the faulty versions is cached but their good .info/.mod.
for v in v1.0.0 v1.1.0 v1.2.0 v1.3.0 v1.5.2; do
  [ ! -e "$WORK/cache/download/rsc.io/quote/@v/$v.zip" ] || fail "the faulty $v.zip was cached"
done
[ ! -e "$WORK/cache/download/rsc.io/quote/@v/v1.4.0.mod" ] || fail "the huge v1.4.0.mod was cached"
left=$(find "$WORK/cache/tmp" -mindepth 1 | head -3)
expect_eq "cache/tmp after the faults" "$left" ""

# The agent still serves, and builds work, for everything healthy.
go_download golang.org/x/text@v0.3.0
expect_eq "healthz after the faults" "$(curl -fsS "$AGENT_URL/healthz")" "ok"
mkdir -p "$WORK/hello"
printf 'package main\n\nimport (\n\t"fmt"\n\n\t"rsc.io/quote"\n)\n\nfunc main() { fmt.Println(quote.Hello()) }\n' >"$WORK/hello/main.go"
(cd "$WORK/hello" && "$GO" mod init example.com/hello >/dev/null 2>&1 &&
  "$GO" get rsc.io/quote@v1.5.1 >/dev/null 2>&1 && "$GO" build -o hello .) ||
  fail "building against rsc.io/quote@v1.5.1 through the agent failed"
stop_agent
