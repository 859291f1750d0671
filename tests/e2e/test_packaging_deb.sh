# The .deb: cpack builds it from the build dir alone, it holds the binary,
# the user units, the completions, the man page and the README, and it
# installs and removes cleanly with dpkg. Installs into the real /usr, so it needs root (or sudo -n).
: "${GPX_BUILD_DIR:?GPX_BUILD_DIR must name the build directory (ctest sets it)}"
cpack=$(sed -n 's/^CMAKE_CPACK_COMMAND:INTERNAL=//p' "$GPX_BUILD_DIR/CMakeCache.txt")
[ -x "$cpack" ] || fail "no cpack in $GPX_BUILD_DIR/CMakeCache.txt; install cmake"
for tool in dpkg-deb dpkg-shlibdeps file flock; do
  command -v "$tool" >/dev/null || fail "$tool not found; install dpkg-dev, file, util-linux (packaging/setup.sh test)"
done
version=$("$GPX" --version) || fail "$GPX --version failed"
version=${version#gpx }

# The package goes to $WORK; nothing is written to the build dir.
"$cpack" -G DEB -B "$WORK/deb" --config "$GPX_BUILD_DIR/CPackConfig.cmake" >"$WORK/cpack.log" 2>&1 ||
  { cat "$WORK/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$WORK/deb/gpx_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $deb: $(ls "$WORK/deb")"

dpkg-deb -c "$deb" | awk '{print $6}' >"$WORK/contents"
for f in ./usr/bin/gpx ./usr/lib/systemd/user/gpx-agent.socket ./usr/lib/systemd/user/gpx-agent.service \
  ./usr/share/bash-completion/completions/gpx ./usr/share/zsh/vendor-completions/_gpx \
  ./usr/share/fish/vendor_completions.d/gpx.fish ./usr/share/gpx/dev.gpx.agent.plist ./usr/share/man/man1/gpx.1 ./usr/share/doc/gpx/README.md; do
  grep -qxF "$f" "$WORK/contents" || fail "$f missing from the .deb: $(cat "$WORK/contents")"
done
expect_eq "package name" "$(dpkg-deb -f "$deb" Package)" "gpx"
expect_eq "package version" "$(dpkg-deb -f "$deb" Version)" "$version"
expect_eq "package section" "$(dpkg-deb -f "$deb" Section)" "devel"
# dpkg-shlibdeps found the libraries the binary links; libcurl4 is named
# because gpx loads it at run time.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libstdc++6 libssl3 libcurl4; do
  tr ',' '\n' <<<"$depends" | awk '{print $1}' | grep -xF "$lib" >/dev/null || fail "Depends lacks $lib: [$depends]"
done

# --- Install it for real, then remove it. A gpx that is already there is
# somebody's: the test neither replaces nor removes it.
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo -n true 2>/dev/null || fail "installing the .deb needs root or password-less sudo"
  sudo=(sudo -n)
fi
if dpkg-query -W -f='${Status}' gpx 2>/dev/null | grep "ok installed" >/dev/null; then
  fail "a gpx package is installed already; remove it (dpkg -r gpx) to run this test"
fi
[ ! -e /usr/bin/gpx ] || fail "/usr/bin/gpx exists and belongs to no package; move it away to run this test"
# Two suites (normal, ASan) installing at once would remove each other's.
exec {dpkg_lock}>"${TMPDIR:-/tmp}/gpx-e2e-dpkg.lock"
flock -w 300 "$dpkg_lock" || fail "could not lock ${TMPDIR:-/tmp}/gpx-e2e-dpkg.lock"

# deb_fail MESSAGE: removes the package, then fails.
deb_fail() {
  "${sudo[@]}" dpkg -r gpx >"$WORK/dpkg-r.log" 2>&1 || cat "$WORK/dpkg-r.log" >&2
  fail "$@"
}
"${sudo[@]}" dpkg -i "$deb" >"$WORK/dpkg-i.log" 2>&1 || { cat "$WORK/dpkg-i.log" >&2; deb_fail "dpkg -i failed"; }
got=$(/usr/bin/gpx --version 2>&1) || deb_fail "/usr/bin/gpx --version failed: $got"
[ "$got" = "gpx $version" ] || deb_fail "/usr/bin/gpx --version: got [$got], want [gpx $version]"
grep -qx "ExecStart=/usr/bin/gpx agent run" /usr/lib/systemd/user/gpx-agent.service ||
  deb_fail "installed service does not run /usr/bin/gpx: $(cat /usr/lib/systemd/user/gpx-agent.service)"
grep -qx "ListenStream=127.0.0.1:7070" /usr/lib/systemd/user/gpx-agent.socket ||
  deb_fail "installed socket: $(cat /usr/lib/systemd/user/gpx-agent.socket)"
# The installed completions and man page are the installed binary's own.
/usr/bin/gpx completion bash | cmp -s - /usr/share/bash-completion/completions/gpx ||
  deb_fail "installed bash completion differs from 'gpx completion bash'"
/usr/bin/gpx completion fish | cmp -s - /usr/share/fish/vendor_completions.d/gpx.fish ||
  deb_fail "installed fish completion differs from 'gpx completion fish'"
/usr/bin/gpx man | cmp -s - /usr/share/man/man1/gpx.1 || deb_fail "installed gpx.1 differs from 'gpx man'"
"${sudo[@]}" dpkg -r gpx >"$WORK/dpkg-r.log" 2>&1 || { cat "$WORK/dpkg-r.log" >&2; fail "dpkg -r gpx failed"; }
for f in /usr/bin/gpx /usr/lib/systemd/user/gpx-agent.service /usr/share/zsh/vendor-completions/_gpx \
  /usr/share/fish/vendor_completions.d/gpx.fish /usr/share/man/man1/gpx.1; do
  [ ! -e "$f" ] || fail "$f left behind by dpkg -r"
done
exec {dpkg_lock}>&-
