# A cache directory the agent cannot write (here a read-only bind mount in
# a private mount namespace, since root ignores mode bits) stops it with a
# message that names the directory and the fix, not SQLite's bare "unable
# to open database file".

mkdir -p "$WORK/ro"
"$GPX" agent run --listen 127.0.0.1:0 --cache-dir "$WORK/ro" --upstream off >/dev/null 2>&1 &
first=$!
# The layout exists; then the directory turns read-only.
for _ in $(seq 100); do [ -e "$WORK/ro/index.db" ] && break; sleep 0.05; done
kill "$first" 2>/dev/null || true
wait "$first" 2>/dev/null || true
rm -f "$WORK/ro/index.db"*
rc=0
unshare -m bash -c '
  mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" || exit 99
  exec "$2" agent run --listen 127.0.0.1:0 --cache-dir "$1" --upstream off
' _ "$WORK/ro" "$GPX" >"$WORK/out" 2>"$WORK/err" || rc=$?
[ $rc -ne 99 ] || fail "could not make a read-only bind mount (unshare -m, mount)"
[ $rc -ne 0 ] || fail "the agent started on a read-only cache"
grep -q "$WORK/ro" "$WORK/err" || fail "the error does not name the cache directory: $(cat "$WORK/err")"
grep -qi "writable" "$WORK/err" || fail "the error does not say what to do: $(cat "$WORK/err")"
