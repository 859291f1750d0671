# The CLI's data commands, table-driven: each case checks a command's exit
# code, stdout and stderr, and validates every --json output against the
# documented schema (docs/gpx.schema.json). Covers: environment variables
# that override `go env -w` (doctor), `gpx config` and where each setting
# comes from, `status` finding an agent run in the foreground through its
# cache, `stats` on a machine with no cache, `ls` listing +incompatible
# versions, prune saying a bound was not met, and an upstream's 403 reaching
# the go command as a 403.

SCHEMA="$E2E_DIR/../../docs/gpx.schema.json"
VALIDATE="$E2E_DIR/../support/validate_json.py"
# The python3 on PATH may be another installation than Debian's, which
# python3-jsonschema (packaging/setup.sh) serves.
PYTHON=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import jsonschema' 2>/dev/null; then
    PYTHON=$candidate
    break
  fi
done
[ -n "$PYTHON" ] || fail "no python3 with jsonschema found; install python3-jsonschema (packaging/setup.sh test)"

# check NAME RC SCHEMA_DEF STDOUT_RES STDERR_RES CMD: runs CMD (a shell
# string) and checks its exit code; SCHEMA_DEF ('-' for none) names the
# $defs entry stdout must validate against; STDOUT_RES and STDERR_RES are
# grep -E regexes separated by ';;', each matching some line ('' checks
# nothing), or, with a leading '!', no line.
check() {
  local name=$1 rc_want=$2 def=$3 out_res=$4 err_res=$5 cmd=$6 rc=0
  timeout 60 bash -c "$cmd" >"$WORK/out" 2>"$WORK/err" || rc=$?
  local why=""
  [ "$rc" = "$rc_want" ] || why="exit $rc, want $rc_want"
  if [ -z "$why" ] && [ "$def" != - ]; then
    "$PYTHON" "$VALIDATE" "$SCHEMA" "$def" "$WORK/out" >"$WORK/valid" 2>&1 || why="not a valid $def: $(cat "$WORK/valid")"
  fi
  local stream res re
  for stream in out err; do
    [ "$stream" = out ] && res=$out_res || res=$err_res
    while [ -z "$why" ] && [ -n "$res" ]; do
      re=${res%%;;*}
      [ "$re" = "$res" ] && res="" || res=${res#*;;}
      if [ "${re:0:1}" = '!' ]; then
        ! grep -qE -- "${re:1}" "$WORK/$stream" || why="std$stream matches /${re:1}/"
      else
        grep -qE -- "$re" "$WORK/$stream" || why="std$stream lacks /$re/"
      fi
    done
  done
  if [ -n "$why" ]; then
    echo "--- stdout" >&2; cat "$WORK/out" >&2
    echo "--- stderr" >&2; cat "$WORK/err" >&2
    echo "e2e: FAILED case: $name: $why (command: $cmd)" >&2
    failed+=("$name")
    return 0
  fi
  echo "e2e: ok $name" >&2
}
failed=()

# --- A static upstream in GOPROXY layout, with one module it refuses (403)
# and one that is gone (410).
up="$WORK/up"
add_version() { # MODULE VERSION [FILLER_BYTES]
  local dir="$up/$1/@v" src="$WORK/src/$1@$2"
  mkdir -p "$dir" "$src"
  printf 'package m\n' >"$src/m.go"
  [ -z "${3:-}" ] || head -c "$3" /dev/urandom | base64 -w 76 >"$src/filler.txt"
  printf 'module %s\n' "$1" >"$dir/$2.mod"
  printf '{"Version":"%s","Time":"2023-01-02T03:04:05Z"}\n' "$2" >"$dir/$2.info"
  "$GPX" zip create "$1@$2" "$src" -o "$dir/$2.zip" >/dev/null || fail "gpx zip create $1@$2"
  echo "$2" >>"$dir/list"
}
add_version example.com/inc v1.0.0
add_version example.com/inc v2.0.0+incompatible
add_version example.com/inc v2.1.0+incompatible
add_version example.com/big v1.0.0 300000
cat >"$WORK/upstream.py" <<'PY'
import http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if "/forbidden/" in self.path:
            body = b"This module version is not available"
            self.send_response(403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: H(*a, directory=sys.argv[1]))
print("upstream at http://127.0.0.1:%d" % s.server_address[1], flush=True)
s.serve_forever()
PY
spawn_announced 30 stdout "$WORK/up.stdout" "$WORK/up.stderr" "$PYTHON" "$WORK/upstream.py" "$up"
UP_PID=$SPAWNED_PID
UP_URL=${SPAWNED_LINE#upstream at }
case "$UP_URL" in http://127.0.0.1:*) ;; *) fail "upstream did not start: [$SPAWNED_LINE]" ;; esac

# The agent in the foreground, as a user runs it in a terminal, with a
# credential in its upstream URL (never shown).
cache="$WORK/cache"
start_agent --cache-dir "$cache" --upstream "http://alice:s3cret@${UP_URL#http://}"
for f in v1.0.0.info v1.0.0.mod v1.0.0.zip v2.0.0+incompatible.info v2.0.0+incompatible.mod v2.0.0+incompatible.zip \
  v2.1.0+incompatible.info v2.1.0+incompatible.zip; do
  curl -fsS -o /dev/null "$AGENT_URL/example.com/inc/@v/$f" || fail "agent did not serve example.com/inc $f"
done
for f in v1.0.0.info v1.0.0.mod v1.0.0.zip; do
  curl -fsS -o /dev/null "$AGENT_URL/example.com/big/@v/$f" || fail "agent did not serve example.com/big $f"
done
agent_port=${AGENT_URL##*:}

# --- 10: status finds the foreground agent through the cache it serves (the
# configured listen address is elsewhere), with its real address, pid and
# upstream, redacted.
free_port nobody
export GPX_LISTEN="127.0.0.1:$nobody"
check "status finds a foreground agent" 0 - \
  "agent: +running at ${AGENT_URL//./\\.} \(pid $AGENT_PID, serving ${cache//./\\.}\), healthy;;upstream: .*alice:xxxxx@;;!s3cret" "" \
  "'$GPX' status --cache-dir '$cache'"
check "status --json" 0 status \
  "\"pid\":$AGENT_PID;;\"found_by\":\"cache_lock\";;\"url\":\"${AGENT_URL//./\\.}\";;!s3cret" "" \
  "'$GPX' status --cache-dir '$cache' --json"
check "agent status --json through the configured cache" 0 agent_status \
  "\"running\":true;;\"pid\":$AGENT_PID;;\"healthy\":true" "" \
  "GPX_CACHE_DIR='$cache' '$GPX' agent status --json"
check "agent status --json, none running" 1 agent_status "\"running\":false" "" \
  "GPX_CACHE_DIR='$WORK/none' '$GPX' agent status --json"
check "the agent's record in its cache dir is 0600" 0 - "^600$" "" "stat -c %a '$cache/agent.json'"
check "the agent's record holds no credential" 0 - "alice:xxxxx@;;!s3cret" "" "cat '$cache/agent.json'"

# --- 11: stats where no cache exists yet shows zeros, as ccache -s does.
check "stats on an empty machine" 0 - "^entries +0$;;^hits +0$;;^size +0 B$" "" \
  "'$GPX' stats --cache-dir '$WORK/no-cache-yet'"
check "stats --json on an empty machine" 0 stats "\"entries\":0;;\"hits\":0" "" \
  "'$GPX' stats --cache-dir '$WORK/no-cache-yet' --json"
check "stats --json" 0 stats "\"entries\":[1-9]" "" "'$GPX' stats --cache-dir '$cache' --json"

# --- 13: ls lists +incompatible versions, as the agent serves them.
check "ls shows +incompatible versions" 0 - \
  "^example\.com/inc v1\.0\.0 ;;^example\.com/inc v2\.0\.0\+incompatible  .*info mod zip$;;^example\.com/inc v2\.1\.0\+incompatible " "" \
  "'$GPX' ls --cache-dir '$cache' example.com/inc"
check "ls --json" 0 ls "\"version\":\"v2\.0\.0\+incompatible\"" "" "'$GPX' ls --cache-dir '$cache' --json"

# --- 15: an upstream's 403 reaches the go command as a 403 with its reason.
check "upstream 403 passes through" 1 - \
  "403 Forbidden;;This module version is not available;;!502" "" \
  "GOPROXY='$AGENT_URL' GOFLAGS=-modcacherw GOSUMDB=off '$GO' mod download -json example.com/forbidden@v1.0.0"
check "upstream 403 status for curl" 0 - "^403$" "" \
  "curl -s -o /dev/null -w '%{http_code}' '$AGENT_URL/example.com/forbidden/@v/v1.0.0.info'"

# --- 14: prune with a bound that registered projects' needs exceed.
proj="$WORK/proj"
mkdir -p "$proj" "$HOME/.local/state/gpx"
printf 'module example.com/proj\n\ngo 1.21\n\nrequire (\n\texample.com/big v1.0.0\n\texample.com/inc v1.0.0\n)\n' >"$proj/go.mod"
for mv in example.com/big@v1.0.0 example.com/inc@v1.0.0; do
  m=${mv%@*} v=${mv#*@}
  echo "$m $v $("$GPX" zip hash "$up/$m/@v/$v.zip")"
  echo "$m $v/go.mod $("$GPX" mod hash "$up/$m/@v/$v.mod")"
done >"$proj/go.sum"
printf '{"projects":["%s"]}\n' "$proj/go.mod" >"$HOME/.local/state/gpx/projects.json"
check "prune --dry-run says it would stay over the bound" 0 - \
  "would still be over the bound of 97\.7 KiB by [0-9.]+ KiB;;registered projects need [0-9.]+ KiB" "" \
  "'$GPX' prune --cache-dir '$cache' --max-size 100KB --dry-run"
check "prune --dry-run --json" 0 prune "\"over_budget\":true;;\"dry_run\":true" "" \
  "'$GPX' prune --cache-dir '$cache' --max-size 100KB --dry-run --json"
check "prune reports an unmet bound" 1 - \
  "registered projects need [0-9.]+ KiB" \
  "error: the cache is still over the bound of 97\.7 KiB by [0-9.]+ KiB;;gpx projects --forget;;--include-pinned" \
  "'$GPX' prune --cache-dir '$cache' --max-size 100KB"
check "prune --json reports an unmet bound" 1 prune \
  "\"over_budget\":true;;\"over_by_bytes\":[1-9];;\"pinned_bytes\":[1-9][0-9]{5};;\"max_size_bytes\":100000" "" \
  "'$GPX' prune --cache-dir '$cache' --max-size 100KB --json"
check "prune --dry-run within the bound" 0 - "would be within the bound of 9\.5 MiB" "" \
  "'$GPX' prune --cache-dir '$cache' --max-size 10MB --dry-run"
check "prune within the bound" 0 prune "\"over_budget\":false;;\"over_by_bytes\":0" "" \
  "'$GPX' prune --cache-dir '$cache' --max-size 10MB --json"

# --- 9: gpx config: every setting, its value and where it came from, at
# each level of precedence; credentials redacted.
cat >"$WORK/gpx.toml" <<TOML
# the team's settings
max_size = "5GiB"
upstream = "https://bob:t0ken@proxy.corp.example"
TOML
cfg="'$GPX' config --config '$WORK/gpx.toml'"
check "config: sources" 0 - \
  "^\(${WORK//./\\.}/gpx\.toml:2\) max_size = 5GiB$;;^\(${WORK//./\\.}/gpx\.toml:3\) upstream = https://bob:xxxxx@proxy\.corp\.example$;;^\(environment GPX_LIST_TTL\) list_ttl = 2m$;;^\(flag --cache-dir\) cache_dir = ${WORK//./\\.}/cfgcache$;;^\(default\) log_level = info$;;!t0ken" "" \
  "GPX_LIST_TTL=2m $cfg --cache-dir '$WORK/cfgcache'"
check "config: environment beats the file" 0 - "^\(environment GPX_MAX_SIZE\) max_size = 1GiB$" "" \
  "GPX_MAX_SIZE=1GiB $cfg"
check "config KEY" 0 - "^5GiB$" "" "$cfg max_size"
check "config KEY, redacted" 0 - "^https://bob:xxxxx@proxy\.corp\.example$" "" "$cfg upstream"
check "config --json" 0 config \
  "\"key\":\"max_size\",\"origin\":\"[^\"]*/gpx\.toml:2\",\"source\":\"file\",\"value\":\"5GiB\";;!t0ken" "" "$cfg --json"
check "config KEY --json" 0 config "\"key\":\"max_size\",\"origin\":\"[^\"]*/gpx\.toml:2\";;!\"key\":\"listen\"" "" "$cfg max_size --json"
check "config: unknown key" 2 - "" "unknown config key \"max_sise\";;max_size" "$cfg max_sise"

# --- 4: an environment variable that overrides go env -w: doctor names it,
# where it likely comes from, and the fix.
export GPX_LISTEN="127.0.0.1:$agent_port" GPX_CACHE_DIR="$cache" GPX_UPSTREAM="$UP_URL"
"$GO" env -w GOPROXY="$AGENT_URL,$UP_URL" || fail "go env -w"
printf '# my shell\nexport GOPROXY=https://proxy.golang.org\n' >"$HOME/.bashrc"
check "doctor names an overriding GOPROXY" 1 - \
  "^FAIL .*GOPROXY=https://proxy\.golang\.org is set in the environment;;overrides .go env -w.;;$HOME/\.bashrc:2;;unset GOPROXY" "" \
  "GOPROXY=https://proxy.golang.org '$GPX' doctor"
check "doctor's fix for GOPROXY is not gpx init" 1 - "" "" \
  "GOPROXY=https://proxy.golang.org '$GPX' doctor | grep -A1 'FAIL.*GOPROXY' | grep -q \"gpx init\" && exit 3 || exit 1"
check "doctor --json names the variable" 1 doctor \
  "\"check\":\"environment\.GOPROXY\",\"fix\":\"[^\"]*unset GOPROXY[^\"]*\",\"level\":\"fail\"" "" \
  "GOPROXY=https://proxy.golang.org '$GPX' doctor --json"
check "init --dry-run names an overriding GOPROXY, where it is set and the fix" 0 - "" \
  "GOPROXY=https://proxy\.golang\.org is set in the environment;;$HOME/\.bashrc:2;;unset GOPROXY" \
  "GOPROXY=https://proxy.golang.org '$GPX' init --dry-run --no-start"
check "doctor: GOPROXY from go env -w is fine" 0 - "^ok +go env GOPROXY goes to the agent first;;!^FAIL" "" \
  "GOPROXY= GOFLAGS= '$GPX' doctor"
"$GO" env -w GOFLAGS=-modcacherw GONOSUMDB=corp.example || fail "go env -w"
check "doctor warns of an overriding GOFLAGS and GONOSUMDB" 0 - \
  "^warn .*GOFLAGS=-mod=mod is set in the environment;;^warn .*GONOSUMDB=other\.example is set in the environment;;unset GOFLAGS" "" \
  "GOPROXY= GOFLAGS=-mod=mod GONOSUMDB=other.example '$GPX' doctor"
check "doctor --json" 0 doctor "\"problems\":0" "" "GOPROXY= GOFLAGS= '$GPX' doctor --json"

# A clean stop removes the agent's record.
stop_agent
check "a clean exit removes the agent's record" 1 - "" "" "test -e '$cache/agent.json'"
check "status after the agent stopped" 1 status "\"running\":false" "" \
  "GPX_LISTEN=127.0.0.1:$nobody '$GPX' status --cache-dir '$cache' --json"
kill "$UP_PID" 2>/dev/null || true

[ ${#failed[@]} -eq 0 ] || fail "${#failed[@]} cases failed: $(printf '[%s] ' "${failed[@]}")"
