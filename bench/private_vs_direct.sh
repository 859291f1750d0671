#!/usr/bin/env bash
# Private modules from git: `go mod download` of private module versions
# into an empty module cache, through the agent with a warm cache, against
# the go command's own direct mode (git, as without gpx). Everything runs
# side by side in one run, on this machine only, and is reported as ratios.
#
#   bash bench/private_vs_direct.sh
#
# The repositories are local (file:// behind url.insteadOf), so direct mode
# pays no network latency here: its figures are a floor, and a real git
# server over a WAN only widens the gap.
#
# Knobs (environment):
#   GPX=path/to/gpx   binary to measure (default: a Release build)
#   REPOS=10          private repositories
#   VERSIONS=3        tagged versions each
#   GO_RUNS=5         runs per mode (alternating order; median)
#   KEEP=1            keep the temp dir
#
# Not part of the test suite; never gates anything.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
REPOS=${REPOS:-10}
VERSIONS=${VERSIONS:-3}
GO_RUNS=${GO_RUNS:-5}

BENCH_NAME=private_vs_direct
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

command -v go >/dev/null 2>&1 || die "no go on PATH"
command -v git >/dev/null 2>&1 || die "no git on PATH (apt-get install git)"
GO=$(command -v go)
build_gpx
make_tmp

# One HOME for git and the agent: url.insteadOf maps the private host to
# the local repositories, for git (direct mode) and libgit2 (the agent).
home=$tmp/home
mkdir -p "$home"
export HOME=$home GIT_CONFIG_NOSYSTEM=1
for scheme in https ssh git+ssh; do
  git config --global --add "url.file://$tmp/repos/.insteadOf" "$scheme://git.corp.example/"
done
git config --global protocol.file.allow always
git config --global user.email bench@example.com
git config --global user.name bench

say "making $REPOS repositories with $VERSIONS tags each in $tmp/repos"
mods=()
for ((r = 1; r <= REPOS; r++)); do
  name=$(printf 'lib%02d' "$r")
  d=$tmp/repos/team/$name.git
  mod=git.corp.example/team/$name.git
  mkdir -p "$d/internal/util"
  git -C "$d" init -q -b main
  printf 'module %s\n\ngo 1.21\n' "$mod" >"$d/go.mod"
  printf 'MIT License\n' >"$d/LICENSE"
  for ((v = 0; v < VERSIONS; v++)); do
    printf 'package %s\n\nconst Version = "v1.%d.0"\n' "$name" "$v" >"$d/lib.go"
    {
      printf 'package util\n\n'
      for ((f = 0; f < 400; f++)); do
        printf 'func F%d(x int) int { return x*%d + %d } // %s\n' "$f" "$f" "$v" "$(printf '%040d' "$f")"
      done
    } >"$d/internal/util/util.go"
    git -C "$d" add -A
    GIT_COMMITTER_DATE="2024-01-0$((v + 1))T00:00:00Z" git -C "$d" commit -q -m "v1.$v.0"
    git -C "$d" tag "v1.$v.0"
    mods+=("$mod@v1.$v.0")
  done
done

a=$tmp/agent
mkdir -p "$a"
printf 'private = "git.corp.example"\n' >"$a/config.toml"
"$GPX" agent run --listen 127.0.0.1:0 --cache-dir "$a/cache" --upstream off --config "$a/config.toml" \
  >"$a/out" 2>"$a/err" &
pids+=($!)
for _ in $(seq 100); do
  AGENT_URL=$(head -n1 "$a/out" 2>/dev/null | sed -n 's/^gpx agent listening on //p')
  [[ -n $AGENT_URL ]] && break
  sleep 0.1
done
[[ -n ${AGENT_URL:-} ]] || { cat "$a/err" >&2; die "the agent did not start"; }

# go_download MODE [vcs-cache-dir]: seconds for `go mod download` of every
# version into an empty module cache.
go_download() {
  local mode=$1 d t0 t1
  d=$(mktemp -d "$tmp/go.XXXXXX")
  mkdir -p "$d/work"
  if [[ $mode == direct-warm ]]; then
    # go's own git clones kept from an earlier run (GOMODCACHE/cache/vcs).
    mkdir -p "$d/modcache/cache"
    cp -a "$tmp/vcs-cache" "$d/modcache/cache/vcs"
  fi
  local env=(GOPROXY="$AGENT_URL" GOPRIVATE= GONOPROXY= GONOSUMDB=git.corp.example)
  [[ $mode == direct* ]] && env=(GOPROXY=direct GOPRIVATE=git.corp.example GONOPROXY= GONOSUMDB=)
  t0=$(date +%s.%N)
  (cd "$d/work" && env "${env[@]}" GOENV=off GOPATH="$d/gopath" GOMODCACHE="$d/modcache" \
    GOCACHE="$d/gocache" GOSUMDB=off GOFLAGS=-modcacherw GOTOOLCHAIN=local GO111MODULE=on GOWORK=off \
    "$GO" mod download "${mods[@]}") >"$d/log" 2>&1 || { cat "$d/log" >&2; die "go mod download ($mode) failed"; }
  t1=$(date +%s.%N)
  [[ $(find "$d/modcache/cache/download" -name '*.zip' | wc -l) -eq ${#mods[@]} ]] ||
    die "go mod download ($mode) did not fetch every zip"
  if [[ $mode == direct && ! -d $tmp/vcs-cache ]]; then
    cp -a "$d/modcache/cache/vcs" "$tmp/vcs-cache"
  fi
  chmod -R u+w "$d" && rm -rf "$d"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

say "warming: the agent's cache, go's build of itself, the vcs cache"
go_download agent >/dev/null
go_download direct >/dev/null
say "go mod download of ${#mods[@]} private module versions, $GO_RUNS runs per mode"
for ((i = 1; i <= GO_RUNS; i++)); do
  order="agent direct direct-warm"
  ((i % 2 == 0)) && order="direct-warm direct agent"
  for s in $order; do
    go_download "$s" >>"$tmp/go-$s"
  done
done
t_agent=$(median <"$tmp/go-agent")
t_direct=$(median <"$tmp/go-direct")
t_warm=$(median <"$tmp/go-direct-warm")

echo "go: $("$GO" env GOVERSION); git: $(git --version | sed 's/^git version //'); $(nproc) cores; ${#mods[@]} module versions in $REPOS repositories"
printf '%-44s %8s %8s\n' "go mod download, empty GOMODCACHE" "seconds" "ratio"
printf '%-44s %8s %8s\n' "agent, warm cache" "$t_agent" "1.00"
printf '%-44s %8s %8s\n' "direct mode, no git clones (first time)" "$t_direct" "$(ratio "$t_direct" "$t_agent")"
printf '%-44s %8s %8s\n' "direct mode, go's git clones kept" "$t_warm" "$(ratio "$t_warm" "$t_agent")"
