# Table-driven CLI cases: every *.cases file in tests/e2e/cli_cases/ is a
# list of commands with the exit code and output they must give, so a new
# case is data, not code. The format is in tests/e2e/cli_cases/README.
CASES_DIR=${GPX_CLI_CASES:-$E2E_DIR/cli_cases}
command -v curl >/dev/null || fail "curl not found; install curl (packaging/setup.sh test)"

# Cases say `gpx`; it is the binary under test.
gpx() { "$GPX" "$@"; }

# A background agent on a port of its own, for the cases that need one.
fixture_agent() {
  free_port FIXTURE_PORT
  AGENT_URL=http://127.0.0.1:$FIXTURE_PORT
  "$GPX" agent start --listen "127.0.0.1:$FIXTURE_PORT" --upstream off --cache-dir "$WORK/cache" >"$WORK/fixture.out" 2>&1 ||
    fail "fixture agent did not start: $(cat "$WORK/fixture.out")"
  export AGENT_URL FIXTURE_PORT
}
fixture_agent_stop() {
  "$GPX" agent stop >/dev/null 2>&1 || true
}

# check_stream CASE STREAM FILE MODE PATTERN: MODE "+" wants a line that
# matches the extended regex, "!" wants none.
check_stream() {
  if [ "$4" = "+" ]; then
    grep -qE -- "$5" "$3" || fail "$1: $2 has no line matching [$5]:
$(cat "$3")"
  else
    ! grep -qE -- "$5" "$3" || fail "$1: $2 has a line matching [$5]:
$(cat "$3")"
  fi
}

# run_case: runs the case gathered in the c_* variables.
run_case() {
  local name=$c_name rc=0 i
  [ -n "$c_run" ] || fail "$name: no run line"
  cd "$WORK"
  if [ -n "$c_agent" ]; then
    trap fixture_agent_stop EXIT
    fixture_agent
  fi
  for i in "${!c_files[@]}"; do
    printf '%b' "${c_contents[$i]}" >"$WORK/${c_files[$i]}"
  done
  timeout 60 bash -c "$(declare -f gpx); $c_run" >"$WORK/case.out" 2>"$WORK/case.err" || rc=$?
  expect_eq "$name: exit code of [$c_run] (stderr: $(head -3 "$WORK/case.err"))" "$rc" "$c_exit"
  # Every failure is "gpx: error: …" on the first line, then hints only.
  if [ "$rc" -ne 0 ] && [ -s "$WORK/case.err" ]; then
    check_stream "$name" stderr <(head -1 "$WORK/case.err") + '^gpx: error: '
    check_stream "$name" stderr <(tail -n +2 "$WORK/case.err") '!' '^([^g]|g[^p]|gp[^x]|gpx[^:])|^$'
  fi
  for i in "${!c_checks[@]}"; do
    local check=${c_checks[$i]} stream mode pattern
    stream=${check%%$'\t'*}
    mode=${check#*$'\t'}
    pattern=${mode#*$'\t'}
    mode=${mode%%$'\t'*}
    check_stream "$name" "$stream" "$WORK/case.${stream#std}" "$mode" "$pattern"
  done
  if [ -n "$c_same_as" ]; then
    bash -c "$(declare -f gpx); $c_same_as" >"$WORK/same.out" 2>&1 || true
    cmp -s "$WORK/case.out" "$WORK/same.out" || fail "$name: stdout differs from [$c_same_as]:
$(diff "$WORK/case.out" "$WORK/same.out" | head -20)"
  fi
  if [ -n "$c_then" ]; then
    rc=0
    timeout 60 bash -c "$(declare -f gpx); $c_then" >"$WORK/case.out" 2>"$WORK/case.err" || rc=$?
    expect_eq "$name: exit code of [$c_then] afterwards (output: $(cat "$WORK/case.out" "$WORK/case.err"))" "$rc" "$c_then_exit"
  fi
  echo "e2e: ok $name"
}

reset_case() {
  c_name="" c_run="" c_exit=0 c_agent="" c_same_as="" c_then="" c_then_exit=0
  c_checks=() c_files=() c_contents=()
}

# Each case runs in a subshell, so that one failure does not hide the next.
ncases=0
failed=()
try_case() {
  ncases=$((ncases + 1))
  (run_case) || failed+=("$c_name")
}
for table in "$CASES_DIR"/*.cases; do
  reset_case
  lineno=0
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case "$line" in
      "#"* | "") continue ;;
    esac
    key=${line%%:*}
    value=${line#*: }
    [ "$key" != "$line" ] || fail "$table:$lineno: want 'key: value', got [$line]"
    case "$key" in
      case)
        [ -z "$c_name" ] || try_case
        reset_case
        c_name="$(basename "$table"):$lineno: $value"
        ;;
      run) c_run=$value ;;
      exit) c_exit=$value ;;
      agent) c_agent=$value ;;
      file) c_files+=("${value%%: *}") c_contents+=("${value#*: }") ;;
      stdout | stderr) c_checks+=("$key"$'\t+\t'"$value") ;;
      "stdout not" | "stderr not") c_checks+=("${key% not}"$'\t!\t'"$value") ;;
      "stdout same as") c_same_as=$value ;;
      then) c_then=$value ;;
      "then exit") c_then_exit=$value ;;
      *) fail "$table:$lineno: unknown key [$key]" ;;
    esac
  done <"$table"
  [ -z "$c_name" ] || try_case
done
[ "$ncases" -gt 0 ] || fail "no cases in $CASES_DIR"
[ ${#failed[@]} -eq 0 ] || fail "${#failed[@]} of $ncases cases failed:$(printf '\n  %s' "${failed[@]}")"
echo "e2e: $ncases cases"
