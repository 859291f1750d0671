# The zip and go.mod plumbing commands as scripts meet them: --help exits 0
# with the usage on stdout; a usage error exits 2; a failure (a rule
# violation, a bad MODULE@VERSION, an unreadable zip) exits 1 with a
# one-line reason on stderr that names the file and the rule; --json prints
# what the plain output says. What the hashes must be is
# test_zip_differential.sh's business.

# run_gpx ARGS...: runs gpx; RC, and stdout and stderr in $WORK/stdout,
# $WORK/stderr.
run_gpx() {
  RC=0
  "$GPX" "$@" >"$WORK/stdout" 2>"$WORK/stderr" || RC=$?
}

# expect_exit CODE ARGS...: gpx ARGS must exit CODE.
expect_exit() {
  local want=$1
  shift
  run_gpx "$@"
  if [ "$RC" -ne "$want" ]; then
    cat "$WORK/stderr" >&2
    fail "gpx $*: exit $RC, want $want"
  fi
}

# expect_reason ARGS... -- TEXT...: gpx ARGS must exit 1 with exactly one
# line on stderr, holding every TEXT, and nothing on stdout.
expect_reason() {
  local args=() texts=() t
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    args+=("$1")
    shift
  done
  shift
  texts=("$@")
  expect_exit 1 "${args[@]}"
  local lines
  lines=$(wc -l <"$WORK/stderr")
  [ "$lines" -eq 1 ] || fail "gpx ${args[*]}: want a one-line reason, got $lines lines: $(cat "$WORK/stderr")"
  [ ! -s "$WORK/stdout" ] || fail "gpx ${args[*]}: failed but printed to stdout: $(cat "$WORK/stdout")"
  for t in "${texts[@]}"; do
    grep -qF -- "$t" "$WORK/stderr" || fail "gpx ${args[*]}: reason lacks [$t]: $(cat "$WORK/stderr")"
  done
}

m=example.com/plumb
mkdir -p "$WORK/mod"
printf 'module %s\n\ngo 1.18\n' "$m" >"$WORK/mod/go.mod"
echo 'package plumb' >"$WORK/mod/plumb.go"

# --help: exit 0, usage on stdout, for every command and subcommand.
for cmd in "" "zip" "zip create" "zip check" "zip hash" "mod" "mod hash"; do
  # shellcheck disable=SC2086
  expect_exit 0 $cmd --help
  grep -qi "usage" "$WORK/stdout" || fail "gpx $cmd --help: no usage on stdout: $(cat "$WORK/stdout")"
done
expect_exit 0 zip create --help
grep -qF -- "--output" "$WORK/stdout" || fail "gpx zip create --help does not mention --output"

# Usage errors: exit 2.
expect_exit 2 zip
expect_exit 2 mod
expect_exit 2 zip create
expect_exit 2 zip create "$m@v1.0.0" "$WORK/mod"              # no -o
expect_exit 2 zip create "$m@v1.0.0" -o "$WORK/x.zip"         # no DIR
expect_exit 2 zip check "$m@v1.0.0"                           # no FILE
expect_exit 2 zip hash
expect_exit 2 zip hash --bogus "$WORK/mod/go.mod"
expect_exit 2 mod hash
expect_exit 2 mod hash "$WORK/mod/go.mod" extra
expect_exit 2 zip frobnicate

# A good zip, to compare the outputs with.
expect_exit 0 zip create "$m@v1.0.0" "$WORK/mod" -o "$WORK/good.zip"
[ ! -s "$WORK/stdout" ] || fail "zip create printed on stdout: $(cat "$WORK/stdout")"
expect_exit 0 zip hash "$WORK/good.zip"
h1=$(cat "$WORK/stdout")
[[ "$h1" =~ ^h1:[A-Za-z0-9+/]{43}=$ ]] || fail "zip hash: not an h1: hash: [$h1]"
expect_exit 0 zip hash --json "$WORK/good.zip"
grep -qF "\"h1\":\"$h1\"" "$WORK/stdout" || fail "zip hash --json: [$(cat "$WORK/stdout")] lacks $h1"
expect_exit 0 zip check "$m@v1.0.0" "$WORK/good.zip"
expect_exit 0 zip check --json "$m@v1.0.0" "$WORK/good.zip"
grep -qF '"valid"' "$WORK/stdout" || fail "zip check --json: no valid list: $(cat "$WORK/stdout")"
grep -qF "$m@v1.0.0/plumb.go" "$WORK/stdout" || fail "zip check --json: plumb.go not listed: $(cat "$WORK/stdout")"
expect_exit 0 mod hash "$WORK/mod/go.mod"
modh1=$(cat "$WORK/stdout")
[[ "$modh1" =~ ^h1:[A-Za-z0-9+/]{43}=$ ]] || fail "mod hash: not an h1: hash: [$modh1]"
expect_exit 0 mod hash --json "$WORK/mod/go.mod"
grep -qF "\"h1\":\"$modh1\"" "$WORK/stdout" || fail "mod hash --json: [$(cat "$WORK/stdout")] lacks $modh1"
# The go.mod hash does not depend on where the file is or what it is called.
cp "$WORK/mod/go.mod" "$WORK/other-name.mod"
expect_exit 0 mod hash "$WORK/other-name.mod"
expect_eq "mod hash of a renamed go.mod" "$(cat "$WORK/stdout")" "$modh1"

# Bad MODULE@VERSION arguments: exit 1, naming what is wrong.
expect_reason zip create "$m" "$WORK/mod" -o "$WORK/x.zip" -- "$m" "MODULE@VERSION"
expect_reason zip create "$m@v1.0" "$WORK/mod" -o "$WORK/x.zip" -- "v1.0" "canonical"
expect_reason zip create "$m/v2@v1.0.0" "$WORK/mod" -o "$WORK/x.zip" -- "v2"
expect_reason zip create "Example.com/m@v1.0.0" "$WORK/mod" -o "$WORK/x.zip" -- "Example.com/m"
expect_reason zip check "$m@v1.0" "$WORK/good.zip" -- "v1.0" "canonical"
[ ! -e "$WORK/x.zip" ] || fail "a failed zip create left $WORK/x.zip"

# Files that are no zip at all.
expect_reason zip hash "$WORK/mod/go.mod" -- "$WORK/mod/go.mod"
expect_reason zip check "$m@v1.0.0" "$WORK/mod/go.mod" -- "$WORK/mod/go.mod"
: >"$WORK/empty.zip"
expect_reason zip hash "$WORK/empty.zip" -- "$WORK/empty.zip"
head -c 100 "$WORK/good.zip" >"$WORK/truncated.zip"
expect_reason zip check "$m@v1.0.0" "$WORK/truncated.zip" -- "$WORK/truncated.zip"

# An output that cannot be written: exit 1 naming it, nothing left behind.
expect_reason zip create "$m@v1.0.0" "$WORK/mod" -o "$WORK/no/such/dir/x.zip" -- "$WORK/no/such/dir/x.zip"

# Rule violations in a tree: one line naming the file and the rule, and no
# zip (nor a temporary file) left beside the output.
tree_violation() {
  local name=$1 file=$2 rule=$3
  rm -rf "$WORK/bad" "$WORK/out"
  mkdir -p "$WORK/bad" "$WORK/out"
  printf 'module %s\n' "$m" >"$WORK/bad/go.mod"
  mkdir -p "$(dirname "$WORK/bad/$file")"
  echo bad >"$WORK/bad/$file"
  expect_reason zip create "$m@v1.0.0" "$WORK/bad" -o "$WORK/out/x.zip" -- "$file" "$rule"
  [ -z "$(ls -A "$WORK/out")" ] || fail "$name: zip create failed but left $(ls -A "$WORK/out")"
}
tree_violation colon 'a:b.txt' "invalid char"
tree_violation gomod-case 'GO.MOD' "lowercase"
tree_violation trailing-dot 'dir./x.txt' "trailing dot"
mkdir -p "$WORK/bad2"
printf 'module %s\n' "$m" >"$WORK/bad2/go.mod"
echo one >"$WORK/bad2/README"
echo two >"$WORK/bad2/readme"
expect_reason zip create "$m@v1.0.0" "$WORK/bad2" -o "$WORK/x.zip" -- "collision" "README" "readme"
# Two violations: still exit 1 and one line, naming the first and counting the rest.
echo colon >"$WORK/bad2/a:b.txt"
expect_exit 1 zip create "$m@v1.0.0" "$WORK/bad2" -o "$WORK/x.zip"
expect_eq "two violations: stderr lines" "$(wc -l <"$WORK/stderr")" "1"
grep -qF "a:b.txt" "$WORK/stderr" || fail "two violations: a:b.txt not named: $(cat "$WORK/stderr")"
grep -qF "(and 1 more)" "$WORK/stderr" || fail "two violations: the second not counted: $(cat "$WORK/stderr")"
[ ! -e "$WORK/x.zip" ] || fail "a failed zip create left $WORK/x.zip"

# Rule violations in a zip, made by git archive: one line naming the entry
# and the rule.
zip_violation() {
  local name=$1 prefix=$2 file=$3
  shift 3
  local r="$WORK/zips/$name"
  git_repo "$r"
  # (No go.mod beside a GO.MOD: that would be a second violation.)
  [ "${file,,}" = go.mod ] || printf 'module %s\n' "$m" >"$r/go.mod"
  mkdir -p "$(dirname "$r/$file")"
  echo bad >"$r/$file"
  git_commit "$r" "$name"
  "$GIT" -C "$r" archive --format=zip --prefix="$prefix" HEAD >"$WORK/zips/$name.zip"
  expect_reason zip check "$m@v1.0.0" "$WORK/zips/$name.zip" -- "$file" "$@"
}
zip_violation gomod-case "$m@v1.0.0/" GO.MOD "lowercase"
zip_violation nested-gomod "$m@v1.0.0/" sub/go.mod "not in module root"
zip_violation colon "$m@v1.0.0/" 'a:b.txt' "invalid char"
# Under another version's prefix every entry is a violation of its own
# (x/mod lists each): exit 1, each named.
r="$WORK/zips/prefix"
git_repo "$r"
printf 'module %s\n' "$m" >"$r/go.mod"
echo x >"$r/x.txt"
git_commit "$r" prefix
"$GIT" -C "$r" archive --format=zip --prefix="$m@v1.0.1/" HEAD >"$WORK/zips/prefix.zip"
# One line names the first offending entry and counts the others; --json
# lists them all.
expect_reason zip check "$m@v1.0.0" "$WORK/zips/prefix.zip" -- "$m@v1.0.1/" "prefix \"$m@v1.0.0/\"" "(and 2 more)"
expect_exit 1 zip check --json "$m@v1.0.0" "$WORK/zips/prefix.zip"
for t in "$m@v1.0.1/go.mod" "$m@v1.0.1/x.txt"; do
  grep -qF -- "$t" "$WORK/stdout" || fail "zip check --json under another prefix: [$t] not in: $(cat "$WORK/stdout")"
done
# --json still says which entries are invalid, and still exits 1.
expect_exit 1 zip check --json "$m@v1.0.0" "$WORK/zips/colon.zip"
grep -qF '"invalid"' "$WORK/stdout" || fail "zip check --json: no invalid list: $(cat "$WORK/stdout")"
grep -qF 'a:b.txt' "$WORK/stdout" || fail "zip check --json: a:b.txt not listed: $(cat "$WORK/stdout")"

# Unreadable go.mod for mod hash: exit 1 (or 2, if the argument check
# catches it first), naming the file.
mkdir -p "$WORK/dir.mod"
run_gpx mod hash "$WORK/dir.mod"
[ "$RC" -eq 1 ] || [ "$RC" -eq 2 ] || fail "mod hash of a directory: exit $RC"
grep -qF "dir.mod" "$WORK/stderr" || fail "mod hash of a directory: reason does not name it: $(cat "$WORK/stderr")"
