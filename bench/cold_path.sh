#!/usr/bin/env bash
# Cold path: a real project's module graph served by nginx, fetched by the go
# command straight from it and through a gpx agent with an empty cache, on a
# fast LAN (a: TLS on 127.0.0.1) and over an emulated WAN (b: 40 ms round
# trip, 20 Mbit/s per connection, plain http). Side by side in one run,
# alternating, medians; reported with the issue's targets.
#
#   bash bench/cold_path.sh
#
# The corpus is built once, through the machine's configured module proxy
# (`go env GOPROXY`): `go mod download -json all` in PROJECT's own source
# tree, checked against its go.sum; $GOMODCACHE/cache/download is the
# corpus (GOPROXY layout), kept in $CORPUS_DIR for the next run. After that
# nothing leaves 127.0.0.1.
#
# The corpus modules are real public modules, provable against
# sum.golang.org only with network, so the agent runs with GPX_SUMDB=off and
# the go command with GOSUMDB=off (it still checks everything against the
# project's go.sum). This bench measures transport; bench/verify_cost.sh
# measures what verification costs on a miss.
#
# Knobs (environment):
#   ROUNDS=3             rounds per case (alternating order; medians)
#   PROJECT=github.com/spf13/viper@v1.18.2
#                        the project whose module graph is the corpus
#   CASES="b a"          which cases, in this order (b first: the WAN)
#   DELAY_MS=20          (b) one-way delay (round trip: twice this)
#   RATE=20M             (b) bits/s of each direction of each connection
#   JOBS=8               gpx prefetch --jobs
#   BIG=github.com/hashicorp/go-azure-sdk/resource-manager@v0.20250131.1134653
#                        a module with a large zip of many files (135 MB,
#                        135,561 files): a cold go mod download of it and a
#                        prefetch of a project requiring it measure the
#                        agent's RSS idle, at its peak and after, and
#                        prefetch's own peak; BIG= skips them
#   QUIET=31             upstream_idle (seconds) of the agents BIG's steps
#                        use: their RSS is measured again once libcurl has
#                        been unloaded. The default 31 s is past the 30 s
#                        after which idle workers end too: the state a quiet
#                        agent reaches with its defaults (60 s) sooner
#   TMPFS=1              the runs' directories on a tmpfs the bench mounts
#                        (root only); TMPFS=0 keeps them under TMPDIR
#   CORPUS_DIR=/tmp/gpx-bench-corpus
#   CORPUS_GOPROXY=      proxy the corpus is built from (default: go env GOPROXY)
#   GPX=path/to/gpx      binary to measure (default: a Release build made
#                        in $GPX_BENCH_BUILD, /tmp/gpx-bench-build)
#   KEEP=1               keep the temp dir (logs, agent output)
#   WRITE_README=1       the report also goes into bench/README.md, between
#                        its cold_path.sh markers; 0 prints it only
#
# Not part of the test suite; never gates anything.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

ROUNDS=${ROUNDS:-3}
PROJECT=${PROJECT:-github.com/spf13/viper@v1.18.2}
CASES=${CASES:-b a}
DELAY_MS=${DELAY_MS:-20}
RATE=${RATE:-20M}
JOBS=${JOBS:-8}
BIG=${BIG-github.com/hashicorp/go-azure-sdk/resource-manager@v0.20250131.1134653}
CORPUS_DIR=${CORPUS_DIR:-/tmp/gpx-bench-corpus}
QUIET=${QUIET:-31}
TMPFS=${TMPFS:-1}
WRITE_README=${WRITE_README:-1}

BENCH_NAME=cold_path
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

[[ $PROJECT == *@v* ]] || die "PROJECT must be module@version, not $PROJECT"

# --- tools -------------------------------------------------------------------

need_pkgs=()
NGINX=$(command -v nginx 2>/dev/null || true)
[[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
[[ -z $NGINX ]] && need_pkgs+=(nginx-light)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if ((${#need_pkgs[@]})); then
  say "installing ${need_pkgs[*]} with apt-get"
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${need_pkgs[@]}" >&2 \
    || { "${sudo[@]}" apt-get update >&2 && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2; } \
    || die "apt-get install ${need_pkgs[*]} failed"
  NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi
command -v go >/dev/null 2>&1 || die "no go on PATH"
GO=$(command -v go)
CORPUS_GOPROXY=${CORPUS_GOPROXY:-$("$GO" env GOPROXY)}

build_gpx
# The runs' directories (GOMODCACHE, the agents' caches) on a tmpfs: each
# go command extracts and then removes thousands of files, and ext4 then
# skips the freed inodes for minutes when it allocates new ones, so on the
# disk whichever run follows a quiet spell looks fast (direct ranged
# 2.9-6.0 s for the same download). The corpus stays where it is.
if [[ $TMPFS == 1 ]]; then
  [[ $(id -u) == 0 ]] || die "TMPFS=1 mounts a tmpfs and needs root: run as root, or TMPFS=0 to measure on \$TMPDIR's filesystem"
  tmpfs_dir=$(mktemp -d /tmp/gpx-bench-tmpfs.XXXXXX)
  mount -t tmpfs -o size=8g,mode=0700 tmpfs "$tmpfs_dir" || die "cannot mount a tmpfs on $tmpfs_dir (TMPFS=0 does without)"
  export TMPDIR=$tmpfs_dir
fi
make_tmp
if [[ $TMPFS == 1 ]]; then
  trap 'cleanup; umount "$tmpfs_dir" && rmdir "$tmpfs_dir"' EXIT
fi

build_relay

# goenv DIR: the environment of a clean go command whose state lives in DIR.
goenv() {
  echo PATH="$PATH" HOME="$1/home" GOENV="$1/home/goenv" GOPATH="$1/gopath" GOMODCACHE="$1/gopath/pkg/mod" \
    GOCACHE="$1/gocache" GOTMPDIR= GOSUMDB=off GONOSUMDB= GONOSUMCHECK=1 GOPRIVATE= GONOPROXY= GOINSECURE= \
    GOTOOLCHAIN=local GO111MODULE=on GOWORK=off
}

# --- the corpus (built once) ---------------------------------------------------

# build_corpus CDIR SETUP: once, the corpus of the project that SETUP BUILD
# puts in BUILD/proj: `go mod download all` and `go mod download` in it
# through CORPUS_GOPROXY, checked, and what go.sum names besides.
build_corpus() {
  local cdir=$1 setup=$2 b first fetched m v kind e ext
  [[ -f $cdir/done ]] && return 0
  say "building the corpus $cdir through $CORPUS_GOPROXY (once)"
  b=$cdir.build.$$
  rm -rf "$b" && mkdir -p "$b/outside"
  "$setup" "$b"
  rm -rf "$b/gopath" "$b/gocache" # start over: the corpus holds the graph only
  # shellcheck disable=SC2046
  (cd "$b/proj" && env -i $(goenv "$b") GOPROXY="$CORPUS_GOPROXY" GOFLAGS="-mod=mod -modcacherw" \
    "$GO" mod download -json all >"$b/all.json" &&
    env -i $(goenv "$b") GOPROXY="$CORPUS_GOPROXY" GOFLAGS="-mod=mod -modcacherw" \
      "$GO" mod download -json >"$b/direct.json") >&2 || die "go mod download all in $b/proj failed"
  grep -q '"Error"' "$b/all.json" "$b/direct.json" && die "go mod download reported errors (see $b/all.json)"
  # The corpus: GOPROXY layout, without the go command's own bookkeeping.
  cp -r "$b/gopath/pkg/mod/cache/download" "$b/download"
  chmod -R u+w "$b/download" "$b/gopath" && rm -rf "$b/gopath" "$b/gocache" "$b/download/sumdb"
  find "$b/download" \( -name '*.lock' -o -name '*.partial' -o -name '*.tmp' \) -delete
  # gpx prefetch also asks for the .info of every version go.sum names and
  # the zip of every go.sum h1: line; the go command fetched only the go.mod
  # of some. Completed from the first proxy of CORPUS_GOPROXY.
  first=${CORPUS_GOPROXY%%[,|]*}
  [[ $first == http* ]] || first=https://proxy.golang.org
  esc() { sed 's/[A-Z]/!\L&/g'; }
  fetched=0
  while read -r m v kind; do
    e=$b/download/$(printf '%s' "$m" | esc)/@v/$(printf '%s' "$v" | esc)
    for ext in info mod ${kind:+zip}; do
      [[ -s $e.$ext ]] && continue
      mkdir -p "${e%/*}"
      curl -fsS -o "$e.$ext" "$first/${e#"$b/download/"}.$ext" || die "could not fetch ${e#"$b/download/"}.$ext from $first"
      fetched=$((fetched + 1))
    done
  done < <(awk '{ if ($2 ~ /\/go\.mod$/) { sub(/\/go\.mod$/, "", $2); print $1, $2 } else print $1, $2, "zip" }' "$b/proj/go.sum" | sort -u)
  say "fetched $fetched more files that go.sum names"
  # How many zips each command fetches, to check every later run.
  grep -c '"Zip":' "$b/all.json" >"$b/n_all" || true
  grep -c '"Zip":' "$b/direct.json" >"$b/n_download" || true
  rm -rf "$cdir" && mv "$b" "$cdir" && touch "$cdir/done"
}

# PROJECT's own source tree.
project_source() {
  # shellcheck disable=SC2046
  (cd "$1/outside" && env -i $(goenv "$1") GOPROXY="$CORPUS_GOPROXY" GOFLAGS=-modcacherw \
    "$GO" mod download -json "$PROJECT" >"$1/project.json") >&2 || die "go mod download $PROJECT failed"
  local srcdir
  srcdir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "$1/project.json")
  [[ -f $srcdir/go.mod ]] || die "$PROJECT: no go.mod in $srcdir"
  cp -r "$srcdir" "$1/proj" && chmod -R u+w "$1/proj"
}

# A project that requires BIG and nothing else.
big_project() {
  mkdir -p "$1/proj"
  printf 'module example.com/gpx-bench-big\n\ngo 1.21\n\nrequire %s %s\n' "${BIG%@*}" "${BIG#*@}" >"$1/proj/go.mod"
}

corpus_name() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'; }
cdir=$CORPUS_DIR/$(corpus_name "$PROJECT")
build_corpus "$cdir" project_source
bigdir=
if [[ -n $BIG ]]; then
  bigdir=$CORPUS_DIR/$(corpus_name "$BIG")
  build_corpus "$bigdir" big_project
fi
dl=$cdir/download
n_all=$(cat "$cdir/n_all")
n_download=$(cat "$cdir/n_download")
n_versions=$(find "$dl" -name '*.mod' | wc -l)
n_zips=$(find "$dl" -name '*.zip' | wc -l)
corpus_mb=$(du -sm "$dl" | cut -f1)
read -r big_bytes big_file < <(find "$dl" -name '*.zip' -printf '%s %P\n' | sort -n | tail -n1)
big_path=/$big_file
say "corpus: $n_versions module versions ($n_zips zips, $corpus_mb MB); go mod download fetches $n_download zips, go mod download all $n_all; largest zip $big_path ($((big_bytes / 1048576)) MB)"
cp -r "$cdir/proj" "$tmp/proj" && chmod -R u+w "$tmp/proj"
# What nginx serves: both corpora in one GOPROXY tree, hard-linked (copied
# onto the tmpfs, another filesystem).
root=$tmp/root
link=-l
[[ $TMPFS == 1 ]] && link=
mkdir -p "$root" && cp -r $link "$dl/." "$root/"
if [[ -n $bigdir ]]; then
  cp -rn $link "$bigdir/download/." "$root/"
  cp -r "$bigdir/proj" "$tmp/bigproj" && chmod -R u+w "$tmp/bigproj"
  big_zip_mb=$(find "$bigdir/download" -name '*.zip' -printf '%s\n' | sort -n | tail -n1 | awk '{ printf "%.0f", $1 / 1048576 }')
  say "BIG: $BIG, its zip $big_zip_mb MB"
fi

# --- TLS: a throw-away CA and a certificate for 127.0.0.1 -----------------------

pki=$tmp/pki
mkdir -p "$pki"
(
  cd "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=gpx bench CA" \
    -keyout ca.key -out ca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext -out server.pem
) >/dev/null 2>&1 || die "openssl could not make the test CA"
CA=$pki/ca.pem

# --- nginx: the corpus over https (a) and http (b, behind the relay) -------------

probe=$(cd "$dl" && find . -name '*.mod' -print -quit)
probe=${probe#.}
start_nginx() {
  local n=$tmp/nginx user=""
  mkdir -p "$n/tmp"
  ((EUID == 0)) && user="user $(id -un) $(id -gn);"
  for _ in 1 2 3; do
    TLS_PORT=$(free_port)
    HTTP_PORT=$(free_port)
    cat >"$n/nginx.conf" <<EOF
$user
worker_processes 2;
daemon off;
pid $n/nginx.pid;
error_log $n/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $n/tmp/body;
  proxy_temp_path $n/tmp/proxy;
  fastcgi_temp_path $n/tmp/fastcgi;
  uwsgi_temp_path $n/tmp/uwsgi;
  scgi_temp_path $n/tmp/scgi;
  types { application/json info; text/plain mod; application/zip zip; }
  default_type text/plain;
  server {
    listen 127.0.0.1:$TLS_PORT ssl http2;
    ssl_certificate $pki/server.pem;
    ssl_certificate_key $pki/server.key;
    root $root;
  }
  server {
    listen 127.0.0.1:$HTTP_PORT;
    root $root;
  }
}
EOF
    "$NGINX" -p "$n" -c "$n/nginx.conf" -e "$n/error.log" >"$n/stdout" 2>&1 &
    NGINX_PID=$!
    for _ in $(seq 50); do
      if curl -fsS -o /dev/null --cacert "$CA" "https://127.0.0.1:$TLS_PORT$probe" 2>/dev/null &&
        curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT$probe" 2>/dev/null; then
        pids+=("$NGINX_PID")
        return
      fi
      kill -0 "$NGINX_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  done
  cat "$n/error.log" "$n/stdout" >&2 || true
  die "nginx did not start"
}
start_nginx

"$tmp/relay" -listen 127.0.0.1:0 -to "127.0.0.1:$HTTP_PORT" -delay "${DELAY_MS}ms" -rate "$RATE" -v \
  >"$tmp/relay.out" 2>"$tmp/relay.err" &
pids+=($!)
relay_addr=$(announced "$tmp/relay.out" "relay listening on " $!) \
  || { cat "$tmp/relay.err" >&2; die "the relay did not start"; }

declare -A UP DESC RTT_MS
UP[a]=https://127.0.0.1:$TLS_PORT
UP[b]=http://$relay_addr
DESC[a]="(a) fast LAN: nginx over TLS (http/2) on 127.0.0.1"
DESC[b]="(b) WAN: nginx behind bench/relay, $((2 * DELAY_MS)) ms RTT, $RATE bit/s per connection, http"

# --- agent -------------------------------------------------------------------------

# start_agent UPSTREAM DIR: a fresh agent with an empty cache in DIR; sets
# AGENT_URL and AGENT_PID.
start_agent() {
  local d=$2
  mkdir -p "$d/home" "$d/config" "$d/state"
  env -i PATH="$PATH" HOME="$d/home" XDG_CONFIG_HOME="$d/config" XDG_STATE_HOME="$d/state" \
    GPX_SUMDB=off ${AGENT_CA:+GPX_CA_FILE="$AGENT_CA"} ${AGENT_IDLE:+GPX_UPSTREAM_IDLE="$AGENT_IDLE"} \
    "$GPX" agent run --listen 127.0.0.1:0 --cache-dir "$d/cache" --upstream "$1" \
    >"$d/agent.out" 2>"$d/agent.err" &
  AGENT_PID=$!
  pids+=("$AGENT_PID")
  AGENT_URL=$(announced "$d/agent.out" "gpx agent listening on " "$AGENT_PID") \
    || { cat "$d/agent.err" >&2; die "the agent did not start"; }
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$AGENT_URL/healthz" 2>/dev/null && return 0
    kill -0 "$AGENT_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$d/agent.err" >&2
  die "the agent does not answer"
}

stop_agent() {
  kill "$AGENT_PID" 2>/dev/null || true
  wait "$AGENT_PID" 2>/dev/null || true
}

metric() { curl -fsS "$AGENT_URL/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }
conns() { metric gpx_upstream_connections_opened_total; }


# go_download PROXY DIR [all]: seconds of a `go mod download [all]` in the
# project, empty GOPATH and GOMODCACHE; checks every zip arrived.
go_download() {
  local d=$2 t0 want=$n_download n
  [[ ${3:-} == all ]] && want=$n_all
  mkdir -p "$d/home"
  t0=$(date +%s.%N)
  # shellcheck disable=SC2046
  (cd "$tmp/proj" && env -i $(goenv "$d") GOPROXY="$1" GOFLAGS=-modcacherw SSL_CERT_FILE="$CA" \
    "$GO" mod download ${3:+"$3"}) >"$d/go.log" 2>&1 || { tail -n 20 "$d/go.log" >&2; die "go mod download ${3:-} via $1 failed"; }
  elapsed "$t0"
  n=$(find "$d/gopath/pkg/mod/cache/download" -name '*.zip' | wc -l)
  ((n == want)) || die "go mod download ${3:-} via $1 fetched $n zips, not $want"
  chmod -R u+w "$d/gopath" && rm -rf "$d/gopath"
}

# ttfb URL: seconds to the first byte of URL; the transfer is cut short
# after it.
ttfb() {
  local t
  t=$(curl -sS --cacert "$CA" -w '%{time_starttransfer}' -o >(head -c 1 >/dev/null) "$1" 2>/dev/null || true)
  [[ -n $t && $t != 0.000000 ]] || die "no first byte from $1"
  echo "$t"
}

# --- the corpus, completed with what gpx prefetch asks for (once) ----------------------

# gpx prefetch reads more go.mod and .info files than the go command (the
# go.mod of versions the pruned graph names but go.sum does not): have it
# fetch them through an agent whose upstream is the corpus, then the
# proxy, and add what it exported.
AGENT_CA=
# complete_corpus CDIR PROJ: once, what gpx prefetch of PROJ asks for beyond
# CDIR's corpus.
complete_corpus() {
  local cdir=$1 proj=$2 first p before
  [[ -f $cdir/done-prefetch ]] && return 0
  first=${CORPUS_GOPROXY%%[,|]*}
  [[ $first == http* ]] || first=https://proxy.golang.org
  p=$tmp/complete-${cdir##*/}
  say "completing the corpus $cdir with what gpx prefetch asks for, through $first"
  start_agent "file://$cdir/download,$first" "$p"
  # shellcheck disable=SC2046
  env -i $(goenv "$p") XDG_CONFIG_HOME="$p/config" XDG_STATE_HOME="$p/state" \
    "$GPX" prefetch "$proj" --agent "$AGENT_URL" --jobs "$JOBS" >"$p/prefetch.out" 2>"$p/prefetch.err" \
    || { tail -n 20 "$p/prefetch.err" >&2; die "gpx prefetch of $proj through $first failed"; }
  stop_agent
  env -i PATH="$PATH" HOME="$p/home" XDG_CONFIG_HOME="$p/config" XDG_STATE_HOME="$p/state" GPX_SUMDB=off \
    "$GPX" export "$p/bundle" --cache-dir "$p/cache" >"$p/export.out" 2>&1 || { cat "$p/export.out" >&2; die "gpx export failed"; }
  rm -f "$p/bundle/gpx-bundle.json"
  before=$(find "$cdir/download" -type f | wc -l)
  cp -rn "$p/bundle/." "$cdir/download/"
  say "added $(($(find "$cdir/download" -type f | wc -l) - before)) files"
  touch "$cdir/done-prefetch"
}
complete_corpus "$cdir" "$tmp/proj"
[[ -z $bigdir ]] || complete_corpus "$bigdir" "$tmp/bigproj"
cp -rln "$dl/." "$root/"
[[ -z $bigdir ]] || cp -rln "$bigdir/download/." "$root/"
n_versions=$(find "$dl" -name '*.mod' | wc -l)
n_zips=$(find "$dl" -name '*.zip' | wc -l)
corpus_mb=$(du -sm "$dl" | cut -f1)
AGENT_CA=$CA

# --- the runs ------------------------------------------------------------------------

TIME=/usr/bin/time
[[ -x $TIME ]] || die "$TIME is missing (Debian's time package): it measures prefetch's peak RSS"
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# settled_rss: the agent's VmRSS once a transfer has ended and the heap is
# given back (the largest zip's checks end after its last byte went out):
# the lowest of 20 samples, 0.1 s apart.
settled_rss() {
  local i low r
  low=$(status_kb VmRSS)
  for i in $(seq 20); do
    sleep 0.1
    r=$(status_kb VmRSS)
    ((r < low)) && low=$r
  done
  echo "$low"
}

# end_big_step CASE IDLE: records the agent's peak and its settled RSS
# above IDLE, stops it; prints both.
end_big_step() {
  local peak after quiet
  peak=$(status_kb VmHWM)
  after=$(settled_rss)
  echo "$peak" >>"$tmp/$1-hwm-big"
  echo $((after - $2)) >>"$tmp/$1-after-big"
  echo $((after - $3)) >>"$tmp/$1-after-big-loaded"
  # Once the upstreams have been quiet for upstream_idle (QUIET s here; the
  # loop looks once a second), libcurl is unloaded.
  sleep "$((QUIET + 1))"
  quiet=$(settled_rss)
  echo $((quiet - $2)) >>"$tmp/$1-quiet-big"
  stop_agent
  echo "agent peak $(mb "$peak") MB, after $(mb "$after") MB, once quiet $(mb "$quiet") MB"
}

# loaded_rss: the fresh agent's RSS once one small miss (BIG's go.mod) has
# loaded libcurl, which it maps on its first upstream request rather than at
# start: the baseline a transfer's leftovers are measured from, beside idle.
loaded_rss() {
  curl -sf -o /dev/null "$AGENT_URL/${BIG%@*}/@v/${BIG#*@}.mod" || die "no go.mod of $BIG through the agent"
  settled_rss
}

# idle_breakdown: what the idle agent's RSS is made of, one line.
idle_breakdown() {
  echo "rss $(status_kb VmRSS) pss $(rollup_kb Pss) anon $(rollup_kb Anonymous) file $(($(rollup_kb Rss) - $(rollup_kb Anonymous))) private_dirty $(rollup_kb Private_Dirty) threads $(awk '$1 == "Threads:" { print $2 }' "/proc/$AGENT_PID/status")"
}

# step CASE NAME ROUND: one measurement; results appended to $tmp/CASE-*.
step() {
  local c=$1 s=$2 r=$3 d=$tmp/$1-$2-$3 up=${UP[$1]} secs c0 c1
  mkdir -p "$d"
  case $s in
  direct)
    secs=$(go_download "$up" "$d")
    echo "$secs" >>"$tmp/$c-direct"
    ;;
  agent)
    start_agent "$up" "$d"
    status_kb VmRSS >>"$tmp/$c-rss-idle"
    c0=$(conns)
    secs=$(go_download "$AGENT_URL" "$d/cold")
    c1=$(conns)
    echo "$secs" >>"$tmp/$c-cold"
    echo $((c1 - c0)) >>"$tmp/$c-cold-conns"
    local warm
    warm=$(go_download "$AGENT_URL" "$d/warm")
    echo "$warm" >>"$tmp/$c-warm"
    ((${c1} == $(conns))) || say "warning: the warm run opened upstream connections"
    status_kb VmHWM >>"$tmp/$c-hwm-download"
    stop_agent
    secs="$secs cold, $warm warm"
    ;;
  all)
    secs=$(go_download "$up" "$d" all)
    echo "$secs" >>"$tmp/$c-all"
    ;;
  prefetch)
    start_agent "$up" "$d"
    status_kb VmRSS >>"$tmp/$c-rss-idle"
    c0=$(conns)
    local t0
    t0=$(date +%s.%N)
    # shellcheck disable=SC2046
    env -i $(goenv "$d") XDG_CONFIG_HOME="$d/config" XDG_STATE_HOME="$d/state" GOPROXY="$AGENT_URL" \
      "$TIME" -f %M -o "$d/prefetch.kb" "$GPX" prefetch "$tmp/proj" --agent "$AGENT_URL" --jobs "$JOBS" \
      >"$d/prefetch.out" 2>"$d/prefetch.err" || { tail -n 20 "$d/prefetch.err" >&2; die "gpx prefetch via $up failed"; }
    secs=$(elapsed "$t0")
    c1=$(conns)
    echo "$secs" >>"$tmp/$c-prefetch"
    echo $((c1 - c0)) >>"$tmp/$c-prefetch-conns"
    status_kb VmHWM >>"$tmp/$c-hwm-prefetch"
    cat "$d/prefetch.kb" >>"$tmp/$c-prefetch-peak"
    stop_agent
    secs="$secs ($((c1 - c0)) upstream connections)"
    ;;
  big-agent)
    # One cold `go mod download BIG` (outside any module) through a fresh
    # agent: its RSS idle, at its peak, and once the transfer is over.
    AGENT_IDLE=${QUIET}s start_agent "$up" "$d"
    status_kb VmRSS >>"$tmp/$c-rss-idle"
    idle_breakdown >>"$tmp/$c-idle-breakdown"
    local idle loaded
    idle=$(status_kb VmRSS)
    loaded=$(loaded_rss)
    mkdir -p "$d/outside" "$d/home"
    t0=$(date +%s.%N)
    # shellcheck disable=SC2046
    (cd "$d/outside" && env -i $(goenv "$d") GOPROXY="$AGENT_URL" GOFLAGS=-modcacherw \
      "$GO" mod download -json "$BIG" >"$d/big.json" 2>"$d/big.err") || { tail -n 20 "$d/big.err" >&2; die "go mod download $BIG via the agent failed"; }
    secs=$(elapsed "$t0")
    echo "$secs" >>"$tmp/$c-big"
    chmod -R u+w "$d" 2>/dev/null || true
    secs="$secs s, agent RSS idle $(mb "$idle") MB, after one small miss $(mb "$loaded") MB, $(end_big_step "$c" "$idle" "$loaded")"
    ;;
  big-prefetch)
    # gpx prefetch of a project that requires BIG: prefetch's own peak.
    AGENT_IDLE=${QUIET}s start_agent "$up" "$d"
    local idle loaded
    idle=$(status_kb VmRSS)
    loaded=$(loaded_rss)
    t0=$(date +%s.%N)
    # shellcheck disable=SC2046
    env -i $(goenv "$d") XDG_CONFIG_HOME="$d/config" XDG_STATE_HOME="$d/state" GOPROXY="$AGENT_URL" \
      "$TIME" -f %M -o "$d/prefetch.kb" "$GPX" prefetch "$tmp/bigproj" --agent "$AGENT_URL" --jobs "$JOBS" \
      >"$d/prefetch.out" 2>"$d/prefetch.err" || { tail -n 20 "$d/prefetch.err" >&2; die "gpx prefetch of BIG via $up failed"; }
    secs=$(elapsed "$t0")
    cat "$d/prefetch.kb" >>"$tmp/$c-prefetch-peak-big"
    secs="$secs s, prefetch peak $(mb "$(cat "$d/prefetch.kb")") MB, $(end_big_step "$c" "$idle" "$loaded")"
    ;;
  ttfb-direct)
    secs=$(ttfb "$up$big_path")
    echo "$secs" >>"$tmp/$c-ttfb-direct"
    ;;
  ttfb-agent)
    start_agent "$up" "$d"
    secs=$(ttfb "$AGENT_URL$big_path")
    echo "$secs" >>"$tmp/$c-ttfb-agent"
    stop_agent
    ;;
  esac
  say "($c) round $r: $s $secs"
  chmod -R u+w "$d" 2>/dev/null || true
  rm -rf "$d"
}

# The go command's first run in a new environment: not measured.
mkdir -p "$tmp/warmup" && go_download "${UP[a]}" "$tmp/warmup" >/dev/null
start_all=$(date +%s)
for c in $CASES; do
  [[ -n ${UP[$c]:-} ]] || die "no case $c (CASES is a list of a and b)"
  say "${DESC[$c]}: $ROUNDS rounds"
  for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2)); then
      order="direct agent all prefetch ttfb-direct ttfb-agent"
    else
      order="agent direct prefetch all ttfb-agent ttfb-direct"
    fi
    [[ -z $BIG ]] || order+=" big-agent big-prefetch"
    for s in $order; do
      step "$c" "$s" "$r"
    done
  done
done

# --- report ----------------------------------------------------------------------------

report() {
med() { median <"$tmp/$1"; }
runs() { paste -sd' ' "$tmp/$1"; }
maxof() { sort -g | tail -n1; }

echo
echo "gpx cold path — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $("$GO" version | awk '{ print $3 }'), nginx $("$NGINX" -v 2>&1 | sed 's/^nginx version: nginx\///')"
echo "gpx: $GPX ($(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'))"
echo "project $PROJECT: $n_versions module versions in the corpus ($n_zips zips, $corpus_mb MB);"
echo "  go mod download fetches $n_download zips, go mod download all $n_all; largest zip ${big_path#/} ($(awk -v b="$big_bytes" 'BEGIN { printf "%.1f MB", b / 1048576 }'))"
echo "empty GOMODCACHE every run$([[ $TMPFS == 1 ]] && echo " (on tmpfs)"), GOSUMDB=off / GPX_SUMDB=off; median of $ROUNDS alternating rounds; took $(($(date +%s) - start_all)) s"
targets=()
for c in $CASES; do
  echo
  echo "${DESC[$c]}"
  printf '  %-44s %9s | %s\n' "" "median" "all runs"
  row() { printf '  %-44s %8.3fs | %s\n' "$1" "$(med "$c-$2")" "$(runs "$c-$2")"; }
  row "go mod download, direct" direct
  row "go mod download, gpx cold (fresh agent)" cold
  row "go mod download, gpx warm (same agent)" warm
  row "go mod download all, direct" all
  row "gpx prefetch --jobs $JOBS, fresh agent" prefetch
  row "first byte of the largest zip, direct" ttfb-direct
  row "first byte of the largest zip, fresh gpx" ttfb-agent
  cold_r=$(ratio "$(med "$c-cold")" "$(med "$c-direct")")
  warm_r=$(ratio "$(med "$c-warm")" "$(med "$c-direct")")
  pf_r=$(ratio "$(med "$c-all")" "$(med "$c-prefetch")")
  ttfb_d=$(awk -v a="$(med "$c-ttfb-agent")" -v b="$(med "$c-ttfb-direct")" 'BEGIN { printf "%.1f", (a - b) * 1000 }')
  echo "  cold/direct ${cold_r}x   warm/direct ${warm_r}x   go mod download all direct / prefetch ${pf_r}x   first byte gpx - direct ${ttfb_d} ms"
  echo "  upstream connections opened by the agent: cold go mod download $(med "$c-cold-conns") ($(runs "$c-cold-conns")), prefetch $(med "$c-prefetch-conns") ($(runs "$c-prefetch-conns"))"
  echo "  agent RSS: idle $(mb "$(med "$c-rss-idle")") MB (median of $(wc -l <"$tmp/$c-rss-idle") fresh agents); peak (VmHWM) after cold+warm download $(mb "$(maxof <"$tmp/$c-hwm-download")") MB, after prefetch $(mb "$(maxof <"$tmp/$c-hwm-prefetch")") MB"
  echo "  gpx prefetch's own peak RSS: $(mb "$(maxof <"$tmp/$c-prefetch-peak")") MB"
  if [[ -n $BIG ]]; then
    echo "  $BIG ($big_zip_mb MB zip): go mod download through a fresh agent $(med "$c-big") s ($(runs "$c-big"));"
    echo "    agent peak (VmHWM) $(mb "$(maxof <"$tmp/$c-hwm-big")") MB; RSS after the transfer minus idle, max $(mb "$(maxof <"$tmp/$c-after-big")") MB ($(runs "$c-after-big") kB);"
    echo "    RSS after the transfer minus the agent after one small miss (libcurl loaded), max $(mb "$(maxof <"$tmp/$c-after-big-loaded")") MB ($(runs "$c-after-big-loaded") kB);"
    echo "    RSS once the upstreams were quiet for upstream_idle ($QUIET s; libcurl unloaded) minus idle, max $(mb "$(maxof <"$tmp/$c-quiet-big")") MB ($(runs "$c-quiet-big") kB);"
    echo "    gpx prefetch of a project requiring it: prefetch's own peak $(mb "$(maxof <"$tmp/$c-prefetch-peak-big")") MB"
    echo "    idle agent, kB: $(tail -n1 "$tmp/$c-idle-breakdown")"
  fi
  rtt=$((2 * DELAY_MS))
  [[ $c == a ]] && rtt=0.1 # loopback: a round trip is well under 0.1 ms
  targets+=("$(printf '%-48s %-14s %-12s %s' "($c) cold go mod download vs direct" "<= 1.05x" "${cold_r}x" "$(verdict "$cold_r" "<=" 1.05)")")
  targets+=("$(printf '%-48s %-14s %-12s %s' "($c) first byte of a cold large zip vs direct" "<= +2 RTT" "+${ttfb_d} ms" "$(verdict "$ttfb_d" "<=" "$(awk -v r="$rtt" 'BEGIN { print 2 * r }')") (RTT ${rtt} ms)")")
  if [[ $c == b ]]; then
    targets+=("$(printf '%-48s %-14s %-12s %s' "(b) prefetch vs go mod download all direct" ">= 3x faster" "${pf_r}x" "$(verdict "$pf_r" ">=" 3)")")
  else
    targets+=("$(printf '%-48s %-14s %-12s %s' "(a) prefetch vs go mod download all direct" "(none)" "${pf_r}x" "-")")
  fi
  pc=$(maxof <"$tmp/$c-prefetch-conns")
  targets+=("$(printf '%-48s %-14s %-12s %s' "($c) upstream connections of a prefetch (max)" "<= $JOBS" "$pc" "$(verdict "$pc" "<=" "$JOBS")")")
done
idle=$(cat "$tmp"/*-rss-idle | median)
peak=$(cat "$tmp"/*-hwm-* | maxof)
targets+=("$(printf '%-48s %-14s %-12s %s' "agent RSS idle (median)" "<= 10 MB" "$(mb "$idle") MB" "$(verdict "$(mb "$idle")" "<=" 10)")")
targets+=("$(printf '%-48s %-14s %-12s %s' "agent RSS peak (max VmHWM)" "<= 64 MB" "$(mb "$peak") MB" "$(verdict "$(mb "$peak")" "<=" 64)")")
pf_peak=$(cat "$tmp"/*-prefetch-peak* | maxof)
targets+=("$(printf '%-48s %-14s %-12s %s' "gpx prefetch's own peak RSS (max)" "<= 40 MB" "$(mb "$pf_peak") MB" "$(verdict "$(mb "$pf_peak")" "<=" 40)")")
if [[ -n $BIG ]]; then
  after=$(cat "$tmp"/*-quiet-big | maxof)
  targets+=("$(printf '%-48s %-14s %-12s %s' "agent RSS after the big zip, above idle (max)" "<= 5 MB" "$(mb "$after") MB" "$(verdict "$(mb "$after")" "<=" 5) (once quiet ${QUIET}s)")")
  after=$(cat "$tmp"/*-after-big | maxof)
  targets+=("$(printf '%-48s %-14s %-12s %s' "  the same, at once (libcurl still loaded)" "(context)" "$(mb "$after") MB" "-")")
  after=$(cat "$tmp"/*-after-big-loaded | maxof)
  targets+=("$(printf '%-48s %-14s %-12s %s' "  the same, above the agent after one small miss" "(context)" "$(mb "$after") MB" "-")")
fi
echo
printf '%-48s %-14s %-12s %s\n' "target" "wanted" "measured" "verdict"
printf '%s\n' "${targets[@]}"
}

# write_readme REPORT: the report into bench/README.md, between the markers
# of cold_path.sh's section (what the text around it says stays as written).
write_readme() {
  local readme=$here/README.md begin='<!-- cold_path.sh: last report -->' end='<!-- cold_path.sh: end of report -->'
  grep -qxF "$begin" "$readme" && grep -qxF "$end" "$readme" || {
    echo "cold_path: $readme has no report markers; the report is in $1" >&2
    return 0
  }
  awk -v begin="$begin" -v end="$end" -v report="$1" -v cases="$CASES" -v rounds="$ROUNDS" '
    $0 == begin { print; print ""; print "`CASES=\"" cases "\" ROUNDS=" rounds " bash bench/cold_path.sh`, written by the script:"; print ""; print "```"
                  while ((getline line < report) > 0) if (seen || line != "") { print line; seen = 1 }
                  print "```"; print ""; skip = 1; next }
    $0 == end { skip = 0 }
    !skip' "$readme" >"$readme.new" && mv "$readme.new" "$readme"
  say "the report is in $readme"
}

report | tee "$tmp/report"
[[ $WRITE_README == 1 ]] && write_readme "$tmp/report"
