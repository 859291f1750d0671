# Private modules from git servers that want credentials, on loopback:
#   - ssh: Debian's sshd, key-only, a throw-away key; the agent gets in with
#     the configured key (git_ssh_key) or through the ssh-agent, and fails
#     clearly with a wrong key or an unknown host key;
#   - smart HTTP: git-http-backend behind lighttpd with basic auth, plain and
#     over TLS; the agent gets in with a netrc entry or a git credential
#     helper, and fails clearly without or with a wrong password, or when
#     the server's certificate is not trusted.
# The repositories are reached through git_remotes rules. No secret may
# appear in the agent's log or anywhere in its cache.

SSHD=$(command -v sshd || echo /usr/sbin/sshd)
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
BACKEND=$("$GIT" --exec-path)/git-http-backend
for tool in "$SSHD" "$LIGHTTPD" "$BACKEND"; do
  [ -x "$tool" ] || fail "$tool is missing: install openssh-server and lighttpd (bash packaging/setup.sh test)"
done
for tool in ssh-keygen ssh-agent ssh-add; do
  command -v "$tool" >/dev/null || fail "$tool is missing: install openssh-client (bash packaging/setup.sh test)"
done

"$GIT" config --global user.email test@example.com
"$GIT" config --global user.name test
password='s3cret-Pa55word'

# The repository both servers serve.
srv="$WORK/srv"
git_repo "$WORK/src"
printf 'module corp.example/private\n\ngo 1.21\n' >"$WORK/src/go.mod"
echo 'package private' >"$WORK/src/private.go"
git_commit "$WORK/src" one
"$GIT" -C "$WORK/src" tag v1.0.0
mkdir -p "$srv"
"$GIT" clone -q --bare "$WORK/src" "$srv/private.git"
"$GIT" -C "$srv/private.git" config http.receivepack false

# --- ssh server, key-only.
mkdir -p "$WORK/ssh" "$HOME/.ssh"
chmod 700 "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh/client_key"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh/other_key"
cp "$WORK/ssh/client_key.pub" "$WORK/ssh/authorized_keys"
user=$(id -un)
free_port ssh_port
cat >"$WORK/ssh/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $ssh_port
HostKey $WORK/ssh/host_key
AuthorizedKeysFile $WORK/ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $WORK/ssh/sshd.pid
AllowUsers $user
EOF
[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
spawn_announced 30 stderr "$WORK/sshd.log" "$WORK/sshd.stdout" "$SSHD" -D -e -f "$WORK/ssh/sshd_config"
case "$SPAWNED_LINE" in
  *"Server listening on 127.0.0.1 port $ssh_port"*) ;;
  *) cat "$WORK/sshd.log" >&2; fail "sshd did not start: [$SPAWNED_LINE]" ;;
esac
known_host="[127.0.0.1]:$ssh_port $(cut -d' ' -f1,2 "$WORK/ssh/host_key.pub")"

# --- smart HTTP with basic auth, plain and over TLS (a throw-away CA).
free_port http_port
free_port https_port
[ "$https_port" != "$http_port" ] || free_port https_port
mkdir -p "$WORK/www" "$WORK/pki"
echo "alice:$password" >"$WORK/htpasswd"
(
  cd "$WORK/pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=gpx-test-ca -keyout ca.key -out ca.pem
  # A DNS name: libgit2's TLS (mbedTLS) matches names, not IP addresses.
  echo "subjectAltName=DNS:localhost" >san.ext
  openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem
) >/dev/null 2>&1 || fail "openssl could not make the test certificates"
cat >"$WORK/lighttpd.conf" <<EOF
server.bind = "127.0.0.1"
server.port = $http_port
server.document-root = "$WORK/www"
server.modules = ("mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi", "mod_openssl")
\$SERVER["socket"] == "127.0.0.1:$https_port" {
  ssl.engine = "enable"
  ssl.pemfile = "$WORK/pki/server.pem"
  ssl.privkey = "$WORK/pki/server.key"
}
alias.url = ("/git" => "$BACKEND")
\$HTTP["url"] =~ "^/git" {
  cgi.assign = ("" => "")
  setenv.add-environment = ("GIT_PROJECT_ROOT" => "$srv", "GIT_HTTP_EXPORT_ALL" => "")
}
auth.backend = "plain"
auth.backend.plain.userfile = "$WORK/htpasswd"
auth.require = ("/git" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
EOF
spawn_announced 30 stderr "$WORK/lighttpd.log" "$WORK/lighttpd.stdout" "$LIGHTTPD" -D -f "$WORK/lighttpd.conf"
case "$SPAWNED_LINE" in
  *"server started"*) ;;
  *) cat "$WORK/lighttpd.log" >&2; fail "lighttpd did not start: [$SPAWNED_LINE]" ;;
esac
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/git/private.git/info/refs?service=git-upload-pack")
expect_eq "git-http-backend without credentials" "$code" 401
code=$(curl -s -o /dev/null -w '%{http_code}' -u "alice:$password" "http://127.0.0.1:$http_port/git/private.git/info/refs?service=git-upload-pack")
expect_eq "git-http-backend with credentials" "$code" 200

# with_agent NAME [KEY=VALUE...]: a fresh agent (own cache) whose config
# maps ssh.corp.example/* and http.corp.example/* to the two servers.
with_agent() {
  local name=$1 kv
  shift
  stop_agent
  {
    echo 'private = "ssh.corp.example,http.corp.example,https.corp.example"'
    echo "cache_dir = \"$WORK/cache-$name\""
    echo "git_remotes = \"ssh.corp.example/*=ssh://$user@127.0.0.1:$ssh_port$srv/{path}.git, http.corp.example/*=http://127.0.0.1:$http_port/git/{path}.git, https.corp.example/*=https://localhost:$https_port/git/{path}.git\""
    for kv in "$@"; do echo "$kv"; done
  } >"$WORK/agent-$name.toml"
  start_agent --cache-dir "$WORK/cache-$name" --upstream off --config "$WORK/agent-$name.toml"
}

# download NAME MODULE: go mod download through the agent; stdout JSON in
# $WORK/NAME.json, exit status returned.
download() {
  local rc=0
  (GOPROXY="$AGENT_URL" GONOSUMDB=corp.example GOMODCACHE="$WORK/mc-$1" \
    "$GO" mod download -json "$2@v1.0.0" >"$WORK/$1.json" 2>/dev/null) || rc=$?
  return $rc
}

expect_ok() {
  download "$1" "$2" || { cat "$WORK/$1.json" "$WORK/agent.stderr" >&2; fail "$1: go mod download $2 failed through the agent"; }
  expect_eq "$1: version" "$(json_field "$WORK/$1.json" Version)" v1.0.0
}
# expect_denied NAME MODULE TEXT...: fails, and go shows every TEXT.
expect_denied() {
  local name=$1 mod=$2 t
  shift 2
  if download "$name" "$mod"; then
    fail "$name: go mod download $mod should have failed"
  fi
  for t in "$@"; do
    grep -qF -- "$t" "$WORK/$name.json" || { cat "$WORK/$name.json" >&2; fail "$name: the error should say [$t]"; }
  done
}

# --- ssh
echo "$known_host" >"$HOME/.ssh/known_hosts"
with_agent ssh-key "git_ssh_key = \"$WORK/ssh/client_key\""
expect_ok ssh-key ssh.corp.example/private

# gpx doctor probes the remotes of the agent's mirrors with the same credentials.
doctor_line() { # NAME: gpx doctor's line about the git remote, with that agent's config
  GPX_CONFIG="$WORK/agent-$1.toml" "$GPX" doctor >"$WORK/doctor-$1" 2>&1 || true
  grep "git ssh.corp.example/private" "$WORK/doctor-$1" || true
}
line=$(doctor_line ssh-key)
case "$line" in "ok    git ssh.corp.example/private: ssh://$user@127.0.0.1:$ssh_port"*" answers") ;; *) cat "$WORK/doctor-ssh-key" >&2; fail "doctor, right key: [$line]" ;; esac

with_agent ssh-wrong-key "git_ssh_key = \"$WORK/ssh/other_key\""
expect_denied ssh-wrong-key ssh.corp.example/private "authentication failed" "key $WORK/ssh/other_key" "ssh://$user@127.0.0.1:$ssh_port"
line=$(doctor_line ssh-wrong-key)
case "$line" in "FAIL  git ssh.corp.example/private: "*"authentication failed"*) ;; *) cat "$WORK/doctor-ssh-wrong-key" >&2; fail "doctor, wrong key: [$line]" ;; esac

with_agent ssh-missing-key "git_ssh_key = \"$WORK/ssh/no_such_key\""
expect_denied ssh-missing-key ssh.corp.example/private "authentication failed" "no such file"

# The ssh-agent, with no key configured and none in ~/.ssh.
eval "$(ssh-agent -s)" >/dev/null
ssh-add -q "$WORK/ssh/client_key" 2>/dev/null
with_agent ssh-agent
expect_ok ssh-agent ssh.corp.example/private
ssh-agent -k >/dev/null
unset SSH_AUTH_SOCK SSH_AGENT_PID

# An unknown host key is refused, whatever the credentials.
: >"$HOME/.ssh/known_hosts"
with_agent ssh-unknown-host "git_ssh_key = \"$WORK/ssh/client_key\""
expect_denied ssh-unknown-host ssh.corp.example/private "known_hosts"
echo "$known_host" >"$HOME/.ssh/known_hosts"

# --- smart HTTP
with_agent http-none "git_credential_helper = false"
expect_denied http-none http.corp.example/private "authentication failed" "http://127.0.0.1:$http_port/git/private.git"

printf 'machine 127.0.0.1\n  login alice\n  password wrong-password\n' >"$HOME/.netrc"
with_agent http-wrong "git_credential_helper = false"
expect_denied http-wrong http.corp.example/private "authentication failed" "netrc entry for 127.0.0.1"

printf 'machine 127.0.0.1\n  login alice\n  password %s\nmachine localhost\n  login alice\n  password %s\n' "$password" "$password" >"$HOME/.netrc"
with_agent http-netrc
expect_ok http-netrc http.corp.example/private
# HTTPS: the server's certificate is checked (against ca_file here).
with_agent https-ca "ca_file = \"$WORK/pki/ca.pem\""
expect_ok https-ca https.corp.example/private
with_agent https-no-ca
expect_denied https-no-ca https.corp.example/private "https://localhost:$https_port/git/private.git" "certificate" "set ca_file"
rm "$HOME/.netrc"

# A credential helper (git's own store) and no netrc.
printf 'http://alice:%s@127.0.0.1:%s\n' "$password" "$http_port" >"$WORK/git-credentials"
"$GIT" config --global credential.helper "store --file=$WORK/git-credentials"
with_agent http-helper
expect_ok http-helper http.corp.example/private
with_agent http-helper-off "git_credential_helper = false"
expect_denied http-helper-off http.corp.example/private "authentication failed"
"$GIT" config --global --unset credential.helper
stop_agent

# --- No secret anywhere the agent writes.
if grep -rqF -- "$password" "$WORK"/agent.* "$WORK"/cache-*; then
  grep -rlF -- "$password" "$WORK"/agent.* "$WORK"/cache-* >&2
  fail "the password appears in the agent's log or cache"
fi
if grep -rqF -- "$(sed -n 2p "$WORK/ssh/client_key")" "$WORK"/cache-*; then
  fail "the private key appears in the agent's cache"
fi
echo "e2e: ssh (key, ssh-agent, wrong key, missing key, unknown host) and smart HTTP (netrc, helper, none, wrong, TLS with and without the CA) checked"
