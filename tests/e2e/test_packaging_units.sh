# Packaging, without installing anything: the systemd user units pass
# systemd's own checks and really socket-activate the agent, and the launchd
# plist is well-formed. The completions have test_cli_completion.sh.
: "${GPX_BUILD_DIR:?GPX_BUILD_DIR must name the build directory (ctest sets it)}"
SRC=$(cd "$E2E_DIR/../.." && pwd)
units=$GPX_BUILD_DIR/packaging/user-units
for tool in systemd-analyze systemd-socket-activate xmllint; do
  command -v "$tool" >/dev/null || fail "$tool not found; install Debian's systemd, libxml2-utils (packaging/setup.sh test)"
done

# --- systemd-analyze verify, offline: a private runtime dir stands in for a
# user session. It only warns about unknown keys, so any output is a failure.
mkdir -m 700 "$WORK/runtime"
verify() { # UNIT-FILES...: output in $WORK/verify, status returned
  XDG_RUNTIME_DIR="$WORK/runtime" systemd-analyze --user verify --man=no "$@" >"$WORK/verify" 2>&1
}
for unit in gpx-agent.socket gpx-agent.service; do
  [ -f "$units/$unit" ] || fail "$units/$unit not generated (re-run cmake)"
done
grep -qxF "ExecStart=$GPX agent run" "$units/gpx-agent.service" || fail "service does not run $GPX: $(cat "$units/gpx-agent.service")"
grep -qx "ListenStream=127.0.0.1:7070" "$units/gpx-agent.socket" || fail "socket: $(cat "$units/gpx-agent.socket")"
verify "$units/gpx-agent.socket" "$units/gpx-agent.service" || { cat "$WORK/verify" >&2; fail "systemd-analyze verify failed"; }
[ ! -s "$WORK/verify" ] || { cat "$WORK/verify" >&2; fail "systemd-analyze verify complained"; }
# The check can fail: a typo'd key, and a binary that is not there.
mkdir "$WORK/broken"
cp "$units/gpx-agent.socket" "$WORK/broken/"
sed 's/^Restart=/Restrat=/' "$units/gpx-agent.service" >"$WORK/broken/gpx-agent.service"
verify "$WORK/broken/gpx-agent.socket" "$WORK/broken/gpx-agent.service" || true
grep -q "Unknown key 'Restrat'" "$WORK/verify" || fail "verify missed a typo'd key: $(cat "$WORK/verify")"
sed "s|^ExecStart=$GPX |ExecStart=$WORK/no/gpx |" "$units/gpx-agent.service" >"$WORK/broken/gpx-agent.service"
if verify "$WORK/broken/gpx-agent.socket" "$WORK/broken/gpx-agent.service"; then
  fail "verify passed a missing ExecStart binary: $(cat "$WORK/verify")"
fi

# --- Socket activation as systemd does it: the port is open but no agent
# runs until the first connection; then the same process becomes the agent.
start_activator() { # PORT: sets ACT_PID, or fails when the port is taken
  spawn_announced 30 stderr "$WORK/act.stderr" "$WORK/act.stdout" \
    systemd-socket-activate -l "127.0.0.1:$1" "$GPX" agent run --upstream off --cache-dir "$WORK/cache"
  ACT_PID=$SPAWNED_PID
  [ "$SPAWNED_LINE" = "Listening on 127.0.0.1:$1 as 3." ]
}
for _ in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 40000))
  start_activator "$port" && break
  wait "$ACT_PID" 2>/dev/null || true
  ACT_PID=
done
[ -n "$ACT_PID" ] || fail "systemd-socket-activate could not listen: $(cat "$WORK/act.stderr")"
expect_eq "process before the first request" "$(readlink "/proc/$ACT_PID/exe")" "$(command -v systemd-socket-activate)"
[ ! -e "$WORK/cache" ] || fail "the agent ran before the first request (cache dir exists)"
body=$(curl -fsS --max-time 30 "http://127.0.0.1:$port/healthz") || fail "no answer through the activated socket: $(cat "$WORK/act.stderr")"
expect_eq "healthz through the socket" "$body" "ok"
expect_eq "process after the first request" "$(readlink "/proc/$ACT_PID/exe")" "$(realpath "$GPX")"
grep -qx "gpx agent listening on http://127.0.0.1:$port" "$WORK/act.stdout" || fail "agent stdout: $(cat "$WORK/act.stdout")"
[ -d "$WORK/cache/download" ] || fail "activated agent did not open its cache"
expect_eq "second request" "$(curl -fsS --max-time 30 "http://127.0.0.1:$port/healthz")" "ok"
kill -TERM "$ACT_PID"
rc=0
wait "$ACT_PID" || rc=$?
expect_eq "activated agent exit status after SIGTERM" "$rc" "0"
ACT_PID=

# --- The launchd plist: well-formed, and the keys launchd acts on.
plist=$SRC/packaging/macos/dev.gpx.agent.plist
xmllint --noout "$plist" || fail "plist is not well-formed XML"
xp() { xmllint --xpath "$1" "$plist" 2>/dev/null; }
expect_eq "plist Label" "$(xp 'string(/plist/dict/key[.="Label"]/following-sibling::*[1])')" "dev.gpx.agent"
expect_eq "plist ProgramArguments" \
  "$(xp '/plist/dict/key[.="ProgramArguments"]/following-sibling::*[1]/string/text()' | tr '\n' ' ')" "@GPX_BIN@ agent run "
expect_eq "plist RunAtLoad" "$(xp 'name(/plist/dict/key[.="RunAtLoad"]/following-sibling::*[1])')" "true"
expect_eq "plist KeepAlive" \
  "$(xp 'name(/plist/dict/key[.="KeepAlive"]/following-sibling::*[1]/key[.="SuccessfulExit"]/following-sibling::*[1])')" "false"
for key in StandardOutPath StandardErrorPath; do
  expect_eq "plist $key" "$(xp "string(/plist/dict/key[.=\"$key\"]/following-sibling::*[1])")" "@GPX_LOG_DIR@/agent.log"
done
