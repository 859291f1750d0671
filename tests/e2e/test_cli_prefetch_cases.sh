# gpx prefetch as a user runs it, case by case: from a package directory
# below the module root (go.mod found in a parent, as the go command finds
# it), inside a workspace (go.work found in a parent, or named by GOWORK,
# or turned off by GOWORK=off), with a Go file instead of a go.mod, and its
# progress and summary lines on a terminal, piped, and with --json. Every
# case runs and the failures are reported together.

start_goproxy_test
use_checksum_db_of_goproxy_test

# new_module DIR MODULE: a go 1.21 module whose main imports rsc.io/quote,
# with a package directory below its root.
new_module() {
  mkdir -p "$1/internal/x"
  printf 'module %s\n\ngo 1.21\n' "$2" >"$1/go.mod"
  printf 'package main\n\nimport (\n\t"fmt"\n\n\t"rsc.io/quote"\n)\n\nfunc main() { fmt.Println(quote.Hello()) }\n' >"$1/main.go"
  printf 'package x\n' >"$1/internal/x/x.go"
}

P="$WORK/src"
new_module "$P/mod" example.com/mod
online "$P/mod" get rsc.io/quote@v1.5.2
online "$P/mod" mod tidy
# A workspace whose module sits below the go.work.
new_module "$P/ws/a" example.com/ws/a
online "$P/ws/a" get rsc.io/quote@v1.5.2
online "$P/ws/a" mod tidy
(cd "$P/ws" && "$GO" work init ./a)
# One module version exactly: the summary's singular.
mkdir -p "$P/one"
printf 'module example.com/one\n\ngo 1.21\n' >"$P/one/go.mod"
online "$P/one" get golang.org/x/text@v0.3.0
# Somewhere outside any module.
mkdir -p "$P/nowhere"

start_agent --cache-dir "$WORK/cache" --upstream "$UPSTREAM_URL"

failures=()
# check NAME CONDITION-COMMAND...: records a failed case instead of stopping.
check() {
  local name=$1
  shift
  "$@" || failures+=("$name")
}

# run_case NAME DIR GOWORK ARGS...: gpx prefetch in DIR with GOWORK set,
# piped; stdout, stderr and the exit code in $WORK/case-NAME.{out,err,rc}.
run_case() {
  local name=$1 dir=$2 gowork=$3 rc=0
  shift 3
  (cd "$dir" && GOWORK=$gowork timeout 120 "$GPX" prefetch --agent "$AGENT_URL" "$@") \
    >"$WORK/case-$name.out" 2>"$WORK/case-$name.err" || rc=$?
  echo "$rc" >"$WORK/case-$name.rc"
}

# shows NAME STREAM REGEX: the case's stdout (out) or stderr (err) has a
# line matching REGEX; says what it had otherwise.
shows() {
  grep -Eq "$3" "$WORK/case-$1.$2" && return 0
  echo "e2e: case $1: no line matching [$3] in its std$2:" >&2
  sed 's/^/    /' "$WORK/case-$1.$2" >&2
  return 1
}
lacks() {
  ! grep -Eq "$3" "$WORK/case-$1.$2" && return 0
  echo "e2e: case $1: a line matching [$3] in its std$2:" >&2
  sed 's/^/    /' "$WORK/case-$1.$2" >&2
  return 1
}
exits() {
  [ "$(cat "$WORK/case-$1.rc")" = "$2" ] && return 0
  echo "e2e: case $1: exit $(cat "$WORK/case-$1.rc"), want $2; stderr:" >&2
  sed 's/^/    /' "$WORK/case-$1.err" >&2
  return 1
}
# registers NAME FILE: --json names FILE (clean, absolute) as the project.
registers() {
  shows "$1" out "\"projects\":\[\"$2\"\]"
}

# The table: name | directory | GOWORK | arguments.
while IFS='|' read -r name dir gowork args; do
  # shellcheck disable=SC2086
  run_case "$name" "$dir" "$gowork" $args
done <<EOF
subdir|$P/mod/internal/x||--json
subdir-dot|$P/mod/internal/x||. --json
root-dot|$P/mod||. --json
work-parent|$P/ws/a/internal/x||--json
work-named|$P/mod|$P/ws/go.work|--json
work-off|$P/ws/a/internal/x|off|--json
work-relative|$P/ws/a|go.work|--json
outside|$P/nowhere||
gofile|$P/mod||main.go
piped|$P/mod||
json|$P/mod||--json
one|$P/one||
EOF

# Locating the project as the go command does.
check subdir exits subdir 0
check subdir registers subdir "$P/mod/go.mod"
check subdir-dot registers subdir-dot "$P/mod/go.mod"
check root-dot registers root-dot "$P/mod/go.mod"
check work-parent registers work-parent "$P/ws/go.work"
check work-named registers work-named "$P/ws/go.work"
check work-off registers work-off "$P/ws/a/go.mod"
check work-relative exits work-relative 1
check work-relative shows work-relative err "GOWORK.*absolute"
check outside exits outside 1
check outside shows outside err "no go.mod"
check outside shows outside err "^gpx: hint: "
check gofile exits gofile 1
check gofile shows gofile err "main.go.*(a go.mod or go.work|go.mod or a go.work)"
check gofile lacks gofile err "parse|unknown directive|syntax"

# Progress and summary, piped: a plain phase line, and a summary that
# counts module versions, zips and bytes, then what was cached and fetched.
check piped exits piped 0
check piped shows piped err "^gpx prefetch: resolving the graph: [0-9]+ modules?$"
check piped lacks piped err $'\r|\x1b'
check piped shows piped out "^gpx prefetch: [0-9]+ module versions \([0-9]+ zips, [0-9.]+ [KMG]?i?B\): [0-9]+ already cached, [0-9]+ fetched"
check piped lacks piped out "requests"
# --json: the summary object alone, nothing on stderr.
check json exits json 0
check json shows json out '"already_cached":[0-9]+'
[ ! -s "$WORK/case-json.err" ] || { echo "e2e: case json: stderr not empty:" >&2; cat "$WORK/case-json.err" >&2; failures+=(json-quiet); }
# One module version, one zip: singular, and nothing was cached before.
check one exits one 0
check one shows one out "^gpx prefetch: 1 module version \(1 zip, [0-9.]+ [KMG]?i?B\): 0 already cached, 1 fetched"
# Run again: everything is cached now.
run_case one-again "$P/one" ""
check one-again shows one-again out "^gpx prefetch: 1 module version \(1 zip, [0-9.]+ [KMG]?i?B\): 1 already cached, 0 fetched"

# On a terminal: the phase line is rewritten in place.
command -v script >/dev/null || fail "script not found; install bsdutils"
(cd "$P/mod" && script -qec "GOWORK= '$GPX' prefetch --agent '$AGENT_URL'" /dev/null) >"$WORK/case-tty.out" 2>&1 </dev/null ||
  failures+=(tty-exit)
check tty shows tty out $'\r\x1b\\[Kgpx prefetch: resolving the graph: [0-9]+ modules?'
check tty shows tty out "gpx prefetch: [0-9]+ module versions \("

stop_agent
if [ ${#failures[@]} -gt 0 ]; then
  fail "cases that failed: ${failures[*]}"
fi
