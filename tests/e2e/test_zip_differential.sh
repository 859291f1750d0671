# Module zips and h1: hashes, gpx against the go command itself.
#
# Each case is a module tree committed to a local git repository and tagged;
# the real go command downloads it in direct mode (its own VCS fetch, no
# proxy, nothing beyond this machine) and `go mod download -json` records
# Sum and GoModSum. Then, for the same MODULE@VERSION:
#   - `gpx zip create` of the committed tree, hashed by `gpx zip hash`,
#     must equal Sum, and `gpx zip check` must accept that zip;
#   - `gpx zip hash` of the zip go itself stored in GOMODCACHE must equal Sum,
#     and `gpx zip check` must accept go's zip;
#   - `gpx mod hash` of the .mod file go stored (synthesized when the module
#     has no go.mod) must equal GoModSum.
# Trees that the go command refuses to zip must make `gpx zip create` fail
# too. Where go's direct mode and a directory walk differ by design (VCS
# directories and symlinked go.mod files committed below the root), only
# go's zip is compared. Last, zips made by git archive are served to go
# through GOPROXY=file://: gpx zip hash and gpx zip check must agree with
# what go hashes, accepts and refuses. Every mismatch is reported before
# the test fails.

use_direct_mode "$WORK/repos"
minor=$(go_minor)
[ -n "$minor" ] || fail "cannot tell the go command's version: $("$GO" env GOVERSION)"
echo "e2e: go command: $("$GO" env GOVERSION)"

repos="$WORK/repos"
trees="$WORK/trees"
mkdir -p "$WORK/gpx"
mismatches=()
cases=0

mismatch() {
  echo "e2e: MISMATCH: $*" >&2
  mismatches+=("$*")
}

# go_has NAME FILE... / go_lacks NAME FILE...: what the go command put into
# the zip, judged by the tree it extracted (DL_DIR). These pin down the rule
# each case is about, so a case cannot pass by not exercising it.
go_has() {
  local name=$1 f
  shift
  for f in "$@"; do
    [ -f "$DL_DIR/$f" ] || fail "$name: setup: the go command left out [$f]; the case does not test what it says"
  done
}
go_lacks() {
  local name=$1 f
  shift
  for f in "$@"; do
    [ ! -e "$DL_DIR/$f" ] || fail "$name: setup: the go command kept [$f]; the case does not test what it says"
  done
}

# explain NAME GPXZIP TREE: on a hash mismatch, which names differ between
# go's zip (as go extracted it) and gpx's (as gpx zip check lists it), and
# which files of the tree differ from go's copy.
explain() {
  local name=$1 zip=$2 tree=$3
  (cd "$DL_DIR" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$WORK/gpx/$name.go-files"
  "$GPX" zip check --json "$4" "$zip" >"$WORK/gpx/$name.gpx-check.json" 2>&1 || true
  echo "e2e: $name: files in go's zip:" >&2
  sed 's/^/    /' "$WORK/gpx/$name.go-files" >&2
  echo "e2e: $name: gpx zip check --json of gpx's zip:" >&2
  sed 's/^/    /' "$WORK/gpx/$name.gpx-check.json" >&2
  while IFS= read -r f; do
    cmp -s "$DL_DIR/$f" "$tree/$f" || echo "e2e: $name: [$f] in the tree differs from go's copy" >&2
  done <"$WORK/gpx/$name.go-files"
}

# same_as_go NAME MODULE@VERSION TREE: the differential check described at
# the top. TREE is what gpx zips: the committed tree of the module.
same_as_go() {
  local name=$1 mv=$2 tree=$3 out="$WORK/gpx/$1.zip" got rc
  cases=$((cases + 1))
  go_download "$mv"
  expect_eq "$name: go's Version" "$DL_VERSION" "${mv##*@}"
  [ -n "$DL_SUM" ] && [ -n "$DL_GOMODSUM" ] || fail "$name: go mod download -json gave no Sum/GoModSum"

  # gpx's zip of the tree.
  rc=0
  "$GPX" zip create "$mv" "$tree" -o "$out" 2>"$WORK/gpx/$name.stderr" || rc=$?
  if [ $rc -ne 0 ]; then
    mismatch "$name: gpx zip create $mv failed (exit $rc): $(cat "$WORK/gpx/$name.stderr"); go's Sum is $DL_SUM"
  else
    got=$("$GPX" zip hash "$out" 2>&1) || got="exit $?: $got"
    if [ "$got" != "$DL_SUM" ]; then
      mismatch "$name: gpx zip hash of gpx zip create $mv: got [$got], want go's Sum [$DL_SUM]"
      explain "$name" "$out" "$tree" "$mv"
    fi
    rc=0
    "$GPX" zip check "$mv" "$out" 2>"$WORK/gpx/$name.stderr" || rc=$?
    [ $rc -eq 0 ] || mismatch "$name: gpx zip check $mv rejects gpx's own zip (exit $rc): $(cat "$WORK/gpx/$name.stderr")"
  fi

  # go's own zip.
  got=$("$GPX" zip hash "$DL_ZIP" 2>&1) || got="exit $?: $got"
  [ "$got" = "$DL_SUM" ] || mismatch "$name: gpx zip hash of go's zip $DL_ZIP: got [$got], want [$DL_SUM]"
  rc=0
  "$GPX" zip check "$mv" "$DL_ZIP" 2>"$WORK/gpx/$name.stderr" || rc=$?
  [ $rc -eq 0 ] || mismatch "$name: gpx zip check $mv rejects go's own zip (exit $rc): $(cat "$WORK/gpx/$name.stderr")"

  # The go.mod go stored, and the tree's own go.mod (the same bytes).
  got=$("$GPX" mod hash "$DL_GOMOD" 2>&1) || got="exit $?: $got"
  [ "$got" = "$DL_GOMODSUM" ] || mismatch "$name: gpx mod hash of go's $DL_GOMOD: got [$got], want GoModSum [$DL_GOMODSUM]"
  if [ -f "$tree/go.mod" ]; then
    got=$("$GPX" mod hash "$tree/go.mod" 2>&1) || got="exit $?: $got"
    [ "$got" = "$DL_GOMODSUM" ] || mismatch "$name: gpx mod hash of the tree's go.mod: got [$got], want GoModSum [$DL_GOMODSUM]"
  fi
}

# refused_by_both NAME MODULE@VERSION TREE FILE [OTHER]: the go command
# refuses to zip the tree, so gpx zip create must fail too: exit 1, a reason
# naming FILE (or OTHER, the other half of a collision) on stderr, and no
# output left behind.
refused_by_both() {
  local name=$1 mv=$2 tree=$3 file=$4 other=${5:-$4} out="$WORK/gpx/$1.zip" rc=0
  cases=$((cases + 1))
  if "$GO" mod download -json "$mv" >"$WORK/gpx/$name.go.json" 2>&1; then
    fail "$name: setup: the go command accepted $mv; the case does not test what it says"
  fi
  "$GPX" zip create "$mv" "$tree" -o "$out" 2>"$WORK/gpx/$name.stderr" || rc=$?
  if [ $rc -ne 1 ]; then
    mismatch "$name: gpx zip create $mv: exit $rc, want 1 (go refuses: $(json_field "$WORK/gpx/$name.go.json" Error))"
  elif ! grep -qF -e "$file" -e "$other" "$WORK/gpx/$name.stderr"; then
    mismatch "$name: gpx zip create $mv: the reason does not name [$file]: $(cat "$WORK/gpx/$name.stderr")"
  fi
  if [ $rc -ne 0 ] && [ -e "$out" ]; then
    mismatch "$name: gpx zip create $mv failed but left $out behind"
  fi
}

# add_to_tree TREE: things that are not in any commit (git cannot hold
# them) but that a directory handed to gpx zip create may have, none of
# which may reach the zip: VCS directories below the root, empty
# directories, a named pipe.
add_to_tree() {
  mkdir -p "$1/x/.hg" "$1/x/.svn" "$1/x/.bzr" "$1/x/.git" "$1/empty/deeper" "$1/x/empty"
  echo '[paths]' >"$1/x/.hg/hgrc"
  echo 'svn' >"$1/x/.svn/entries"
  echo 'bzr' >"$1/x/.bzr/branch-format"
  echo '[core]' >"$1/x/.git/config"
  mkfifo "$1/fifo"
}

# ---------------------------------------------------------------------------
# lib.git: nested modules, symlinks, excluded files; and three modules in
# subdirectories of the same repository.
r="$repos/team/lib.git"
git_repo "$r"
(
  cd "$r"
  printf 'module git.corp.example/team/lib.git\n\ngo 1.18\n' >go.mod
  echo 'Root license' >LICENSE
  printf 'package lib\n\nconst Name = "lib"\n' >lib.go
  echo '# lib' >README.md
  # Written by hg archive; dropped at the module root only.
  printf 'repo: 0123\nnode: 4567\n' >.hg_archival.txt
  mkdir -p x && echo 'not at the root: kept' >x/.hg_archival.txt && echo 'package x' >x/x.go
  # A nested module, left out of lib.git and itself a module tagged sub/v1.0.0,
  # without a LICENSE of its own (and with an .hg_archival.txt at its root).
  mkdir -p sub/deep
  printf 'module git.corp.example/team/lib.git/sub\n\ngo 1.18\n' >sub/go.mod
  echo 'package sub' >sub/sub.go
  echo 'package deep' >sub/deep/deep.go
  echo 'archival' >sub/.hg_archival.txt
  # A nested module with its own LICENSE, tagged other/v1.2.0.
  mkdir -p other
  printf 'module git.corp.example/team/lib.git/other\n\ngo 1.18\n' >other/go.mod
  echo 'Other license' >other/LICENSE
  echo 'package other' >other/other.go
  # A nested module whose LICENSE is a symlink to the root one, tagged
  # lnklic/v1.0.0: it has a LICENSE, so go adds none, and the symlink itself
  # is left out, so its zip has no LICENSE at all.
  mkdir -p lnklic
  printf 'module git.corp.example/team/lib.git/lnklic\n\ngo 1.18\n' >lnklic/go.mod
  ln -s ../LICENSE lnklic/LICENSE
  echo 'package lnklic' >lnklic/l.go
  # go.mod in another case still makes a directory a nested module.
  mkdir -p caps && printf 'module caps\n' >caps/Go.Mod && echo 'package caps' >caps/c.go
  # A directory named go.mod is no module.
  mkdir -p gomoddir/go.mod && echo 'kept' >gomoddir/go.mod/file.txt
  # Symlinks to a file, to a directory, to nowhere, out of the tree, and a loop.
  ln -s lib.go link.go
  ln -s x linkdir
  ln -s nowhere dangling
  ln -s /etc outside
  ln -s .. x/up
)
git_commit "$r" "lib v1.0.0"
"$GIT" -C "$r" tag v1.0.0
"$GIT" -C "$r" tag sub/v1.0.0
"$GIT" -C "$r" tag other/v1.2.0
"$GIT" -C "$r" tag lnklic/v1.0.0

git_export "$r" v1.0.0 "$trees/lib"
add_to_tree "$trees/lib"
same_as_go lib git.corp.example/team/lib.git@v1.0.0 "$trees/lib"
go_has lib go.mod LICENSE lib.go README.md x/.hg_archival.txt x/x.go gomoddir/go.mod/file.txt
go_lacks lib .hg_archival.txt sub caps link.go linkdir dangling outside x/up lnklic other

# A module in a repository subdirectory: the go command zips the committed
# tree of sub/ and, since sub/ has no LICENSE, adds the repository root's
# LICENSE (cmd/go/internal/modfetch/coderepo.go, codeRepo.Zip). gpx zip
# create sees a directory, so the tree handed to it is sub/ as committed
# with the root LICENSE copied in.
git_export "$r" sub/v1.0.0 "$trees/sub" sub
"$GIT" -C "$r" show sub/v1.0.0:LICENSE >"$trees/sub/LICENSE"
same_as_go sub git.corp.example/team/lib.git/sub@v1.0.0 "$trees/sub"
go_has sub go.mod LICENSE sub.go deep/deep.go
go_lacks sub .hg_archival.txt
expect_eq "sub: LICENSE go added" "$(cat "$DL_DIR/LICENSE")" "Root license"

# A subdirectory module with a LICENSE of its own keeps it.
git_export "$r" other/v1.2.0 "$trees/other" other
same_as_go other git.corp.example/team/lib.git/other@v1.2.0 "$trees/other"
expect_eq "other: its own LICENSE" "$(cat "$DL_DIR/LICENSE")" "Other license"

# A subdirectory module whose LICENSE is a symlink: no LICENSE at all.
git_export "$r" lnklic/v1.0.0 "$trees/lnklic" lnklic
[ -L "$trees/lnklic/LICENSE" ] || fail "lnklic: setup: LICENSE is not a symlink in the tree"
same_as_go lnklic git.corp.example/team/lib.git/lnklic@v1.0.0 "$trees/lnklic"
go_lacks lnklic LICENSE

# ---------------------------------------------------------------------------
# Vendored packages. Before go 1.24 (the go line of the module's go.mod, not
# the go command's version) x/mod's isVendoredPackage keeps
# vendor/modules.txt and, by a bug kept for checksum compatibility, drops
# every file below any "/vendor/" (a/vendor/b.go too). From go 1.24 on
# (Go 1.24's x/mod), vendor/modules.txt goes and a/vendor/b.go stays.
make_vendor_tree() {
  mkdir -p "$1/vendor/x/deeper" "$1/a/vendor/c" "$1/longdirname/vendor" "$1/pkg/vendor" \
    "$1/vendorx" "$1/notvendor"
  echo '# example.com/x v1.0.0' >"$1/vendor/modules.txt"
  echo 'package vendor' >"$1/vendor/z.go"
  echo 'package x' >"$1/vendor/x/y.go"
  echo 'package deeper' >"$1/vendor/x/deeper/w.go"
  echo 'package vendor' >"$1/a/vendor/b.go"
  echo 'package c' >"$1/a/vendor/c/d.go"
  echo 'package vendor' >"$1/longdirname/vendor/keep.go"
  echo 'package vendor' >"$1/pkg/vendor/vendor.go"
  echo 'package vendorx' >"$1/vendorx/v.go"
  echo 'package notvendor' >"$1/notvendor/vendor.go"
  echo 'package a' >"$1/a/vendor.go"
}
old_vendor_kept=(vendor/modules.txt vendor/z.go vendorx/v.go notvendor/vendor.go a/vendor.go)
old_vendor_dropped=(vendor/x/y.go vendor/x/deeper/w.go a/vendor/b.go a/vendor/c/d.go
  longdirname/vendor/keep.go pkg/vendor/vendor.go)
new_vendor_kept=(vendor/z.go vendorx/v.go notvendor/vendor.go a/vendor.go a/vendor/b.go
  longdirname/vendor/keep.go pkg/vendor/vendor.go)
new_vendor_dropped=(vendor/modules.txt vendor/x/y.go vendor/x/deeper/w.go a/vendor/c/d.go)

r="$repos/team/vendor.git"
git_repo "$r"
make_vendor_tree "$r"
# v1.0.0: go 1.18; v1.1.0: go 1.23.4 (still the old rules); v1.2.0: go 1.24;
# v1.3.0: go 1.24rc1 (its language version is go1.24).
for tag_go in v1.0.0:1.18 v1.1.0:1.23.4 v1.2.0:1.24 v1.3.0:1.24rc1; do
  printf 'module git.corp.example/team/vendor.git\n\ngo %s\n' "${tag_go#*:}" >"$r/go.mod"
  git_commit "$r" "go ${tag_go#*:}"
  "$GIT" -C "$r" tag "${tag_go%%:*}"
done
for v in v1.0.0 v1.1.0; do
  git_export "$r" $v "$trees/vendor-$v"
  same_as_go "vendor-$v" "git.corp.example/team/vendor.git@$v" "$trees/vendor-$v"
  go_has "vendor-$v" "${old_vendor_kept[@]}"
  go_lacks "vendor-$v" "${old_vendor_dropped[@]}"
done
if [ "$minor" -ge 24 ]; then
  for v in v1.2.0 v1.3.0; do
    git_export "$r" $v "$trees/vendor-$v"
    same_as_go "vendor-$v" "git.corp.example/team/vendor.git@$v" "$trees/vendor-$v"
    go_has "vendor-$v" "${new_vendor_kept[@]}"
    go_lacks "vendor-$v" "${new_vendor_dropped[@]}"
  done
else
  # This go command predates the go 1.24 rule and would zip these versions
  # by the old one, as gpx must not (Go 1.24+ clients are the reference).
  echo "e2e: note: go1.$minor predates the go 1.24 vendoring rule; vendor.git v1.2.0 and v1.3.0 not compared"
fi

# ---------------------------------------------------------------------------
# files.git: binary, large, empty and CRLF files, executable bits, names
# with spaces, unicode letters, uppercase letters and every punctuation
# character a module file name may have; plus (not committed) empty
# directories, VCS directories and a named pipe.
r="$repos/team/files.git"
git_repo "$r"
(
  cd "$r"
  printf 'module git.corp.example/team/files.git\n\ngo 1.18\n' >go.mod
  # Every byte value, twice, in both orders.
  # shellcheck disable=SC2059
  printf "$(printf '\\%03o' $(seq 0 255) $(seq 255 -1 0))" >bin.dat
  head -c 3145729 /dev/urandom >big.bin
  : >empty.txt
  printf 'line one\r\nline two\r\n' >crlf.txt
  printf '#!/bin/sh\necho hi\n' >exec.sh && chmod 755 exec.sh
  echo 'space' >"with space.txt"
  mkdir -p "dir with space" && echo 'space' >"dir with space/file name.txt"
  mkdir -p 日本語 && echo 'katakana' >日本語/ファイル.txt
  echo 'umlaut' >Ärger.md
  # Simple case folding: ß and ss do not collide; the titlecase ǅ stands alone.
  echo 'sharp s' >ß.txt
  echo 'double s' >ss.txt
  echo 'titlecase' >ǅ.txt
  echo 'upper' >UPPER.TXT
  echo 'readme' >README
  mkdir -p MixedCase && echo 'package mixedcase' >MixedCase/File.go
  echo 'punctuation' >'punct !#$%&()+,-.=@[]^_{}~.txt'
  echo 'hidden' >.hidden
  mkdir -p deep/a/b/c/d/e && echo 'deep' >deep/a/b/c/d/e/f.txt
)
git_commit "$r" "files v1.0.0"
"$GIT" -C "$r" tag v1.0.0
git_export "$r" v1.0.0 "$trees/files"
add_to_tree "$trees/files"
[ "$(wc -c <"$trees/files/big.bin")" -eq 3145729 ] || fail "files: setup: big.bin not exported whole"
same_as_go files git.corp.example/team/files.git@v1.0.0 "$trees/files"
go_has files bin.dat big.bin empty.txt crlf.txt exec.sh "with space.txt" "dir with space/file name.txt" \
  日本語/ファイル.txt Ärger.md ß.txt ss.txt ǅ.txt UPPER.TXT README MixedCase/File.go \
  'punct !#$%&()+,-.=@[]^_{}~.txt' .hidden deep/a/b/c/d/e/f.txt
cmp -s "$DL_DIR/crlf.txt" "$trees/files/crlf.txt" || fail "files: setup: go changed the CRLF file"

# ---------------------------------------------------------------------------
# Uppercase letters in the module path: the zip's names carry the path as
# is (only the cache and proxy URLs case-escape it).
r="$repos/Team/Lib.git"
git_repo "$r"
printf 'module git.corp.example/Team/Lib.git\n\ngo 1.18\n' >"$r/go.mod"
echo 'package Lib' >"$r/Upper.go"
echo '# Lib' >"$r/README.MD"
git_commit "$r" "Lib v1.0.0"
"$GIT" -C "$r" tag v1.0.0
git_export "$r" v1.0.0 "$trees/Lib"
same_as_go upper-path git.corp.example/Team/Lib.git@v1.0.0 "$trees/Lib"
case "$DL_ZIP" in */'!team/!lib.git/@v/v1.0.0.zip') ;; *) fail "upper-path: setup: go's zip not case-escaped: $DL_ZIP" ;; esac

# ---------------------------------------------------------------------------
# Major versions: /v2 declared by the go.mod at the repository root ...
r="$repos/team/v2root.git"
git_repo "$r"
printf 'module git.corp.example/team/v2root.git\n\ngo 1.18\n' >"$r/go.mod"
echo 'package v2root' >"$r/root.go"
echo 'License' >"$r/LICENSE"
git_commit "$r" "v1"
"$GIT" -C "$r" tag v1.0.0
printf 'module git.corp.example/team/v2root.git/v2\n\ngo 1.18\n' >"$r/go.mod"
echo 'package v2root // v2' >"$r/root.go"
git_commit "$r" "v2" 2023-02-03T04:05:06Z
"$GIT" -C "$r" tag v2.1.0
git_export "$r" v1.0.0 "$trees/v2root-v1"
same_as_go v2root-v1 git.corp.example/team/v2root.git@v1.0.0 "$trees/v2root-v1"
git_export "$r" v2.1.0 "$trees/v2root-v2"
same_as_go v2root-v2 git.corp.example/team/v2root.git/v2@v2.1.0 "$trees/v2root-v2"

# ... and by a v2/ subdirectory, tagged v2.0.0 without a prefix. The go
# command zips the v2/ tree and, v2/ being a subdirectory without a
# LICENSE, adds the root LICENSE, as for sub/ above.
r="$repos/team/v2sub.git"
git_repo "$r"
printf 'module git.corp.example/team/v2sub.git\n\ngo 1.18\n' >"$r/go.mod"
echo 'package v2sub' >"$r/root.go"
echo 'v2sub license' >"$r/LICENSE"
mkdir -p "$r/v2"
printf 'module git.corp.example/team/v2sub.git/v2\n\ngo 1.18\n' >"$r/v2/go.mod"
echo 'package v2sub // v2' >"$r/v2/v2.go"
git_commit "$r" "v1 and v2"
"$GIT" -C "$r" tag v1.0.0
"$GIT" -C "$r" tag v2.0.0
git_export "$r" v1.0.0 "$trees/v2sub-v1"
same_as_go v2sub-v1 git.corp.example/team/v2sub.git@v1.0.0 "$trees/v2sub-v1"
go_lacks v2sub-v1 v2
git_export "$r" v2.0.0 "$trees/v2sub-v2" v2
"$GIT" -C "$r" show v2.0.0:LICENSE >"$trees/v2sub-v2/LICENSE"
same_as_go v2sub-v2 git.corp.example/team/v2sub.git/v2@v2.0.0 "$trees/v2sub-v2"
go_has v2sub-v2 go.mod v2.go LICENSE

# ---------------------------------------------------------------------------
# No go.mod: v1.0.0, and v2.0.0 which is v2.0.0+incompatible. The go
# command serves the synthesized .mod "module PATH\n". With no go line the
# old vendoring rules apply; a nested module is still left out.
r="$repos/team/nomod.git"
git_repo "$r"
(
  cd "$r"
  echo 'package nomod' >nomod.go
  echo 'nomod license' >LICENSE
  mkdir -p vendor/m nested
  echo '# example.com/m v1.0.0' >vendor/modules.txt
  echo 'package m' >vendor/m/m.go
  printf 'module git.corp.example/team/nomod.git/nested\n' >nested/go.mod
  echo 'package nested' >nested/n.go
)
git_commit "$r" "nomod v1"
"$GIT" -C "$r" tag v1.0.0
echo 'package nomod // v2' >"$r/nomod.go"
git_commit "$r" "nomod v2" 2023-02-03T04:05:06Z
"$GIT" -C "$r" tag v2.0.0
for v in v1.0.0 v2.0.0+incompatible; do
  git_export "$r" "${v%+incompatible}" "$trees/nomod-$v"
  same_as_go "nomod-$v" "git.corp.example/team/nomod.git@$v" "$trees/nomod-$v"
  expect_eq "nomod-$v: go's synthesized .mod" "$(cat "$DL_GOMOD")" "module git.corp.example/team/nomod.git"
  expect_eq "nomod-$v: .mod ends in one newline" "$(tail -c1 "$DL_GOMOD" | od -An -c | tr -d ' ')" '\n'
  go_has "nomod-$v" nomod.go LICENSE vendor/modules.txt
  go_lacks "nomod-$v" go.mod vendor/m/m.go nested
done

# ---------------------------------------------------------------------------
# Where go's direct mode and a directory differ. The go command zips a git
# commit with x/mod's zip.Create over `git archive` (coderepo.go), not with
# zip.CreateFromDir: .hg/.svn/.bzr directories committed below the root stay
# in its zip, and a directory whose go.mod is a symlink is no nested module.
# gpx zip create follows CreateFromDir, which leaves both out, so only the
# zip go made is compared here: gpx must hash it to Sum and accept it.
r="$repos/team/vcsdirs.git"
git_repo "$r"
(
  cd "$r"
  printf 'module git.corp.example/team/vcsdirs.git\n\ngo 1.18\n' >go.mod
  mkdir -p a/.hg a/.svn a/.bzr lnk
  echo 'package a' >a/a.go
  echo '[paths]' >a/.hg/hgrc
  echo 'svn' >a/.svn/entries
  echo 'bzr' >a/.bzr/branch-format
  ln -s ../go.mod lnk/go.mod
  echo 'package lnk' >lnk/l.go
)
git_commit "$r" "vcsdirs v1.0.0"
"$GIT" -C "$r" tag v1.0.0
cases=$((cases + 1))
mv=git.corp.example/team/vcsdirs.git@v1.0.0
go_download "$mv"
go_has vcsdirs a/a.go a/.hg/hgrc a/.svn/entries a/.bzr/branch-format lnk/l.go
got=$("$GPX" zip hash "$DL_ZIP" 2>&1) || got="exit $?: $got"
[ "$got" = "$DL_SUM" ] || mismatch "vcsdirs: gpx zip hash of go's zip: got [$got], want [$DL_SUM]"
"$GPX" zip check "$mv" "$DL_ZIP" 2>"$WORK/gpx/vcsdirs.stderr" ||
  mismatch "vcsdirs: gpx zip check rejects go's own zip: $(cat "$WORK/gpx/vcsdirs.stderr")"
got=$("$GPX" mod hash "$DL_GOMOD" 2>&1) || got="exit $?: $got"
[ "$got" = "$DL_GOMODSUM" ] || mismatch "vcsdirs: gpx mod hash: got [$got], want [$DL_GOMODSUM]"

# ---------------------------------------------------------------------------
# Trees the go command refuses to zip: a character no module file name may
# have, a character that is no letter, and names equal under Unicode
# simple case folding (ASCII, and the Kelvin sign K, which folds to k).
refuse() {
  local name=$1 file=$2 other=${3:-}
  r="$repos/team/$name.git"
  git_repo "$r"
  printf 'module git.corp.example/team/%s.git\n\ngo 1.18\n' "$name" >"$r/go.mod"
  echo 'bad' >"$r/$file"
  [ -z "$other" ] || echo 'other' >"$r/$other"
  git_commit "$r" "$name v1.0.0"
  "$GIT" -C "$r" tag v1.0.0
  git_export "$r" v1.0.0 "$trees/$name"
  refused_by_both "$name" "git.corp.example/team/$name.git@v1.0.0" "$trees/$name" "$file" "$other"
}
refuse colon 'bad:colon.txt'
refuse emoji 'smile😀.txt'
refuse collide readme.md README.md
refuse kelvin $'\xe2\x84\xaa''elvin.txt' kelvin.txt

# ---------------------------------------------------------------------------
# Zips as a proxy serves them, made by `git archive` (so with directory
# entries, symlink entries, and whatever names a test wants), served to the
# go command by a GOPROXY=file:// directory. go mod download hashes the zip
# (Sum, directory entries included) and then checks and extracts it: what
# it accepts, gpx zip check must accept and gpx zip hash must hash the
# same; what it refuses, gpx zip check must refuse (exit 1, naming the file).
fileproxy="$WORK/fileproxy"
mkdir -p "$fileproxy/example.com/handmade/@v"
export GOPROXY="file://$fileproxy"
# served VERSION accept|refuse [NAME...]: the files in $hm, committed and
# archived as example.com/handmade@VERSION (or $hm_prefix_version, if set),
# served and judged. NAMEs: the files a refusal must name (any of them).
served() {
  local v=$1 want=$2 mv="example.com/handmade@$1" at="$fileproxy/example.com/handmade/@v/$1" got rc=0
  shift 2
  cases=$((cases + 1))
  git_commit "$hm" "handmade $v"
  "$GIT" -C "$hm" archive --format=zip --prefix="example.com/handmade@${hm_prefix_version:-$v}/" HEAD >"$at.zip"
  printf 'module example.com/handmade\n' >"$at.mod"
  printf '{"Version":"%s","Time":"2023-01-02T03:04:05Z"}\n' "$v" >"$at.info"
  if [ "$want" = accept ]; then
    go_download "$mv"
    got=$("$GPX" zip hash "$at.zip" 2>&1) || got="exit $?: $got"
    [ "$got" = "$DL_SUM" ] || mismatch "handmade-$v: gpx zip hash of the served zip: got [$got], want go's Sum [$DL_SUM]"
    "$GPX" zip check "$mv" "$at.zip" 2>"$WORK/gpx/handmade.stderr" ||
      mismatch "handmade-$v: gpx zip check rejects a zip go accepts: $(cat "$WORK/gpx/handmade.stderr")"
    return
  fi
  if "$GO" mod download -json "$mv" >"$WORK/gpx/handmade.go.json" 2>&1; then
    fail "handmade-$v: setup: the go command accepted the zip; the case does not test what it says"
  fi
  "$GPX" zip check "$mv" "$at.zip" 2>"$WORK/gpx/handmade.stderr" || rc=$?
  if [ $rc -ne 1 ]; then
    mismatch "handmade-$v: gpx zip check: exit $rc, want 1 (go refuses: $(json_field "$WORK/gpx/handmade.go.json" Error))"
    return
  fi
  local name
  for name in "$@"; do
    grep -qF -- "$name" "$WORK/gpx/handmade.stderr" && return
  done
  mismatch "handmade-$v: gpx zip check: the reason names none of [$*]: $(cat "$WORK/gpx/handmade.stderr")"
}
hm="$WORK/handmade"
git_repo "$hm"
(
  cd "$hm"
  printf 'module example.com/handmade\n' >go.mod
  mkdir -p dir/inner vendor/x
  echo 'package inner' >dir/inner/i.go
  echo 'package x' >vendor/x/y.go
  ln -s dir/inner/i.go link.go
  mkdir -p a/.hg && echo '[paths]' >a/.hg/hgrc
)
# Directory entries, a vendored file, a symlink entry, a VCS directory: a
# zip go takes as it is.
served v1.0.0 accept
# Names equal under case folding.
echo one >"$hm/README.md" && echo two >"$hm/readme.md"
served v1.0.1 refuse README.md readme.md
rm "$hm/README.md" "$hm/readme.md"
# Entries under another version's prefix.
hm_prefix_version=v1.0.9 served v1.0.2 refuse example.com/handmade@v1.0.9/
# A character no file name may have.
echo colon >"$hm/a:b.txt"
served v1.0.3 refuse 'a:b.txt'
rm "$hm/a:b.txt"
# go.mod spelled otherwise at the root, and a go.mod below it.
mv "$hm/go.mod" "$hm/GO.MOD"
served v1.0.4 refuse GO.MOD
mv "$hm/GO.MOD" "$hm/go.mod"
printf 'module example.com/handmade/sub\n' >"$hm/dir/go.mod"
served v1.0.5 refuse dir/go.mod
rm "$hm/dir/go.mod"
# A LICENSE over 16 MiB.
head -c $(((16 << 20) + 1)) /dev/zero >"$hm/LICENSE"
served v1.0.6 refuse LICENSE
rm "$hm/LICENSE"

# ---------------------------------------------------------------------------
if [ ${#mismatches[@]} -gt 0 ]; then
  printf 'e2e:   %s\n' "${mismatches[@]}" >&2
  fail "${#mismatches[@]} mismatch(es) between gpx and $("$GO" env GOVERSION) in $cases cases"
fi
echo "e2e: $cases cases agree with $("$GO" env GOVERSION)"
