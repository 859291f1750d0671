# The man page, generated from the command definitions at build time: groff
# renders it without a warning, man reads it, and it has a section for every
# command `gpx --help` reaches.
for tool in groff man; do
  command -v "$tool" >/dev/null || fail "$tool not found; install Debian's groff-base and man-db (packaging/setup.sh test)"
done
"$GPX" man >"$WORK/gpx.1" || fail "gpx man failed"
if [ -n "${GPX_BUILD_DIR:-}" ]; then
  cmp -s "$WORK/gpx.1" "$GPX_BUILD_DIR/packaging/share/man/man1/gpx.1" || fail "the build's gpx.1 differs from 'gpx man'"
fi
# groff -ww: every warning; -z: no output but them.
groff -ww -man -Tutf8 -z "$WORK/gpx.1" 2>"$WORK/groff.err" || fail "groff failed: $(cat "$WORK/groff.err")"
[ ! -s "$WORK/groff.err" ] || fail "groff warns: $(cat "$WORK/groff.err")"
MANWIDTH=100 man --warnings -l "$WORK/gpx.1" >"$WORK/man.txt" 2>"$WORK/man.err" || fail "man -l failed: $(cat "$WORK/man.err")"
[ ! -s "$WORK/man.err" ] || fail "man -l warns: $(cat "$WORK/man.err")"
grep -q "^NAME" "$WORK/man.txt" || fail "man -l rendered no NAME section: $(head "$WORK/man.txt")"

# Every leaf command (one with no subcommands) has its section, every flag
# of it is there, and so is every config key.
help_section() { # SECTION ARGS...: the first column of a section of `gpx ARGS --help`
  "$GPX" "${@:2}" --help | awk -v s="$1:" '$0 == s {on = 1; next} /^[^ ]/ || /^$/ {on = 0} on && /^  [^ ]/ {print $1}'
}
check_man() { # ARGS...: the command path below gpx
  local subs flag sub
  subs=$(help_section Subcommands "$@")
  if [ -z "$subs" ]; then
    grep -q "^   gpx $* " "$WORK/man.txt" || grep -qx "   gpx $*" "$WORK/man.txt" || fail "man page: no section for gpx $*"
    for flag in $(help_section Options "$@" | tr ',' '\n'); do
      [ "$flag" = -h ] || [ "$flag" = --help ] && continue
      # The section's text, up to the next command's heading.
      awk -v h="   gpx $*" 'index($0, h) == 1 && (length($0) == length(h) || substr($0, length(h) + 1, 1) == " ") {on = 1; next} /^   gpx / {on = 0} on' "$WORK/man.txt" |
        grep -qe "$flag" || fail "man page: gpx $* lacks $flag"
    done
  fi
  for sub in $subs; do check_man "$@" "$sub"; done
}
check_man
grep -q "^CONFIGURATION" "$WORK/man.txt" || fail "man page: no CONFIGURATION section"
for key in max_size listen upstream private; do
  grep -qE "^       $key( |$)" "$WORK/man.txt" || fail "man page: config key $key missing"
done
grep -q "^EXIT STATUS" "$WORK/man.txt" || fail "man page: no EXIT STATUS section"
