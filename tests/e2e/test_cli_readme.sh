# The README's command table matches `gpx --help`: every command has a row,
# every flag a row shows is one the command takes, and every flag a command
# takes is in its row. A command or flag added without its documentation
# fails here.
README=$E2E_DIR/../../README.md
[ -f "$README" ] || fail "no README at $README"

help_section() { # SECTION ARGS...: the first column of a section of `gpx ARGS --help`
  "$GPX" "${@:2}" --help | awk -v s="$1:" '$0 == s {on = 1; next} /^[^ ]/ || /^$/ {on = 0} on && /^  [^ ]/ {print $1}'
}

# The table's first column, one row a line, without backticks and with the
# Markdown escape of | undone: "gpx agent start|stop [-n N]".
awk '/^## Commands/ {on = 1; next} /^## / {on = 0} on && /^\| `gpx/ {
  line = $0; gsub(/\\\|/, "\001", line); split(line, cols, "|"); c = cols[2]
  gsub(/`/, "", c); gsub("\001", "|", c); sub(/^ +/, "", c); sub(/ +$/, "", c); print c }' "$README" >"$WORK/rows"
[ -s "$WORK/rows" ] || fail "no command rows under '## Commands' in $README"

# row_paths ROW: the command paths a row names ("agent start|stop" → two).
row_paths() {
  local word paths=("") next p alt
  for word in $1; do
    [ "$word" = gpx ] && continue
    case "$word" in -* | "["* | *[A-Z]* | *@* | *.* | *"/"*) break ;; esac
    # A command with no subcommands: the rest are its arguments.
    # shellcheck disable=SC2086
    [ -n "$(help_section Subcommands ${paths[0]})" ] || break
    next=()
    for p in "${paths[@]}"; do
      IFS='|' read -ra alts <<<"$word"
      for alt in "${alts[@]}"; do next+=("${p:+$p }$alt"); done
    done
    paths=("${next[@]}")
  done
  printf '%s\n' "${paths[@]}"
}

row_flags() { # ROW: the flags it shows, one a line
  { grep -oE '(^|[][ |(])--?[a-z][a-z-]*' <<<"$1" || true; } | sed -E 's/^[][ |(]//' | sort -u
}

# Every flag a row shows, for every path it names.
: >"$WORK/documented"
while IFS= read -r row; do
  flags=$(row_flags "$row")
  while IFS= read -r path; do
    [ -n "$path" ] || fail "README row names no command: [$row]"
    # shellcheck disable=SC2086
    help=$(help_section Options $path | tr ',' '\n') || fail "README row [$row]: 'gpx $path --help' failed"
    [ -n "$help" ] || fail "README row [$row]: gpx $path is no command"
    for flag in $flags; do
      # A row for several commands shows the flags of any of them.
      if grep -qxF -- "$flag" <<<"$help"; then
        echo "$path $flag" >>"$WORK/documented"
      elif [ "$(row_paths "$row" | wc -l)" -eq 1 ]; then
        fail "README row [$row]: gpx $path has no flag $flag"
      fi
    done
    echo "$path" >>"$WORK/documented"
  done < <(row_paths "$row")
done <"$WORK/rows"

# Every flag of a row with several commands belongs to one of them.
while IFS= read -r row; do
  [ "$(row_paths "$row" | wc -l)" -gt 1 ] || continue
  for flag in $(row_flags "$row"); do
    grep -qE " -- ?$flag\$| $flag\$" "$WORK/documented" || fail "README row [$row]: no command of it has $flag"
  done
done <"$WORK/rows"

# Every command (those with no subcommands of their own) and each of its flags.
check_command() { # ARGS...: the command path below gpx
  local subs flag sub
  subs=$(help_section Subcommands "$@")
  if [ -z "$subs" ] && [ $# -gt 0 ]; then
    grep -qxF -- "$*" "$WORK/documented" || fail "README's command table has no row for gpx $*"
    # An option is documented by any of its names (-n for -n,--lines).
    local option name found
    for option in $(help_section Options "$@"); do
      [ "$option" != -h,--help ] || continue
      found=
      for name in ${option//,/ }; do
        ! grep -qxF -- "$* $name" "$WORK/documented" || found=1
      done
      [ -n "$found" ] || fail "README's command table: gpx $* lacks $option"
    done
  fi
  for sub in $subs; do check_command "$@" "$sub"; done
}
check_command
