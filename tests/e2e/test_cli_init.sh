# gpx init points the go command at the agent through `go env -w`, writes
# the config and starts the agent; running it twice changes nothing;
# --dry-run changes nothing; --undo restores go env and the config byte for
# byte, "unset" included. All in the test's throw-away HOME and GOENV.

start_goproxy_test
# The settings under test live in the go env file: none may come from the
# process environment, which would override it.
unset GOPROXY GOPRIVATE GONOPROXY GONOSUMDB
export GOSUMDB=off # the modules come from the test proxy, unknown to sum.golang.org

free_port port
config="$HOME/.config/gpx/config.toml"
state="$HOME/.local/state/gpx/init.json"

# The user's own go settings before gpx.
"$GO" env -w GOPRIVATE=old.example GOFLAGS=-modcacherw
cp "$GOENV" "$WORK/goenv.before"

# Bad input: a clear error and nothing changed.
expect_usage "$GPX" init --listen 127.0.0.1:0 --no-start
grep -q "fixed port" "$WORK/stderr" || fail "--listen :0: $(cat "$WORK/stderr")"
expect_usage "$GPX" init --private 'corp example/*' --no-start
grep -q "module path globs" "$WORK/stderr" || fail "--private with a space: $(cat "$WORK/stderr")"
expect_usage "$GPX" init --upstream 'ftp://proxy.example' --no-start
cmp -s "$GOENV" "$WORK/goenv.before" || fail "a refused init changed go env"
[ ! -e "$config" ] && [ ! -e "$state" ] || fail "a refused init wrote the config or its record"

# --dry-run says what it would do and does nothing.
"$GPX" init --dry-run --listen "127.0.0.1:$port" --upstream "$UPSTREAM_URL" --private 'corp.example/*' >"$WORK/dry" 2>&1 ||
  { cat "$WORK/dry" >&2; fail "init --dry-run failed"; }
grep -q "would set GOPROXY=http://127.0.0.1:$port|$UPSTREAM_URL (was unset)" "$WORK/dry" || { cat "$WORK/dry" >&2; fail "dry run does not show GOPROXY"; }
grep -q 'would set GOPRIVATE=corp.example/\* (was "old.example")' "$WORK/dry" || { cat "$WORK/dry" >&2; fail "dry run does not show GOPRIVATE"; }
grep -q "would start the agent at http://127.0.0.1:$port" "$WORK/dry" || { cat "$WORK/dry" >&2; fail "dry run does not say it would start the agent"; }
cmp -s "$GOENV" "$WORK/goenv.before" || fail "init --dry-run changed go env"
[ ! -e "$config" ] && [ ! -e "$state" ] || fail "init --dry-run wrote the config or its record"
[ ! -e "$(dirname "$config")" ] || fail "init --dry-run created $(dirname "$config")"

# With private modules, the fallback while the agent is down leaves out
# public proxies (they would learn private module paths).
"$GPX" init --dry-run --listen "127.0.0.1:$port" --upstream 'https://proxy.golang.org|https://goproxy.corp.example,direct' \
  --private 'corp.example/*' >"$WORK/dry-public" 2>&1 || { cat "$WORK/dry-public" >&2; fail "init --dry-run failed"; }
grep -qF "would set GOPROXY=http://127.0.0.1:$port|https://goproxy.corp.example,direct" "$WORK/dry-public" ||
  { cat "$WORK/dry-public" >&2; fail "dry run: the fallback should leave out proxy.golang.org"; }
"$GPX" init --dry-run --listen "127.0.0.1:$port" --upstream 'https://proxy.golang.org,direct' \
  --private 'corp.example/*' >"$WORK/dry-public" 2>&1 || { cat "$WORK/dry-public" >&2; fail "init --dry-run failed"; }
grep -qF "would set GOPROXY=http://127.0.0.1:$port|direct" "$WORK/dry-public" ||
  { cat "$WORK/dry-public" >&2; fail "dry run: the fallback should be direct alone"; }

# The real thing.
"$GPX" init --listen "127.0.0.1:$port" --upstream "$UPSTREAM_URL" --private 'corp.example/*' >"$WORK/init1" 2>&1 ||
  { cat "$WORK/init1" >&2; fail "gpx init failed"; }
grep -q "'gpx prefetch'.*'gpx doctor'" "$WORK/init1" || { cat "$WORK/init1" >&2; fail "init does not say what to run next"; }
expect_eq "GOPROXY" "$("$GO" env GOPROXY)" "http://127.0.0.1:$port|$UPSTREAM_URL"
expect_eq "GOPRIVATE" "$("$GO" env GOPRIVATE)" "corp.example/*"
expect_eq "GONOSUMDB" "$("$GO" env GONOSUMDB)" "corp.example/*"
expect_eq "GONOPROXY (the agent serves private modules)" "$("$GO" env GONOPROXY)" "none"
expect_eq "GOFLAGS untouched" "$("$GO" env GOFLAGS)" "-modcacherw"
expect_eq "agent up" "$(curl -fsS "http://127.0.0.1:$port/healthz")" "ok"
"$GPX" agent status >"$WORK/status" || fail "agent status after init: $(cat "$WORK/status")"
grep -q "running at http://127.0.0.1:$port" "$WORK/status" || fail "agent status: $(cat "$WORK/status")"
# The go command, with nothing but its env file, goes through the agent.
go_download rsc.io/quote@v1.5.2
[ -e "$HOME/.cache/gpx/download/rsc.io/quote/@v/v1.5.2.zip" ] || fail "the download did not go through the agent's cache"
cp "$GOENV" "$WORK/goenv.init"
cp "$config" "$WORK/config.init"
cp "$state" "$WORK/state.init"

# Twice: nothing changes.
"$GPX" init --listen "127.0.0.1:$port" --upstream "$UPSTREAM_URL" --private 'corp.example/*' >"$WORK/init2" 2>&1 ||
  { cat "$WORK/init2" >&2; fail "second gpx init failed"; }
grep -q "nothing to change" "$WORK/init2" || { cat "$WORK/init2" >&2; fail "second init changed something"; }

# A re-run onto a port another process holds changes nothing and leaves the
# running agent up (it used to stop it, then fail to start the new one).
coproc HOLD { exec "$GPX" agent run --listen 127.0.0.1:0 --upstream off --cache-dir "$WORK/hold" 2>"$WORK/hold.err"; }
read -r line <&"${HOLD[0]}"
taken=${line##*:}
expect_fail "$GPX" init --listen "127.0.0.1:$taken" --upstream "$UPSTREAM_URL" --private 'corp.example/*'
grep -q "^gpx: error: cannot listen on 127.0.0.1:$taken: the address is in use" "$WORK/stderr" || fail "init onto a taken port: $(cat "$WORK/stderr")"
expect_eq "agent still up after a refused init" "$(curl -fsS "http://127.0.0.1:$port/healthz")" "ok"
cmp -s "$GOENV" "$WORK/goenv.init" || fail "a refused init changed go env"
cmp -s "$config" "$WORK/config.init" || fail "a refused init changed the config"
kill "$HOLD_PID"
wait "$HOLD_PID" 2>/dev/null || true
cmp -s "$GOENV" "$WORK/goenv.init" || fail "second init changed go env"
cmp -s "$config" "$WORK/config.init" || fail "second init changed the config"
cmp -s "$state" "$WORK/state.init" || fail "second init changed its record of the previous values"

# gpx doctor agrees; with the agent down it says so and what to do.
"$GPX" doctor >"$WORK/doctor" 2>&1 || { cat "$WORK/doctor" >&2; fail "gpx doctor after init failed"; }
grep -q "^ok    go env GOPROXY goes to the agent first" "$WORK/doctor" || fail "doctor: $(cat "$WORK/doctor")"
grep -q "^ok    upstream $UPSTREAM_URL answers" "$WORK/doctor" || fail "doctor: $(cat "$WORK/doctor")"
if grep -q "GONOPROXY" "$WORK/doctor"; then fail "doctor warns about GONOPROXY after init: $(cat "$WORK/doctor")"; fi
# GONOPROXY back to its default (GOPRIVATE): private modules would bypass the agent.
"$GO" env -u GONOPROXY
"$GPX" doctor >"$WORK/doctor" 2>&1 || { cat "$WORK/doctor" >&2; fail "gpx doctor with GONOPROXY unset failed"; }
grep -q "GONOPROXY (corp.example/\*) sends private modules straight to git" "$WORK/doctor" ||
  fail "doctor does not warn about GONOPROXY: $(cat "$WORK/doctor")"
"$GO" env -w GONOPROXY=none

# The agent down: the go command still works, through the fallback.
"$GPX" agent stop >/dev/null
rc=0
"$GPX" doctor >"$WORK/doctor" 2>&1 || rc=$?
expect_eq "doctor exit with the agent down" "$rc" "1"
grep -q "^FAIL  no agent answers at http://127.0.0.1:$port" "$WORK/doctor" || fail "doctor: $(cat "$WORK/doctor")"
grep -q "fix: run 'gpx agent start'" "$WORK/doctor" || fail "doctor gives no fix: $(cat "$WORK/doctor")"
export GOMODCACHE="$WORK/modcache2"
go_download rsc.io/sampler@v1.3.0

# A variable in the environment beats go env -w: init says so.
GOPROXY=https://elsewhere.example "$GPX" init --listen "127.0.0.1:$port" --upstream "$UPSTREAM_URL" --private 'corp.example/*' --no-start >"$WORK/out" 2>&1
grep -q "GOPROXY=https://elsewhere.example is set in the environment" "$WORK/out" || { cat "$WORK/out" >&2; fail "no warning about GOPROXY in the environment"; }
grep -q "unset GOPROXY" "$WORK/out" || { cat "$WORK/out" >&2; fail "the warning about GOPROXY gives no fix"; }

# --undo --dry-run changes nothing; --undo restores everything.
"$GPX" agent start >/dev/null
"$GPX" init --undo --dry-run >"$WORK/undo-dry" 2>&1 || { cat "$WORK/undo-dry" >&2; fail "undo --dry-run failed"; }
grep -q "would unset GOPROXY" "$WORK/undo-dry" || { cat "$WORK/undo-dry" >&2; fail "undo dry run does not show GOPROXY"; }
cmp -s "$GOENV" "$WORK/goenv.init" || fail "undo --dry-run changed go env"
"$GPX" init --undo >"$WORK/undo" 2>&1 || { cat "$WORK/undo" >&2; fail "gpx init --undo failed"; }
cmp "$GOENV" "$WORK/goenv.before" >&2 || { diff "$WORK/goenv.before" "$GOENV" >&2; fail "undo did not restore go env exactly"; }
expect_eq "GOPROXY after undo (unset: the default)" "$("$GO" env GOPROXY)" "https://proxy.golang.org,direct"
[ ! -e "$config" ] || fail "undo left the config that init created"
[ ! -e "$state" ] || fail "undo left its record"
rc=0
"$GPX" agent status >/dev/null 2>&1 || rc=$?
expect_eq "agent status after undo" "$rc" "1"
"$GPX" init --undo >"$WORK/undo2" 2>&1 || fail "a second undo failed"
grep -q "nothing to undo" "$WORK/undo2" || fail "second undo: $(cat "$WORK/undo2")"

# --config: that file, not the default one; undo removes it again.
"$GPX" init --config "$WORK/other.toml" --listen "127.0.0.1:$port" --upstream "$UPSTREAM_URL" --no-start >/dev/null 2>&1 ||
  fail "init --config failed"
grep -q "^listen = \"127.0.0.1:$port\"$" "$WORK/other.toml" || fail "init --config: $(cat "$WORK/other.toml" 2>&1)"
[ ! -e "$config" ] || fail "init --config wrote the default config too"
"$GPX" init --undo >/dev/null 2>&1 || fail "undo after init --config failed"
[ ! -e "$WORK/other.toml" ] || fail "undo left the --config file"

# A config the user wrote comes back byte for byte, comments included.
mkdir -p "$(dirname "$config")"
printf '# my settings\nmax_size = "2GiB"  # small disk\n\nlog_level = "debug"\n' >"$config"
cp "$config" "$WORK/config.user"
"$GPX" init --listen "127.0.0.1:$port" --upstream "$UPSTREAM_URL" --no-start >/dev/null 2>&1 || fail "init over a user config failed"
grep -q '^max_size = "2GiB"  # small disk$' "$config" || fail "init lost the user's line: $(cat "$config")"
grep -q "^listen = \"127.0.0.1:$port\"$" "$config" || fail "init did not set listen: $(cat "$config")"
"$GPX" init --undo >/dev/null 2>&1 || fail "undo after init over a user config failed"
cmp "$config" "$WORK/config.user" >&2 || fail "undo did not restore the user's config"

# A config at 0600 with a credential in it stays 0600 through init and
# --undo, and the state that keeps a copy of it is 0600 in a 0700 directory
# (both became 0644 once, whatever the umask).
printf 'upstream = "https://user:s3cret@proxy.invalid"\n' >"$config"
chmod 600 "$config"
"$GPX" init --listen "127.0.0.1:$port" --upstream "$UPSTREAM_URL" --no-start >/dev/null 2>&1 || fail "init over a private config failed"
expect_eq "config mode after init" "$(stat -c %a "$config")" 600
expect_eq "init.json mode" "$(stat -c %a "$state")" 600
expect_eq "state dir mode" "$(stat -c %a "$(dirname "$state")")" 700
"$GPX" init --undo >/dev/null 2>&1 || fail "undo after init over a private config failed"
expect_eq "config mode after --undo" "$(stat -c %a "$config")" 600
cmp -s "$GOENV" "$WORK/goenv.before" || fail "second round: go env not restored"
stop_goproxy_test
