# kill -9 of the agent in the middle of a large zip download leaves nothing
# partial in the cache; at restart tmp/ is emptied, the index agrees with
# the files, and the next download is whole and has the right sum. The upstream is a directory in GOPROXY
# layout reached as file://, holding a ~200 MB zip.

mod=gpx.test/big
ver=v1.0.0
up="$WORK/upstream"
dir="$up/$mod/@v"
mkdir -p "$dir" "$WORK/src"
printf 'module %s\n\ngo 1.16\n' "$mod" >"$WORK/src/go.mod"
printf 'package big\n\n// Blob is next to this file.\nconst Blob = "blob.bin"\n' >"$WORK/src/big.go"
# Random bytes do not compress: the zip is as large as the file.
head -c 200000000 /dev/urandom >"$WORK/src/blob.bin"
"$GPX" zip create "$mod@$ver" "$WORK/src" -o "$dir/$ver.zip"
rm -rf "$WORK/src/blob.bin"
cp "$WORK/src/go.mod" "$dir/$ver.mod"
printf '{"Version":"%s","Time":"2023-01-02T03:04:05Z"}\n' "$ver" >"$dir/$ver.info"
echo "$ver" >"$dir/list"
want_sum=$("$GPX" zip hash "$dir/$ver.zip")
want_modsum=$("$GPX" mod hash "$dir/$ver.mod")
want_size=$(stat -c %s "$dir/$ver.zip")
[ "$want_size" -gt 190000000 ] || fail "test zip is only $want_size bytes"

cache="$WORK/cache"
zip_url_path="/$mod/@v/$ver.zip"

# The file:// upstream works at all (small files first, then a miss).
start_agent --cache-dir "$cache" --upstream "file://$up"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' "$AGENT_URL/$mod/@v/list" || true)
[ "$code" = 200 ] || fail "GET /$mod/@v/list with upstream file://$up: got $code, want 200; body: $(head -c 300 "$WORK/body")"
expect_eq "list from a file:// upstream" "$(cat "$WORK/body")" "$ver"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' "$AGENT_URL/$mod/@v/$ver.mod" || true)
[ "$code" = 200 ] || fail "GET /$mod/@v/$ver.mod with upstream file://$up: got $code, want 200; body: $(head -c 300 "$WORK/body")"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' "$AGENT_URL/gpx.test/nosuch/@v/list" || true)
[ "$code" = 404 ] || fail "GET /gpx.test/nosuch/@v/list (no such file upstream): got $code, want 404; body: $(head -c 300 "$WORK/body")"

# check_cache_after_restart WHEN: nothing partial under download/, tmp/
# empty: the agent has just been restarted on $cache.
check_cache_after_restart() {
  local left zip="$cache/download/$mod/@v/$ver.zip" f
  left=$(find "$cache/tmp" -mindepth 1 | head -5)
  expect_eq "$1: cache/tmp after restart" "$left" ""
  # Only whole artifacts under download/: no temporary or partial names.
  while IFS= read -r f; do
    case "${f##*/}" in
      list | "$ver.info" | "$ver.mod" | "$ver.zip") ;;
      *) fail "$1: unexpected file in the cache: $f" ;;
    esac
  done < <(find "$cache/download" -type f)
  if [ -e "$zip" ]; then
    expect_eq "$1: size of the cached zip" "$(stat -c %s "$zip")" "$want_size"
    expect_eq "$1: hash of the cached zip" "$("$GPX" zip hash "$zip")" "$want_sum"
  fi
}

# kill_mid_download WHEN CURL-ARGS...: starts the zip download through the
# agent, waits (bounded, short sleeps) until the transfer is under way, kills
# the agent with SIGKILL and restarts it on the same cache.
#   upstream: until the agent has bytes of the zip in cache/tmp (it is
#             fetching or checking it), or the client has some;
#   client:   until the client has received at least 1 MB.
kill_mid_download() {
  local when=$1 out="$WORK/client-$1.zip" i state="" min=1
  [ "$when" = upstream ] || min=1000000
  shift
  rm -f "$out"
  curl -s -o "$out" "$@" "$AGENT_URL$zip_url_path" &
  local curl_pid=$!
  for ((i = 0; i < 3000; i++)); do
    if [ "$when" = upstream ] && [ -n "$(find "$cache/tmp" -type f -size +0 2>/dev/null | head -1)" ]; then
      state="agent had part of the zip in tmp/"
      break
    fi
    if [ -f "$out" ] && [ "$(stat -c %s "$out")" -ge "$min" ]; then
      state="client had $(stat -c %s "$out") bytes"
      break
    fi
    kill -0 "$curl_pid" 2>/dev/null || break
    sleep 0.01
  done
  [ -n "$state" ] || fail "$when: the download never got under way (curl done: $(kill -0 "$curl_pid" 2>/dev/null && echo no || echo yes))"
  kill -9 "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null || true
  AGENT_PID=
  wait "$curl_pid" 2>/dev/null || true
  local got
  got=$(stat -c %s "$out" 2>/dev/null || echo 0)
  [ "$got" -lt "$want_size" ] || fail "$when: the download finished before the kill; nothing was tested"
  echo "e2e: kill -9 while $state; the client got $got of $want_size bytes" >&2
  rm -f "$out"
  start_agent --cache-dir "$cache" --upstream "file://$up"
  check_cache_after_restart "$when"
}

# While the agent fetches the zip from upstream (or checks it), and while
# it streams the zip to a slow client.
kill_mid_download upstream
kill_mid_download client --limit-rate 20M

# A fresh go command then gets the whole module, with the right sums.
export GOPROXY="$AGENT_URL" GOSUMDB=off # the test checksum database does not know this module
go_download "$mod@$ver"
expect_eq "Sum after the kills" "$DL_SUM" "$want_sum"
expect_eq "GoModSum after the kills" "$DL_GOMODSUM" "$want_modsum"
expect_eq "the go command's zip" "$(cmp "$DL_ZIP" "$dir/$ver.zip" && echo same)" "same"
check_cache_after_restart "after the download"
# The index agrees with the files: every row's file is there, whole, with
# the size, sha256 and h1 recorded when it was written.
"$GPX" verify --cache-dir "$cache" >"$WORK/verify" 2>&1 || fail "the index and the files disagree after the kills: $(cat "$WORK/verify")"
[ -e "$cache/download/$mod/@v/$ver.zip" ] || fail "the zip was not cached"
stop_agent
