# Private modules are the developer's own code (hardening finding 5): the
# cache directory is 0700, and the agent serves a private module only to
# its own user's processes; another local user's request for one is
# refused with 403 (public modules are still served to anyone, as any
# module proxy would). The other user is `nobody`, through setpriv.

command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed"
[ "$(id -u)" -ne 65534 ] || fail "run as a user other than nobody"

start_goproxy_test
use_direct_mode "$WORK/repos"
r="$WORK/repos/team/secret.git"
git_repo "$r"
printf 'module git.corp.example/team/secret.git\n\ngo 1.21\n' >"$r/go.mod"
echo 'package secret' >"$r/secret.go"
git_commit "$r" one
"$GIT" -C "$r" tag v1.0.0

cat >"$WORK/agent.toml" <<EOF2
private = "git.corp.example"
EOF2
start_agent --cache-dir "$WORK/cache" --upstream "$UPSTREAM_URL" --config "$WORK/agent.toml"
export GOPROXY="$AGENT_URL" GOSUMDB=off GOMODCACHE="$WORK/modcache"

# The agent's own user gets the private module.
go_download git.corp.example/team/secret.git@v1.0.0
expect_eq "private module for the agent's own user" "$DL_VERSION" "v1.0.0"
expect_eq "cache directory mode" "$(stat -c %a "$WORK/cache")" "700"

# Another local user: public yes, private no, with a reason.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
code=$(as_nobody curl -s -o /dev/null -w '%{http_code}' "$AGENT_URL/rsc.io/quote/@v/v1.5.2.mod")
expect_eq "public module for another user" "$code" "200"
for path in /git.corp.example/team/secret.git/@v/list /git.corp.example/team/secret.git/@v/v1.0.0.zip \
            /git.corp.example/team/secret.git/@v/v1.0.0.info /git.corp.example/team/secret.git/@latest; do
  body=$(as_nobody curl -s -w '\n%{http_code}' "$AGENT_URL$path")
  expect_eq "another user asks for $path" "${body##*$'\n'}" "403"
  case "$body" in
    *"private module"*) ;;
    *) fail "403 without its reason: $body" ;;
  esac
done
# The same user again, to be sure the refusal is about the user.
code=$(curl -s -o /dev/null -w '%{http_code}' "$AGENT_URL/git.corp.example/team/secret.git/@v/list")
expect_eq "private list for the agent's own user" "$code" "200"
