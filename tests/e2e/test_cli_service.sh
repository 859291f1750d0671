# gpx init --service installs the socket-activated user units for this
# binary and the configured port and enables them with systemctl --user;
# --undo disables and removes them. There is no user service manager in a
# test, so systemctl is a stand-in that records what it is asked (what
# systemd does with the units, socket activation included, is
# test_packaging_units.sh's). Without a service manager, --service fails
# before changing anything.

unset GOPROXY GOPRIVATE GONOPROXY GONOSUMDB
cp "$GOENV" "$WORK/goenv.before" 2>/dev/null || : >"$WORK/goenv.before"

# No service manager: a clear error, nothing changed.
expect_fail "$GPX" init --service --listen 127.0.0.1:7391 --upstream off
grep -q "no systemd user manager" "$WORK/stderr" || fail "--service without systemd: $(cat "$WORK/stderr")"
grep -q "no-service" "$WORK/stderr" || fail "--service without systemd gives no way out: $(cat "$WORK/stderr")"
[ ! -e "$HOME/.config/gpx/config.toml" ] || fail "a refused --service wrote the config"
expect_usage "$GPX" init --service --no-service

# The stand-in: answers like a user manager, logs every call.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/systemctl" <<STUB
#!/bin/sh
echo "\$*" >>"$WORK/systemctl.log"
exit 0
STUB
chmod +x "$WORK/bin/systemctl"
export PATH="$WORK/bin:$PATH"

"$GPX" init --service --listen 127.0.0.1:7391 --upstream off >"$WORK/init.out" 2>&1 ||
  { cat "$WORK/init.out" >&2; fail "gpx init --service failed"; }
units="$HOME/.config/systemd/user"
grep -qx "ListenStream=127.0.0.1:7391" "$units/gpx-agent.socket" || fail "socket unit: $(cat "$units/gpx-agent.socket")"
grep -qx "ExecStart=$GPX agent run" "$units/gpx-agent.service" || fail "service unit: $(cat "$units/gpx-agent.service")"
grep -qx -- "--user daemon-reload" "$WORK/systemctl.log" || fail "no daemon-reload: $(cat "$WORK/systemctl.log")"
grep -qx -- "--user enable gpx-agent.socket" "$WORK/systemctl.log" || fail "socket not enabled: $(cat "$WORK/systemctl.log")"
expect_eq "GOPROXY" "$("$GO" env GOPROXY)" "http://127.0.0.1:7391"
# The units as written pass systemd's own check.
command -v systemd-analyze >/dev/null || fail "systemd-analyze not found; install systemd"
mkdir -p "$XDG_RUNTIME_DIR"
systemd-analyze --user verify --man=no "$units/gpx-agent.socket" "$units/gpx-agent.service" >"$WORK/verify" 2>&1 ||
  { cat "$WORK/verify" >&2; fail "systemd-analyze verify rejects the installed units"; }

# Twice: the units stay as they are.
cp "$units/gpx-agent.service" "$WORK/service.before"
"$GPX" init --service --listen 127.0.0.1:7391 --upstream off >/dev/null 2>&1 || fail "second init --service failed"
cmp -s "$units/gpx-agent.service" "$WORK/service.before" || fail "second init changed the unit"

# Undo: disabled, stopped, removed, go env back.
: >"$WORK/systemctl.log"
"$GPX" init --undo >"$WORK/undo.out" 2>&1 || { cat "$WORK/undo.out" >&2; fail "undo failed"; }
grep -qx -- "--user disable --now gpx-agent.socket gpx-agent.service" "$WORK/systemctl.log" || fail "undo did not disable: $(cat "$WORK/systemctl.log")"
[ ! -e "$units/gpx-agent.socket" ] && [ ! -e "$units/gpx-agent.service" ] || fail "undo left the units"
cmp -s "$GOENV" "$WORK/goenv.before" || [ ! -s "$GOENV" ] || fail "undo did not restore go env"
