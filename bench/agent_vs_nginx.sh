#!/usr/bin/env bash
# Cache-hit benchmark: the gpx agent against nginx serving the same files
# statically (the practical ceiling) and, for `go mod download`, against
# GOPROXY=file:// (the floor). Everything runs side by side in one run, on
# 127.0.0.1 only, and is reported as ratios, because the machine is noisy.
#
#   bash bench/agent_vs_nginx.sh
#
# Knobs (environment):
#   GPX=path/to/gpx        binary to measure (default: a Release build made
#                          in $GPX_BENCH_BUILD, /tmp/gpx-bench-build)
#   WRK_DURATION=5         seconds per wrk measurement
#   WRK_ROUNDS=3           wrk rounds per endpoint (alternating order; median)
#   WRK_THREADS=2 WRK_CONNS=16
#   RSS_SECONDS=10         length of the 16-concurrent zip download for RSS
#   GO_RUNS=5              `go mod download` runs per proxy (median)
#   MODULES=8 VERSIONS=3   small corpus: MODULES x VERSIONS module versions
#   BIG_MB=8               size of the random file in the big module's zip
#   KEEP=1                 keep the temp dir (corpus, logs, raw wrk output)
#
# Not part of the test suite; never gates anything.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

WRK_DURATION=${WRK_DURATION:-5}
WRK_ROUNDS=${WRK_ROUNDS:-3}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNS=${WRK_CONNS:-16}
RSS_SECONDS=${RSS_SECONDS:-10}
GO_RUNS=${GO_RUNS:-5}
MODULES=${MODULES:-8}
VERSIONS=${VERSIONS:-3}
BIG_MB=${BIG_MB:-8}

BENCH_NAME=agent_vs_nginx
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

# --- tools -------------------------------------------------------------------

need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
NGINX=$(command -v nginx 2>/dev/null || true)
[[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
[[ -z $NGINX ]] && need_pkgs+=(nginx-light)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if ((${#need_pkgs[@]})); then
  say "installing ${need_pkgs[*]} with apt-get"
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  # nginx's postinst wants to start the system service; in a container
  # invoke-rc.d declines, elsewhere it starts on :80, which we do not use.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${need_pkgs[@]}" >&2 \
    || { "${sudo[@]}" apt-get update >&2 && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2; } \
    || die "apt-get install ${need_pkgs[*]} failed"
  NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi
command -v go >/dev/null 2>&1 || die "no go on PATH"
GO=$(command -v go)

build_gpx

make_tmp

# --- corpus ------------------------------------------------------------------

say "generating the corpus in $tmp/corpus"
dl=$tmp/corpus/download
src=$tmp/corpus/src
mkdir -p "$dl" "$src"
mods=() # module@version, for go mod download
add_version() { # module version srcdir
  local m=$1 v=$2 d=$3 i=$dl/$1/@v
  mkdir -p "$i"
  "$GPX" zip create "$m@$v" "$d" -o "$i/$v.zip" >/dev/null
  cp "$d/go.mod" "$i/$v.mod"
  printf '{"Version":"%s","Time":"2024-%02d-%02dT10:00:00Z"}\n' "$v" $((RANDOM % 12 + 1)) $((RANDOM % 28 + 1)) >"$i/$v.info"
  echo "$v" >>"$i/list"
  mods+=("$m@$v")
}
for ((m = 1; m <= MODULES; m++)); do
  mod=$(printf 'example.com/bench/mod%02d' "$m")
  for ((v = 0; v < VERSIONS; v++)); do
    ver="v1.$v.0"
    d=$src/$mod@$ver
    mkdir -p "$d/internal/util"
    {
      printf 'module %s\n\ngo 1.21\n' "$mod"
      if ((m > 1)); then
        printf '\nrequire example.com/bench/mod%02d v1.0.0\n' $((m - 1))
      fi
    } >"$d/go.mod"
    printf 'package mod%02d\n\n// Version is this release.\nconst Version = "%s"\n' "$m" "$ver" >"$d/lib.go"
    # Some bulk, like a real library: ~40 KB of Go source.
    {
      printf 'package util\n\n'
      for ((f = 0; f < 400; f++)); do
        printf 'func F%d(x int) int { return x*%d + %d } // %s\n' "$f" "$f" "$m" "$(printf '%040d' "$f")"
      done
    } >"$d/internal/util/util.go"
    printf 'MIT License\n' >"$d/LICENSE"
    add_version "$mod" "$ver" "$d"
  done
done
big=example.com/bench/big
d=$src/$big@v1.0.0
mkdir -p "$d/testdata"
printf 'module %s\n\ngo 1.21\n' "$big" >"$d/go.mod"
printf 'package big\n' >"$d/big.go"
head -c $((BIG_MB * 1024 * 1024)) /dev/urandom >"$d/testdata/blob.bin"
add_version "$big" v1.0.0 "$d"
big_zip=/$big/@v/v1.0.0.zip
big_bytes=$(stat -c %s "$dl$big_zip")
info_path=/example.com/bench/mod01/@v/v1.0.0.info
mod_path=/example.com/bench/mod01/@v/v1.0.0.mod
say "corpus: ${#mods[@]} module versions, big zip $((big_bytes / 1024)) KiB"

# --- servers -----------------------------------------------------------------

wait_http() { # url pid
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

start_nginx() {
  local port conf n=$tmp/nginx user=""
  mkdir -p "$n/tmp"
  ((EUID == 0)) && user="user $(id -un) $(id -gn);"
  for _ in 1 2 3; do
    port=$(free_port)
    conf=$n/nginx.conf
    cat >"$conf" <<EOF
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
    listen 127.0.0.1:$port;
    root $dl;
  }
}
EOF
    "$NGINX" -p "$n" -c "$conf" -e "$n/error.log" >"$n/stdout" 2>&1 &
    NGINX_PID=$!
    if wait_http "http://127.0.0.1:$port$info_path" "$NGINX_PID"; then
      pids+=("$NGINX_PID")
      NGINX_URL=http://127.0.0.1:$port
      return
    fi
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  done
  cat "$n/error.log" "$n/stdout" >&2 || true
  die "nginx did not start"
}

start_agent() { # log name
  local a=$tmp/agent out=$tmp/agent/$1.out
  mkdir -p "$a/home" "$a/config" "$a/state"
  # A clean environment: no user config, no GPX_* settings but one: the
  # generated corpus is in no checksum database, so a verifying agent would
  # refuse it (and reach for sum.golang.org). sumdb = off costs the hits
  # measured here nothing: a hit is served by the same code either way, and
  # proving happens on a miss (bench/verify_cost.sh measures that).
  env -i PATH="$PATH" HOME="$a/home" XDG_CONFIG_HOME="$a/config" XDG_STATE_HOME="$a/state" GPX_SUMDB=off \
    "$GPX" agent run --listen 127.0.0.1:0 --cache-dir "$a/cache" --upstream "file://$dl" \
    >"$out" 2>"$a/$1.err" &
  AGENT_PID=$!
  pids+=("$AGENT_PID")
  for _ in $(seq 100); do
    AGENT_URL=$(head -n1 "$out" 2>/dev/null | sed -n 's/^gpx agent listening on //p')
    [[ -n $AGENT_URL ]] && break
    kill -0 "$AGENT_PID" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $AGENT_URL ]] || { cat "$a/$1.err" >&2; die "the agent did not start"; }
  wait_http "$AGENT_URL/healthz" "$AGENT_PID" || die "the agent does not answer"
}

stop_agent() {
  kill "$AGENT_PID" 2>/dev/null || true
  wait "$AGENT_PID" 2>/dev/null || true
}

metric() { # name: value of a counter from /metrics
  curl -fsS "$AGENT_URL/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

start_nginx
start_agent warmup
say "warming the agent's cache ($AGENT_URL)"
for mv in "${mods[@]}"; do
  m=${mv%@*} v=${mv#*@}
  for k in info mod zip; do
    curl -fsS -o "$tmp/got" "$AGENT_URL/$m/@v/$v.$k" || die "warm-up of $m@$v.$k failed"
    cmp -s "$tmp/got" "$dl/$m/@v/$v.$k" || die "the agent served a different $m@$v.$k"
  done
  curl -fsS -o /dev/null "$AGENT_URL/$m/@v/list" || die "warm-up of $m list failed"
done
# Restart on the warmed cache: every later request is a hit from disk, and
# VmHWM covers serving only, not the warm-up's fetch, check and hash.
stop_agent
start_agent bench
say "agent $AGENT_URL (pid $AGENT_PID), nginx $NGINX_URL (pid $NGINX_PID)"
hits0=$(metric gpx_cache_hits_total)
miss0=$(metric gpx_cache_misses_total)

# --- RSS under 16 concurrent big-zip downloads --------------------------------

say "RSS: ${RSS_SECONDS}s of $WRK_CONNS concurrent downloads of the big zip"
rss_idle=$(status_kb VmRSS)
wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${RSS_SECONDS}s" "$AGENT_URL$big_zip" >"$tmp/wrk-rss.txt" 2>&1 &
wrk_pid=$!
pids+=("$wrk_pid")
rss_max=0
while kill -0 "$wrk_pid" 2>/dev/null; do
  r=$(status_kb VmRSS)
  ((r > rss_max)) && rss_max=$r
  sleep 0.2
done
wait "$wrk_pid" || true
rss_hwm=$(status_kb VmHWM)
rss_reqs=$(awk '/requests in/ { print $1 }' "$tmp/wrk-rss.txt")

# --- wrk: requests/s and latency -----------------------------------------------

# Prints "rps p50_ms p99_ms MBps errors" for one wrk run.
run_wrk() { # url outfile
  wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WRK_DURATION}s" --timeout 10s --latency "$1" >"$2" 2>&1 || true
  awk '
    function ms(s,   v) {
      v = s + 0
      if (s ~ /us$/) return v / 1000
      if (s ~ /ms$/) return v
      if (s ~ /s$/) return v * 1000
      return v
    }
    function mb(s,   v) {
      v = s + 0
      if (s ~ /GB$/) return v * 1024
      if (s ~ /MB$/) return v
      if (s ~ /KB$/) return v / 1024
      return v / 1048576
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /^Transfer\/sec:/ { tr = mb($2) }
    /Non-2xx/ { err += $NF }
    /Socket errors/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { printf "%s %s %s %s %d\n", rps + 0, p50 + 0, p99 + 0, tr + 0, err }
  ' "$2"
}


declare -A R # R[server,endpoint,field] = median
for ep in info mod zip; do
  case $ep in
  info) path=$info_path ;;
  mod) path=$mod_path ;;
  zip) path=$big_zip ;;
  esac
  for ((round = 1; round <= WRK_ROUNDS; round++)); do
    order="agent nginx"
    ((round % 2 == 0)) && order="nginx agent"
    for s in $order; do
      url=$AGENT_URL
      [[ $s == nginx ]] && url=$NGINX_URL
      say "wrk $ep $s round $round/$WRK_ROUNDS"
      run_wrk "$url$path" "$tmp/wrk-$ep-$s-$round.txt" >>"$tmp/res-$ep-$s"
    done
  done
  for s in agent nginx; do
    R[$s,$ep,rps]=$(awk '{ print $1 }' "$tmp/res-$ep-$s" | median)
    R[$s,$ep,p50]=$(awk '{ print $2 }' "$tmp/res-$ep-$s" | median)
    R[$s,$ep,p99]=$(awk '{ print $3 }' "$tmp/res-$ep-$s" | median)
    R[$s,$ep,mbps]=$(awk '{ print $4 }' "$tmp/res-$ep-$s" | median)
    R[$s,$ep,err]=$(awk '{ e += $5 } END { print e + 0 }' "$tmp/res-$ep-$s")
  done
done

# --- go mod download -------------------------------------------------------------

go_download() { # proxy-url -> seconds
  local d t0 t1
  d=$(mktemp -d "$tmp/go.XXXXXX")
  mkdir -p "$d/home" "$d/work"
  t0=$(date +%s.%N)
  (cd "$d/work" && env -i PATH="$PATH" HOME="$d/home" GOENV="$d/home/goenv" \
    GOPATH="$d/gopath" GOMODCACHE="$d/modcache" GOCACHE="$d/gocache" GOTMPDIR="" \
    GOPROXY="$1" GOSUMDB=off GONOSUMDB= GONOSUMCHECK= GONOPROXY= GOPRIVATE= GOINSECURE= \
    GOFLAGS=-modcacherw GOTOOLCHAIN=local GO111MODULE=on GOWORK=off \
    "$GO" mod download "${mods[@]}") >"$d/log" 2>&1 || { cat "$d/log" >&2; die "go mod download via $1 failed"; }
  t1=$(date +%s.%N)
  [[ $(find "$d/modcache/cache/download" -name '*.zip' | wc -l) -eq ${#mods[@]} ]] \
    || die "go mod download via $1 did not fetch every zip"
  rm -rf "$d"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

say "go mod download of ${#mods[@]} module versions, $GO_RUNS runs per proxy"
go_download "$AGENT_URL" >/dev/null # first run of the go command: warm its own caches
for ((i = 1; i <= GO_RUNS; i++)); do
  order="agent nginx file"
  ((i % 2 == 0)) && order="nginx file agent"
  for s in $order; do
    case $s in
    agent) p=$AGENT_URL ;;
    nginx) p=$NGINX_URL ;;
    file) p=file://$dl ;;
    esac
    go_download "$p" >>"$tmp/go-$s"
  done
done
go_agent=$(median <"$tmp/go-agent")
go_nginx=$(median <"$tmp/go-nginx")
go_file=$(median <"$tmp/go-file")

hits=$(($(metric gpx_cache_hits_total) - hits0))
misses=$(($(metric gpx_cache_misses_total) - miss0))

# --- report ------------------------------------------------------------------------


echo
echo "gpx agent vs nginx, cache hits on 127.0.0.1 — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "gpx: $GPX"
echo "nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //') (2 workers, sendfile); wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_DURATION}s, median of $WRK_ROUNDS alternating rounds"
echo "corpus: ${#mods[@]} module versions; .info $(stat -c %s "$dl$info_path") B, .mod $(stat -c %s "$dl$mod_path") B, big zip $(awk -v b="$big_bytes" 'BEGIN { printf "%.1f MB", b / 1048576 }')"
echo
printf '%-5s | %10s %10s %6s | %8s %8s | %8s %8s | %9s %9s\n' \
  "" "agent r/s" "nginx r/s" "ratio" "agt p50" "ngx p50" "agt p99" "ngx p99" "agt MB/s" "ngx MB/s"
printf '%s\n' "------+-------------------------------+-------------------+-------------------+--------------------"
for ep in info mod zip; do
  printf '%-5s | %10.0f %10.0f %6s | %6.2fms %6.2fms | %6.2fms %6.2fms | %9.1f %9.1f\n' ".$ep" \
    "${R[agent,$ep,rps]}" "${R[nginx,$ep,rps]}" "$(ratio "${R[agent,$ep,rps]}" "${R[nginx,$ep,rps]}")" \
    "${R[agent,$ep,p50]}" "${R[nginx,$ep,p50]}" "${R[agent,$ep,p99]}" "${R[nginx,$ep,p99]}" \
    "${R[agent,$ep,mbps]}" "${R[nginx,$ep,mbps]}"
done
errs=0
for ep in info mod zip; do
  for s in agent nginx; do
    errs=$((errs + ${R[$s,$ep,err]}))
    ((${R[$s,$ep,err]} == 0)) || echo "warning: $s .$ep: ${R[$s,$ep,err]} errors/non-2xx answers in wrk runs"
  done
done
echo
echo "agent RSS: idle $(awk -v k="$rss_idle" 'BEGIN { printf "%.1f", k / 1024 }') MB; during ${RSS_SECONDS}s of $WRK_CONNS concurrent big-zip downloads ($rss_reqs done): max VmRSS $(awk -v k="$rss_max" 'BEGIN { printf "%.1f", k / 1024 }') MB, VmHWM $(awk -v k="$rss_hwm" 'BEGIN { printf "%.1f", k / 1024 }') MB"
echo
echo "go mod download of ${#mods[@]} module versions into an empty GOMODCACHE (median of $GO_RUNS):"
printf '  GOPROXY=agent  %6.3fs   (%sx nginx, %sx file://)\n' "$go_agent" "$(ratio "$go_agent" "$go_nginx")" "$(ratio "$go_agent" "$go_file")"
printf '  GOPROXY=nginx  %6.3fs\n' "$go_nginx"
printf '  GOPROXY=file:// %5.3fs   (floor)\n' "$go_file"
echo
echo "agent during the measurements: $hits cache hits, $misses misses"
echo
r_info=$(ratio "${R[agent,info,rps]}" "${R[nginx,info,rps]}")
r_mod=$(ratio "${R[agent,mod,rps]}" "${R[nginx,mod,rps]}")
r_zip=$(ratio "${R[agent,zip,mbps]}" "${R[nginx,zip,mbps]}")
r_go=$(ratio "$go_agent" "$go_nginx")
rss_mb=$(awk -v a="$rss_max" -v b="$rss_hwm" 'BEGIN { printf "%.1f", (a > b ? a : b) / 1024 }')
printf '%-40s %-14s %-10s %s\n' "target" "wanted" "measured" "verdict"
printf '%-40s %-14s %-10s %s\n' ".info hits, requests/s vs nginx" ">= 0.75x" "${r_info}x" "$(verdict "$r_info" ">=" 0.75)"
printf '%-40s %-14s %-10s %s\n' ".mod hits, requests/s vs nginx" ">= 0.75x" "${r_mod}x" "$(verdict "$r_mod" ">=" 0.75)"
printf '%-40s %-14s %-10s %s\n' "big .zip throughput vs nginx" ">= 0.90x" "${r_zip}x" "$(verdict "$r_zip" ">=" 0.90)"
printf '%-40s %-14s %-10s %s\n' "agent RSS, 16 concurrent zip downloads" "< 50 MB" "${rss_mb} MB" "$(verdict "$rss_mb" "<=" 49.999)"
printf '%-40s %-14s %-10s %s\n' "warm go mod download vs nginx" "<= 1.10x" "${r_go}x" "$(verdict "$r_go" "<=" 1.10)"
((misses == 0)) || echo "warning: the agent had $misses cache misses during the measurements"
