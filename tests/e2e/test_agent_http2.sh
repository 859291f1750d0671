# An HTTPS upstream that offers HTTP/2 (lighttpd with mod_openssl, h2 in
# ALPN) gets it: sequential misses go over one connection, every answer
# over h2, as /metrics counts them; misses at once are multiplexed on that
# one connection (answers held 0.3 s by a CGI, so that they overlap). A
# plain-http upstream stays on HTTP/1.1 keep-alive (one connection too, no
# h2). A zip past split_size is split into ranges over HTTP/1.1 only. After
# upstream_idle without a transfer, libcurl is unloaded and comes back.
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
[ -x "$LIGHTTPD" ] || fail "lighttpd is missing: install lighttpd and lighttpd-mod-openssl (bash packaging/setup.sh test)"

# --- a GOPROXY directory: eight versions of one module, zips by gpx itself.
proxy="$WORK/proxy"
mkdir -p "$proxy/example.com/h2/@v"
versions=(v1.0.0 v1.1.0 v1.2.0 v1.3.0 v1.4.0 v1.5.0 v1.6.0 v1.7.0)
for v in "${versions[@]}"; do
  mkdir -p "$WORK/src-$v"
  printf 'module example.com/h2\n\ngo 1.21\n' >"$WORK/src-$v/go.mod"
  printf 'package h2\n\nconst Version = "%s"\n' "$v" >"$WORK/src-$v/h2.go"
  "$GPX" zip create "example.com/h2@$v" "$WORK/src-$v" -o "$proxy/example.com/h2/@v/$v.zip" >/dev/null
  cp "$WORK/src-$v/go.mod" "$proxy/example.com/h2/@v/$v.mod"
  printf '{"Version":"%s","Time":"2024-01-01T00:00:00Z"}\n' "$v" >"$proxy/example.com/h2/@v/$v.info"
done

# --- lighttpd: TLS with h2 on one port, plain http on another.
mkdir -p "$WORK/pki"
(
  cd "$WORK/pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=gpx-test-ca -keyout ca.key -out ca.pem
  echo "subjectAltName=IP:127.0.0.1" >san.ext
  openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem
) >/dev/null 2>&1 || fail "openssl could not make the test certificates"
free_port http_port
free_port https_port
[ "$https_port" != "$http_port" ] || free_port https_port
# Under /slow/, a zip is answered by a CGI that waits 0.3 s first.
cat >"$WORK/slowcat.sh" <<'EOF'
#!/bin/sh
sleep 0.3
printf 'Content-Type: application/zip\r\n\r\n'
exec cat "$1"
EOF
chmod +x "$WORK/slowcat.sh"
cat >"$WORK/lighttpd.conf" <<EOF
server.bind = "127.0.0.1"
server.port = $http_port
server.document-root = "$proxy"
server.modules = ("mod_openssl", "mod_alias", "mod_cgi")
server.feature-flags = ("server.h2proto" => "enable")
mimetype.assign = (".zip" => "application/zip", ".info" => "application/json", "" => "text/plain")
alias.url = ("/slow/" => "$proxy/")
\$HTTP["url"] =~ "^/slow/" {
  cgi.assign = (".zip" => "$WORK/slowcat.sh")
}
\$SERVER["socket"] == "127.0.0.1:$https_port" {
  ssl.engine = "enable"
  ssl.pemfile = "$WORK/pki/server.pem"
  ssl.privkey = "$WORK/pki/server.key"
}
EOF
spawn_announced 30 stderr "$WORK/lighttpd.log" "$WORK/lighttpd.stdout" "$LIGHTTPD" -D -f "$WORK/lighttpd.conf"
LIGHTTPD_PID=$SPAWNED_PID
case "$SPAWNED_LINE" in
  *"server started"*) ;;
  *) cat "$WORK/lighttpd.log" >&2; fail "lighttpd did not start: [$SPAWNED_LINE]" ;;
esac
# The stand-in really offers h2 (else the test below would prove nothing).
got=$(curl -sS --http2 --cacert "$WORK/pki/ca.pem" -o /dev/null -w '%{http_version}' \
  "https://127.0.0.1:$https_port/example.com/h2/@v/v1.0.0.mod")
expect_eq "lighttpd's protocol over TLS" "$got" 2

metric() { curl -fsS "$AGENT_URL/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }

# fetch_all: every .mod and .zip once through the agent, one after the
# other, each checked against the file it came from.
fetch_all() {
  local v ext
  for v in v1.0.0 v1.1.0 v1.2.0 v1.3.0; do
    for ext in mod zip; do
      curl -fsS -o "$WORK/got.$ext" "$AGENT_URL/example.com/h2/@v/$v.$ext" || fail "GET $v.$ext through the agent failed"
      cmp -s "$WORK/got.$ext" "$proxy/example.com/h2/@v/$v.$ext" || fail "$v.$ext differs from the upstream's"
    done
  done
}

# --- over TLS: one connection, eight answers over HTTP/2.
GPX_CA_FILE="$WORK/pki/ca.pem" start_agent --cache-dir "$WORK/cache-tls" --upstream "https://127.0.0.1:$https_port"
fetch_all
expect_eq "misses (TLS)" "$(metric gpx_cache_misses_total)" 8
expect_eq "upstream connections for 8 sequential misses (TLS)" "$(metric gpx_upstream_connections_opened_total)" 1
expect_eq "answers over HTTP/2 (TLS)" "$(metric gpx_upstream_http2_responses_total)" 8
stop_agent

# --- over TLS, eight zip misses at once: one connection, eight h2 streams.
GPX_CA_FILE="$WORK/pki/ca.pem" start_agent --cache-dir "$WORK/cache-mux" --upstream "https://127.0.0.1:$https_port/slow"
started=$(date +%s%N)
pids=()
for v in "${versions[@]}"; do
  curl -fsS -o "$WORK/mux-$v.zip" "$AGENT_URL/example.com/h2/@v/$v.zip" &
  pids+=($!)
done
for p in "${pids[@]}"; do
  wait "$p" || fail "a concurrent zip miss through the agent failed"
done
ms=$((($(date +%s%N) - started) / 1000000))
for v in "${versions[@]}"; do
  cmp -s "$WORK/mux-$v.zip" "$proxy/example.com/h2/@v/$v.zip" || fail "$v.zip (concurrent) differs from the upstream's"
done
# They overlapped (else one connection would prove nothing): eight 0.3 s
# answers one after another take 2.4 s.
[ "$ms" -lt 2000 ] || fail "8 concurrent misses took ${ms} ms: not concurrent"
expect_eq "upstream connections for 8 concurrent misses (TLS)" "$(metric gpx_upstream_connections_opened_total)" 1
expect_eq "answers over HTTP/2 (concurrent)" "$(metric gpx_upstream_http2_responses_total)" 8
stop_agent

# --- plain http: HTTP/1.1 keep-alive, still one connection.
start_agent --cache-dir "$WORK/cache-http" --upstream "http://127.0.0.1:$http_port"
fetch_all
expect_eq "upstream connections for 8 sequential misses (http)" "$(metric gpx_upstream_connections_opened_total)" 1
expect_eq "answers over HTTP/2 (http)" "$(metric gpx_upstream_http2_responses_total)" 0
stop_agent

# --- a zip past split_size: over HTTP/2 every range would share the one
# connection, so the agent asks for it whole; over plain HTTP/1.1 it splits
# it into ranges, each on a connection of its own.
mkdir -p "$proxy/example.com/big/@v" "$WORK/src-big"
printf 'module example.com/big\n\ngo 1.21\n' >"$WORK/src-big/go.mod"
head -c $((3 << 20)) /dev/urandom >"$WORK/src-big/blob.bin"
"$GPX" zip create "example.com/big@v1.0.0" "$WORK/src-big" -o "$proxy/example.com/big/@v/v1.0.0.zip" >/dev/null
fetch_big() {
  curl -fsS -o "$WORK/big.zip" "$AGENT_URL/example.com/big/@v/v1.0.0.zip" || fail "GET the big zip through the agent ($1) failed"
  cmp -s "$WORK/big.zip" "$proxy/example.com/big/@v/v1.0.0.zip" || fail "the big zip ($1) differs from the upstream's"
}
GPX_SPLIT_SIZE=1MiB GPX_CA_FILE="$WORK/pki/ca.pem" start_agent --cache-dir "$WORK/cache-big-tls" --upstream "https://127.0.0.1:$https_port"
fetch_big TLS
expect_eq "range requests for a big zip over HTTP/2" "$(metric gpx_upstream_range_requests_total)" 0
expect_eq "upstream connections for a big zip over HTTP/2" "$(metric gpx_upstream_connections_opened_total)" 1
stop_agent
GPX_SPLIT_SIZE=1MiB start_agent --cache-dir "$WORK/cache-big-http" --upstream "http://127.0.0.1:$http_port"
fetch_big http
[ "$(metric gpx_upstream_range_requests_total)" -ge 2 ] || fail "a big zip over HTTP/1.1 was not split: $(metric gpx_upstream_range_requests_total) range requests"
stop_agent

# --- quiet for upstream_idle: libcurl is unloaded, its connection closed,
# and the next miss loads it again (TLS and all).
mapped() { grep -q '/libcurl\.so' "/proc/$AGENT_PID/maps"; }
GPX_UPSTREAM_IDLE=1s GPX_CA_FILE="$WORK/pki/ca.pem" start_agent --cache-dir "$WORK/cache-idle" --upstream "https://127.0.0.1:$https_port"
! mapped || fail "libcurl loaded before any miss"
for round in 1 2 3; do
  v=${versions[$round]}
  curl -fsS -o "$WORK/idle.zip" "$AGENT_URL/example.com/h2/@v/$v.zip" || fail "GET $v.zip (round $round) failed"
  cmp -s "$WORK/idle.zip" "$proxy/example.com/h2/@v/$v.zip" || fail "$v.zip (round $round) differs from the upstream's"
  mapped || fail "libcurl not loaded after a miss (round $round)"
  for _ in $(seq 50); do mapped || break; sleep 0.1; done
  ! mapped || fail "libcurl still loaded 5 s after the last transfer, upstream_idle 1s (round $round)"
done
expect_eq "upstream connections, one per quiet spell" "$(metric gpx_upstream_connections_opened_total)" 3
stop_agent

kill "$LIGHTTPD_PID" 2>/dev/null || true
wait "$LIGHTTPD_PID" 2>/dev/null || true
