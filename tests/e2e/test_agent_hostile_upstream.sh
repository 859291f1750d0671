# A hostile upstream, end to end (hardening findings 7, 8 and 9 through
# the fault harness): an https upstream that redirects to http, a redirect
# to another host while netrc holds credentials for the first, a zip that
# never ends, and a go-get page that names a local repository.

start_goproxy_test
export GOPROXY GOSUMDB=off GOMODCACHE="$WORK/modcache" GOFLAGS=-modcacherw

# A throw-away CA whose server certificate covers 127.0.0.1 and 127.0.0.3.
pki="$WORK/pki"
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=gpx-test-ca -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,IP:127.0.0.3\n' >"$pki/san.ext"
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
  -extfile "$pki/san.ext" -out "$pki/server.pem" 2>/dev/null
tls_args=(--tls-cert "$pki/server.pem" --tls-key "$pki/server.key")

auth_count() { curl -sk "$1/_fault/auth"; }

# --- https → http: refused, and the password never goes out in clear.
start_fault_upstream
plain=$FAULT_URL
plain_port=${plain##*:}
start_fault_upstream "${tls_args[@]}" --rule "/rsc.io/quote/@v/v1.5.2.mod=redirect:$plain"
tls=$FAULT_URL
printf 'machine 127.0.0.1 login corp password s3cret-netrc\n' >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
printf 'ca_file = "%s"\n' "$pki/ca.pem" >"$WORK/tls.toml"
start_agent --cache-dir "$WORK/cache1" --upstream "$tls" --config "$WORK/tls.toml"
GOPROXY=$AGENT_URL
if "$GO" mod download -json rsc.io/quote@v1.5.2 >"$WORK/dl.json" 2>&1; then
  fail "an https upstream's redirect to http was followed: $(cat "$WORK/dl.json")"
fi
expect_eq "requests with credentials at the http target" "$(auth_count "$plain")" "0"
[ ! -e "$WORK/cache1/download/rsc.io/quote/@v/v1.5.2.mod" ] || fail "the redirected answer was cached"
grep -qi "redirect" "$WORK/agent.stderr" "$WORK/dl.json" || fail "nobody said a redirect was refused: $(cat "$WORK/dl.json")"
stop_agent

# --- a redirect to another host: followed, but without the credentials
# that are for the first host (netrc's default entry is ignored too).
printf 'machine 127.0.0.1 login corp password s3cret-netrc\ndefault login any password s3cret-default\n' >"$HOME/.netrc"
start_fault_upstream --rule "/rsc.io/quote/@v/v1.5.1.mod=redirect:http://localhost:$plain_port"
first=$FAULT_URL
start_agent --cache-dir "$WORK/cache2" --upstream "$first"
GOPROXY=$AGENT_URL
go_download rsc.io/quote@v1.5.1
[ "$(auth_count "$first")" -gt 0 ] || fail "the netrc entry for 127.0.0.1 was not used at all (the test proves nothing)"
expect_eq "requests with credentials at the other host" "$(auth_count "$plain")" "0"
stop_agent

# --- a zip that never ends: cut off at the module zip limit (500 MiB),
# nothing cached, nothing left in tmp/.
curl -s "$plain/_fault/set?path=/rsc.io/quote/@v/v1.5.0.zip&fault=oversize:640" >/dev/null
start_agent --cache-dir "$WORK/cache3" --upstream "$plain"
got=$(curl -s -o /dev/null -w '%{size_download}' "$AGENT_URL/rsc.io/quote/@v/v1.5.0.zip" || true)
[ "${got:-0}" -le $((500 * 1024 * 1024 + 1024 * 1024)) ] || fail "the agent passed on $got bytes of a zip"
[ ! -e "$WORK/cache3/download/rsc.io/quote/@v/v1.5.0.zip" ] || fail "the endless zip was cached"
left=$(du -sk "$WORK/cache3/tmp" | cut -f1)
[ "$left" -lt 1024 ] || fail "tmp/ holds ${left} kB after the endless zip"
stop_agent

# --- go-get discovery naming a local repository (file://): refused, and
# nothing cloned. The page is served at https://127.0.0.3/ (port 443).
mkdir -p "$WORK/repos/x"
"$GIT" -C "$WORK/repos/x" init -q -b main
start_fault_upstream "${tls_args[@]}" --listen 127.0.0.3:443 --rule "/team/x=goget:file://$WORK/repos/x"
cat >"$WORK/agent.toml" <<EOF2
private = "127.0.0.3"
ca_file = "$pki/ca.pem"
EOF2
start_agent --cache-dir "$WORK/cache4" --upstream off --config "$WORK/agent.toml"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' "$AGENT_URL/127.0.0.3/team/x/@v/list")
[ "$code" != 200 ] || fail "a go-import tag pointing at file:// was followed: $(cat "$WORK/body")"
grep -q "file" "$WORK/body" || fail "the refusal does not name the bad root: $(cat "$WORK/body")"
[ -z "$(ls -A "$WORK/cache4/git" 2>/dev/null)" ] || fail "a repository was cloned: $(ls "$WORK/cache4/git")"
