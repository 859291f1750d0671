# Private modules from git, the agent against the go command's own direct
# mode (DESIGN.md, "The oracle for private modules").
#
# The test makes git repositories under $WORK/repos, reached as
# git.corp.example/… through url.insteadOf (git and libgit2 both honour it).
# The same go commands run twice: with GOPROXY=direct (go fetches from git
# itself) and with GOPROXY=<agent> (the agent fetches from git; the module
# is private to it). Their answers must be identical:
#   - go list -m -versions [-retracted]
#   - go mod download -json M@QUERY: Version, Sum, GoModSum (or both fail)
#   - go get M@QUERY in a fresh module: go.mod and go.sum
# for tags at the root and in subdirectories, /v2 at the root and in v2/,
# a module without go.mod (+incompatible), nested modules, vendor, symlinks,
# .gitattributes (eol, ident, export-ignore), uppercase names, branches,
# lightweight and annotated tags, prereleases, retractions, commit
# prefixes, pseudo-versions, Origin. Then a tag pushed after the first
# fetch shows up, a tag moved after the first fetch keeps its first content
# (as in the go command's own module cache), gpx prefetch covers private
# modules, and with the repositories gone the agent still serves every
# version it served before (offline too, from its mirrors). Last, "direct"
# in the upstream chain, and kill -9 in the middle of a fetch.

use_direct_mode "$WORK/repos"
repos="$WORK/repos"
"$GIT" config --global user.email test@example.com
"$GIT" config --global user.name test
"$GIT" config --global core.autocrlf false
"$GIT" config --global core.safecrlf false
"$GIT" config --global advice.detachedHead false

# commit DIR MESSAGE DATE: everything in DIR, at a fixed date.
commit() {
  "$GIT" -C "$1" add -A
  GIT_AUTHOR_DATE="$3" GIT_COMMITTER_DATE="$3" "$GIT" -C "$1" commit -q -m "$2"
}
atag() { # annotated tag
  GIT_COMMITTER_DATE=2023-06-01T00:00:00Z "$GIT" -C "$1" tag -a "$2" -m "release $2" ${3:+"$3"}
}

# --- lib.git: one module at the root, every file-level rule in its tree.
r="$repos/team/lib.git"
git_repo "$r"
printf 'module git.corp.example/team/lib.git\n\ngo 1.21\n' >"$r/go.mod"
echo 'package lib' >"$r/lib.go"
echo 'license text' >"$r/LICENSE"
echo 'Upper case name' >"$r/README.MD"
mkdir -p "$r/Docs" "$r/nested" "$r/vendor/example.com/x" "$r/tools/.hg" "$r/cmd/tool"
echo 'doc' >"$r/Docs/Guide.TXT"
printf 'module git.corp.example/team/lib.git/nested\n' >"$r/nested/go.mod"
echo 'package nested' >"$r/nested/a.go"
echo '# example.com/x v1.0.0' >"$r/vendor/modules.txt"
echo 'package x' >"$r/vendor/example.com/x/x.go"
echo '[paths]' >"$r/tools/.hg/hgrc"
echo 'package main' >"$r/cmd/tool/main.go"
ln -s lib.go "$r/link.go"
ln -s ../lib.go "$r/cmd/linked.go"
printf '*.crlf eol=crlf\n*.id ident\nskipped.go export-ignore\n' >"$r/.gitattributes"
printf 'line one\nline two\n' >"$r/text.crlf"
printf 'id: $Id$\n' >"$r/version.id"
echo 'package lib // kept: go ignores export-ignore' >"$r/skipped.go"
commit "$r" one 2023-01-02T03:04:05Z
"$GIT" -C "$r" tag v1.0.0                                 # lightweight
echo 'package lib // two' >"$r/lib.go"
commit "$r" two 2023-01-03T03:04:05Z
atag "$r" v1.1.0                                          # annotated
"$GIT" -C "$r" branch feature
printf 'module git.corp.example/team/lib.git\n\ngo 1.21\n\nretract v1.1.0 // broken\n' >"$r/go.mod"
commit "$r" three 2023-01-04T03:04:05Z
"$GIT" -C "$r" tag v1.2.0
"$GIT" -C "$r" tag v1.2                                   # not canonical: ignored
echo 'package lib // four' >"$r/lib.go"
commit "$r" four 2023-01-05T03:04:05Z
"$GIT" -C "$r" tag v1.3.0-rc.1
echo 'package lib // five' >"$r/lib.go"
commit "$r" five 2023-01-06T03:04:05Z
"$GIT" -C "$r" checkout -q feature
echo 'package lib // feature' >"$r/lib.go"
commit "$r" feature 2023-01-07T03:04:05Z
"$GIT" -C "$r" checkout -q main
lib_four=$("$GIT" -C "$r" rev-parse v1.3.0-rc.1)
lib_two=$("$GIT" -C "$r" rev-parse v1.1.0^{commit})

# --- multi.git: a root module, a module in sub/ (tags sub/vX), and a v2
# module in the v2/ subdirectory; the root LICENSE goes into sub's zip.
r="$repos/team/multi.git"
git_repo "$r"
printf 'module git.corp.example/team/multi.git\n\ngo 1.20\n' >"$r/go.mod"
echo 'package multi' >"$r/multi.go"
echo 'root license' >"$r/LICENSE"
mkdir -p "$r/sub" "$r/v2"
printf 'module git.corp.example/team/multi.git/sub\n\ngo 1.20\n' >"$r/sub/go.mod"
echo 'package sub' >"$r/sub/sub.go"
printf 'module git.corp.example/team/multi.git/v2\n\ngo 1.20\n' >"$r/v2/go.mod"
echo 'package multi' >"$r/v2/multi.go"
commit "$r" one 2023-02-01T00:00:00Z
"$GIT" -C "$r" tag v1.0.0
"$GIT" -C "$r" tag sub/v0.1.0
echo 'package sub // 2' >"$r/sub/sub.go"
commit "$r" two 2023-02-02T00:00:00Z
atag "$r" sub/v0.2.0
"$GIT" -C "$r" tag v2.0.0
echo 'package sub // 3' >"$r/sub/sub.go"
commit "$r" three 2023-02-03T00:00:00Z

# --- major.git: v1 at first, then go.mod says /v2 at the root.
r="$repos/team/major.git"
git_repo "$r"
printf 'module git.corp.example/team/major.git\n\ngo 1.20\n' >"$r/go.mod"
echo 'package major' >"$r/major.go"
commit "$r" v1 2023-03-01T00:00:00Z
"$GIT" -C "$r" tag v1.0.0
printf 'module git.corp.example/team/major.git/v2\n\ngo 1.20\n' >"$r/go.mod"
commit "$r" v2 2023-03-02T00:00:00Z
"$GIT" -C "$r" tag v2.0.0
echo 'package major // 2.1' >"$r/major.go"
commit "$r" v2.1 2023-03-03T00:00:00Z
atag "$r" v2.1.0
echo 'package major // next' >"$r/major.go"
commit "$r" next 2023-03-04T00:00:00Z

# --- nomod.git: no go.mod at all; v2+ tags become +incompatible.
r="$repos/team/nomod.git"
git_repo "$r"
echo 'package nomod' >"$r/nomod.go"
commit "$r" one 2023-04-01T00:00:00Z
"$GIT" -C "$r" tag v1.0.0
echo 'package nomod // 2' >"$r/nomod.go"
commit "$r" two 2023-04-02T00:00:00Z
"$GIT" -C "$r" tag v2.0.0
echo 'package nomod // 3' >"$r/nomod.go"
commit "$r" three 2023-04-03T00:00:00Z
"$GIT" -C "$r" tag v3.1.0
echo 'package nomod // 4' >"$r/nomod.go"
commit "$r" four 2023-04-04T00:00:00Z

# --- Team/Upper.git: an uppercase module path (case-encoded as !team).
r="$repos/Team/Upper.git"
git_repo "$r"
printf 'module git.corp.example/Team/Upper.git\n\ngo 1.20\n' >"$r/go.mod"
echo 'package upper' >"$r/Upper.go"
commit "$r" one 2023-05-01T00:00:00Z
"$GIT" -C "$r" tag v0.1.0

# --- notags.git: no tags at all, and a default branch named trunk.
r="$repos/team/notags.git"
mkdir -p "$r"
"$GIT" -C "$r" init -q -b trunk
printf 'module git.corp.example/team/notags.git\n\ngo 1.20\n' >"$r/go.mod"
commit "$r" one 2023-08-01T00:00:00Z
"$GIT" -C "$r" branch other

cat >"$WORK/agent.toml" <<EOF
private = "git.corp.example"
list_ttl = "1s"
negative_ttl = "1s"
EOF
start_agent --cache-dir "$WORK/cache" --upstream off --config "$WORK/agent.toml"

lib=git.corp.example/team/lib.git
multi=git.corp.example/team/multi.git
major=git.corp.example/team/major.git
nomod=git.corp.example/team/nomod.git
upper=git.corp.example/Team/Upper.git
notags=git.corp.example/team/notags.git

mismatches=()
compared=0
mismatch() {
  echo "e2e: MISMATCH: $*" >&2
  mismatches+=("$*")
}

# in_mode direct|agent CMD...: runs CMD with that mode's go environment.
in_mode() {
  local mode=$1
  shift
  if [ "$mode" = direct ]; then
    GOPROXY=direct GOPRIVATE=git.corp.example GONOSUMDB=git.corp.example GOMODCACHE="$WORK/mc-direct" "$@"
  else
    GOPROXY="$AGENT_URL" GOPRIVATE= GONOPROXY= GONOSUMDB=git.corp.example GOMODCACHE="$WORK/mc-agent" "$@"
  fi
}

mkdir -p "$WORK/scratch"
(cd "$WORK/scratch" && "$GO" mod init example.com/scratch >/dev/null 2>&1)

# same_output WHAT CMD...: CMD's stdout and success must be the same both ways.
same_output() {
  local what=$1 d a rd=0 ra=0
  shift
  d=$(cd "$WORK/scratch" && in_mode direct "$@" 2>"$WORK/direct.stderr") || rd=$?
  a=$(cd "$WORK/scratch" && in_mode agent "$@" 2>"$WORK/via-agent.stderr") || ra=$?
  compared=$((compared + 1))
  if [ "$d" != "$a" ] || [ $((rd == 0)) != $((ra == 0)) ]; then
    mismatch "$what: direct [$d] (exit $rd: $(tail -1 "$WORK/direct.stderr")) agent [$a] (exit $ra: $(tail -1 "$WORK/via-agent.stderr"))"
  fi
  LAST_OUTPUT=$a
}

# summary FILE: Version Sum GoModSum of go mod download -json, or "error".
summary() {
  if grep -q '"Error"' "$1"; then
    echo error
  else
    echo "$(json_field "$1" Version) $(json_field "$1" Sum) $(json_field "$1" GoModSum)"
  fi
}

# origin FILE [KEY...]: Origin's fields (default: all but Ref) of go mod
# download -json, "KEY=value" each.
origin() {
  local f=$1 k
  shift
  [ $# -gt 0 ] || set -- VCS URL Subdir Hash TagPrefix TagSum
  for k in "$@"; do
    printf '%s=%s ' "$k" "$(sed -n "s/^\t\t\"$k\": \"\(.*\)\",\{0,1\}\$/\1/p" "$f")"
  done
}

# same_download M@QUERY [expect-error]: go mod download -json both ways.
same_download() {
  local q=$1 d a
  (cd "$WORK/scratch" && in_mode direct "$GO" mod download -json "$q" >"$WORK/d.json" 2>/dev/null) || true
  (cd "$WORK/scratch" && in_mode agent "$GO" mod download -json "$q" >"$WORK/a.json" 2>/dev/null) || true
  d=$(summary "$WORK/d.json")
  a=$(summary "$WORK/a.json")
  # Origin too, except where the go command resolves the query from the
  # version list (latest, v1, v1.2): a proxy's list carries no Origin, so go
  # drops it. Ref only for named queries: for a hash, go's own answer
  # depends on what its vcs cache holds.
  local q_version=${q#*@}
  if [ "$d" != error ] && [ "$q_version" != latest ] && ! [[ $q_version =~ ^v[0-9]+(\.[0-9]+)?$ ]]; then
    local keys=(VCS URL Subdir Hash TagPrefix TagSum)
    case "$q_version" in *[!0-9a-f]*) case "$q_version" in v*-*.*-[0-9a-f]*) ;; *) keys+=(Ref) ;; esac ;; esac
    d="$d $(origin "$WORK/d.json" "${keys[@]}")"
    a="$a $(origin "$WORK/a.json" "${keys[@]}")"
  fi
  compared=$((compared + 1))
  if [ "$d" != "$a" ]; then
    mismatch "go mod download $q: direct [$d] agent [$a] $(grep '"Error"' "$WORK/a.json" || true)"
  fi
  if [ "${2:-}" = expect-error ]; then
    [ "$d" = error ] || fail "setup: $q should not resolve in direct mode, got [$d]"
  else
    [ "$d" != error ] || fail "setup: $q does not resolve in direct mode: $(grep '"Error"' "$WORK/d.json")"
  fi
  LAST_DOWNLOAD=$a
}

# same_get M@QUERY: go get in a fresh module both ways; go.mod and go.sum equal.
same_get() {
  local q=$1 mode
  for mode in direct agent; do
    rm -rf "$WORK/get-$mode"
    mkdir -p "$WORK/get-$mode"
    (cd "$WORK/get-$mode" && "$GO" mod init example.com/get >/dev/null 2>&1 &&
      in_mode "$mode" "$GO" get "$q" >/dev/null 2>"$WORK/get-$mode.stderr") ||
      { cat "$WORK/get-$mode.stderr" >&2; mismatch "go get $q failed in $mode mode"; return; }
  done
  compared=$((compared + 1))
  cmp -s "$WORK/get-direct/go.mod" "$WORK/get-agent/go.mod" ||
    mismatch "go get $q: go.mod differs: $(diff "$WORK/get-direct/go.mod" "$WORK/get-agent/go.mod" | tr '\n' ' ')"
  cmp -s "$WORK/get-direct/go.sum" "$WORK/get-agent/go.sum" ||
    mismatch "go get $q: go.sum differs: $(diff "$WORK/get-direct/go.sum" "$WORK/get-agent/go.sum" | tr '\n' ' ')"
}

for m in "$lib" "$multi" "$multi/sub" "$multi/v2" "$major" "$major/v2" "$nomod" "$upper" "$notags"; do
  same_output "go list -m -versions $m" "$GO" list -m -versions "$m"
  same_output "go list -m -retracted -versions $m" "$GO" list -m -retracted -versions "$m"
done
# Pin the rules the cases are about (a case cannot pass by not exercising it).
same_output "versions" "$GO" list -m -versions "$lib"
expect_eq "lib versions (v1.1.0 retracted, v1.2 not canonical)" "$LAST_OUTPUT" "$lib v1.0.0 v1.2.0 v1.3.0-rc.1"
same_output "versions" "$GO" list -m -versions "$nomod"
expect_eq "nomod versions" "$LAST_OUTPUT" "$nomod v1.0.0 v2.0.0+incompatible v3.1.0+incompatible"

for q in v1.0.0 v1.1.0 v1.2.0 v1.3.0-rc.1 latest main feature HEAD "${lib_four:0:7}" "${lib_two:0:12}" "$lib_two" v1.2 v1; do
  same_download "$lib@$q"
done
same_download "$lib@v1.0.0"
expect_eq "lib@v1.0.0 resolves" "${LAST_DOWNLOAD%% *}" v1.0.0
same_download "$lib@main"
main_pseudo=${LAST_DOWNLOAD%% *}
case "$main_pseudo" in v1.3.0-rc.1.0.20230106030405-*) ;; *) fail "lib@main: want a pseudo-version after v1.3.0-rc.1, got [$main_pseudo]" ;; esac
same_download "$lib@$main_pseudo"
same_download "$lib@feature"
# Its newest ancestor tag, v1.1.0, is retracted: the base is v1.0.0.
case "${LAST_DOWNLOAD%% *}" in v1.0.1-0.20230107030405-*) ;; *) fail "lib@feature: want a pseudo-version after v1.0.0, got [$LAST_DOWNLOAD]" ;; esac
for q in v9.9.9 nosuchbranch v1.0.0+incompatible v2.0.0 "v1.1.1-0.20230107030405-000000000000"; do
  same_download "$lib@$q" expect-error
done
# The zip rules, as go applied them (files go extracted from the agent's zip).
d="$WORK/mc-agent/$lib@v1.0.0"
# vendor/modules.txt stays: the module says go 1.21 (before 1.24, see zip.go).
for f in go.mod lib.go LICENSE README.MD Docs/Guide.TXT cmd/tool/main.go tools/.hg/hgrc skipped.go text.crlf version.id vendor/modules.txt; do
  [ -f "$d/$f" ] || fail "lib@v1.0.0 through the agent: $f missing from the module"
done
for f in link.go cmd/linked.go nested/go.mod nested/a.go vendor/example.com/x/x.go; do
  [ ! -e "$d/$f" ] || fail "lib@v1.0.0 through the agent: $f should not be in the module"
done
grep -q $'\r' "$d/text.crlf" || fail "lib@v1.0.0: text.crlf should have CRLF line endings (eol=crlf)"
grep -q '\$Id: [0-9a-f]\{40\} \$' "$d/version.id" || fail "lib@v1.0.0: version.id should have its \$Id\$ expanded (ident)"

for q in v1.0.0 latest v2.0.0 main; do
  same_download "$multi@$q" "$([ "$q" = v2.0.0 ] && echo expect-error)"
done
for q in v0.1.0 v0.2.0 latest main; do
  same_download "$multi/sub@$q"
done
same_download "$multi/sub@v0.1.0"
[ -f "$WORK/mc-agent/$multi/sub@v0.1.0/LICENSE" ] || fail "multi/sub: the root LICENSE should be in the module"
for q in v2.0.0 latest main; do
  same_download "$multi/v2@$q"
done
for q in v1.0.0 latest v2.0.0; do
  same_download "$major@$q" "$([ "$q" = v2.0.0 ] && echo expect-error)"
done
for q in v2.0.0 v2.1.0 latest main v1.0.0; do
  same_download "$major/v2@$q" "$([ "$q" = v1.0.0 ] && echo expect-error)"
done
for q in v1.0.0 v2.0.0+incompatible v3.1.0+incompatible latest main v2.0.0; do
  same_download "$nomod@$q"
done
same_download "$nomod@main"
case "${LAST_DOWNLOAD%% *}" in v3.1.1-0.20230404000000-*+incompatible) ;; *) fail "nomod@main: want an +incompatible pseudo-version, got [$LAST_DOWNLOAD]" ;; esac
same_download "$upper@v0.1.0"
same_download "$upper@latest"
for q in latest trunk other HEAD; do
  same_download "$notags@$q"
done

for q in "$lib@v1.0.0" "$lib@latest" "$lib@feature" "$lib@${lib_four:0:9}" "$multi/sub@latest" "$multi/v2@v2.0.0" \
  "$major/v2@latest" "$nomod@latest" "$nomod@main" "$upper@latest" "$lib/cmd/tool@v1.2.0"; do
  same_get "$q"
done

# --- A tag pushed after the first fetch appears once list_ttl has passed.
r="$repos/team/lib.git"
echo 'package lib // six' >"$r/lib.go"
commit "$r" six 2023-01-08T03:04:05Z
"$GIT" -C "$r" tag v1.4.0
sleep 2
same_output "new tag: go list -m -versions $lib" "$GO" list -m -versions "$lib"
expect_eq "new tag listed" "$LAST_OUTPUT" "$lib v1.0.0 v1.2.0 v1.3.0-rc.1 v1.4.0"
same_download "$lib@latest"
expect_eq "new tag is latest" "${LAST_DOWNLOAD%% *}" v1.4.0

# --- A tag moved after the first fetch: the go command's module cache keeps
# what it first downloaded, and so does the agent (a fresh client gets the
# first content, so go.sum files made before the move still verify).
same_download "$lib@v1.0.0"
before=$LAST_DOWNLOAD
"$GIT" -C "$r" tag -f v1.0.0 v1.4.0 >/dev/null
sleep 2
rm -rf "$WORK/mc-agent"
same_download "$lib@v1.0.0"
expect_eq "moved tag, agent and direct (both with their caches)" "$LAST_DOWNLOAD" "$before"
fresh=$(cd "$WORK/scratch" && GOPROXY=direct GOPRIVATE=git.corp.example GOMODCACHE="$WORK/mc-fresh" "$GO" mod download -json "$lib@v1.0.0" >"$WORK/fresh.json" 2>/dev/null; summary "$WORK/fresh.json")
[ "$fresh" != "$before" ] || fail "setup: moving the tag did not change what a fresh direct download gets"

# --- gpx prefetch fills the agent with a project's private modules (the go
# command asks the agent for them: GONOPROXY=none, as gpx init sets it).
proj="$WORK/project"
mkdir -p "$proj"
cat >"$proj/go.mod" <<EOF
module example.com/app

go 1.21

require (
	$lib v1.2.0
	$multi/sub v0.2.0
	$nomod v3.1.0+incompatible
)
EOF
printf 'package main\n\nimport (\n\t_ "%s"\n\t_ "%s"\n\t_ "%s"\n)\n\nfunc main() {}\n' "$lib" "$multi/sub" "$nomod" >"$proj/main.go"
(cd "$proj" && GOPROXY="$AGENT_URL" GOPRIVATE=git.corp.example GONOPROXY=none GOMODCACHE="$WORK/mc-prefetch" "$GO" mod tidy >/dev/null 2>&1) ||
  fail "go mod tidy of the project through the agent failed"
GOPRIVATE=git.corp.example GONOPROXY=none "$GPX" prefetch "$proj" --agent "$AGENT_URL" >"$WORK/prefetch.out" 2>&1 ||
  { cat "$WORK/prefetch.out" >&2; fail "gpx prefetch of a project with private modules failed"; }
if grep -q 'private module versions\? left to the go command' "$WORK/prefetch.out"; then
  fail "gpx prefetch left private modules out: $(cat "$WORK/prefetch.out")"
fi

"$GPX" status --cache-dir "$WORK/cache" >"$WORK/status" 2>&1 || true
grep -q "^git:      6 mirrors, " "$WORK/status" || fail "gpx status does not show the git mirrors: $(cat "$WORK/status")"

# --- The git server is cut: every version served before is served again to
# a client with an empty module cache, lists still answer.
served=$(find "$WORK/cache/download" -name '*.zip' | wc -l)
[ "$served" -ge 20 ] || fail "expected at least 20 cached zips, found $served"
mv "$repos" "$WORK/repos-gone"
sleep 2
rm -rf "$WORK/mc-agent"
for q in "$lib@v1.0.0" "$lib@v1.2.0" "$lib@$main_pseudo" "$multi/sub@v0.2.0" "$multi/v2@v2.0.0" "$major/v2@v2.1.0" \
  "$nomod@v3.1.0+incompatible" "$upper@v0.1.0"; do
  (cd "$WORK/scratch" && in_mode agent "$GO" mod download -json "$q" >"$WORK/a.json" 2>"$WORK/via-agent.stderr") ||
    { cat "$WORK/a.json" >&2; fail "with the git server cut, go mod download $q failed through the agent"; }
done
(cd "$proj" && GOPROXY="$AGENT_URL" GOPRIVATE=git.corp.example GONOPROXY=none GOMODCACHE="$WORK/mc-offline" \
  "$GO" build ./... 2>"$WORK/build.err") || { cat "$WORK/build.err" >&2; fail "the prefetched project does not build with the git server cut"; }
list=$(cd "$WORK/scratch" && in_mode agent "$GO" list -m -versions "$lib") ||
  fail "with the git server cut, go list -m -versions failed through the agent"
expect_eq "list with the git server cut" "$list" "$lib v1.0.0 v1.2.0 v1.3.0-rc.1 v1.4.0"
grep -q 'git fetch failed, serving the mirror' "$WORK/agent.stderr" || fail "the agent did not say it served the mirror without its remote"
# Offline, a query never asked before is answered from the mirrors.
stop_agent
start_agent --cache-dir "$WORK/cache" --upstream off --config "$WORK/agent.toml" --offline
(cd "$WORK/scratch" && in_mode agent "$GO" mod download -json "$upper@main" >"$WORK/a.json" 2>/dev/null) ||
  { cat "$WORK/a.json" >&2; fail "offline, $upper@main was not answered from the mirror"; }
expect_eq "offline query from the mirror" "$(json_field "$WORK/a.json" Version)" v0.1.0
mv "$WORK/repos-gone" "$repos"
stop_agent

# --- "direct" in the upstream chain: a module that is not private comes
# from git the same way.
start_agent --cache-dir "$WORK/cache-direct" --upstream direct
(cd "$WORK/scratch" && GOPROXY="$AGENT_URL" GOPRIVATE= GONOPROXY= GONOSUMDB=git.corp.example GOMODCACHE="$WORK/mc-chain" \
  "$GO" mod download -json "$multi/sub@v0.1.0" >"$WORK/a.json" 2>/dev/null) || { cat "$WORK/a.json" >&2; fail "upstream direct: download failed"; }
(cd "$WORK/scratch" && GOPROXY=direct GOPRIVATE=git.corp.example GOMODCACHE="$WORK/mc-chain-direct" \
  "$GO" mod download -json "$multi/sub@v0.1.0" >"$WORK/d.json" 2>/dev/null) || fail "direct mode: download failed"
expect_eq "upstream direct against direct mode" "$(summary "$WORK/a.json")" "$(summary "$WORK/d.json")"

stop_agent

# --- kill -9 while the agent fetches a repository and builds its zip (a
# 40 MB file keeps it busy): after a restart on the same cache, nothing
# half-written is left in git/ and the module comes out as go makes it.
r="$repos/team/bulky.git"
git_repo "$r"
printf 'module git.corp.example/team/bulky.git\n\ngo 1.21\n' >"$r/go.mod"
mkdir -p "$r/testdata"
head -c 40000000 /dev/urandom >"$r/testdata/blob.bin"
commit "$r" bulky 2023-07-01T00:00:00Z
"$GIT" -C "$r" tag v1.0.0
bulky=git.corp.example/team/bulky.git
for delay in 0.2 0.8; do
  start_agent --cache-dir "$WORK/cache-kill" --upstream off --config "$WORK/agent.toml"
  curl -s -o /dev/null "$AGENT_URL/$bulky/@v/v1.0.0.zip" &
  sleep "$delay"
  kill -9 "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null || true
  AGENT_PID=
done
start_agent --cache-dir "$WORK/cache-kill" --upstream off --config "$WORK/agent.toml"
leftovers=$(find "$WORK/cache-kill/git" -name '*.lock' -o -name 'tmp_pack_*' -o -name 'tmp_idx_*' -o -name '.zip-*' | head -5)
[ -z "$leftovers" ] || fail "after kill -9 and a restart, git/ still holds: $leftovers"
same_download "$bulky@v1.0.0"
"$GPX" verify --cache-dir "$WORK/cache-kill" >"$WORK/verify.out" 2>&1 || { cat "$WORK/verify.out" >&2; fail "gpx verify after kill -9"; }
stop_agent

echo "e2e: $compared comparisons with the go command's direct mode"
if [ ${#mismatches[@]} -ne 0 ]; then
  fail "${#mismatches[@]} of $compared comparisons differ from direct mode"
fi
