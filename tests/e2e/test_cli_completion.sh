# Shell completions, generated from the command definitions (`gpx completion
# bash|zsh|fish`): they load without a word on stderr, and complete every
# command and flag `gpx … --help` lists, no more, in bash (complete/compgen),
# zsh (its completion system in a pseudo-terminal) and fish (complete -C).
command -v zsh >/dev/null || fail "zsh not found; install Debian's zsh (packaging/setup.sh test)"
command -v fish >/dev/null || fail "fish not found; install Debian's fish (packaging/setup.sh test)"
COMPLETIONS=$WORK/completions
mkdir -p "$COMPLETIONS"
"$GPX" completion bash >"$COMPLETIONS/gpx.bash" || fail "gpx completion bash failed"
"$GPX" completion zsh >"$COMPLETIONS/_gpx" || fail "gpx completion zsh failed"
"$GPX" completion fish >"$COMPLETIONS/gpx.fish" || fail "gpx completion fish failed"
expect_usage "$GPX" completion tcsh
grep -q 'SHELL: tcsh not in {bash,zsh,fish}' "$WORK/stderr" || fail "completion tcsh: $(cat "$WORK/stderr")"

# What the .deb installs is what the binary prints.
if [ -n "${GPX_BUILD_DIR:-}" ]; then
  cmp -s "$COMPLETIONS/gpx.bash" "$GPX_BUILD_DIR/packaging/share/bash-completion/completions/gpx" ||
    fail "the build's bash completion differs from 'gpx completion bash'"
  cmp -s "$COMPLETIONS/_gpx" "$GPX_BUILD_DIR/packaging/share/zsh/vendor-completions/_gpx" ||
    fail "the build's zsh completion differs from 'gpx completion zsh'"
  cmp -s "$COMPLETIONS/gpx.fish" "$GPX_BUILD_DIR/packaging/share/fish/vendor_completions.d/gpx.fish" ||
    fail "the build's fish completion differs from 'gpx completion fish'"
fi

# --- Loading: no output, no error, and bash registers the function.
out=$(bash --norc --noprofile -c 'source "$1" && complete -p gpx' _ "$COMPLETIONS/gpx.bash" 2>&1) || fail "bash: sourcing failed: $out"
expect_eq "bash: complete -p gpx" "$out" "complete -F _gpx gpx"
out=$(bash --norc --noprofile -c 'source <("$1" completion bash) && complete -p gpx' _ "$GPX" 2>&1) || fail "bash: source <(gpx completion bash) failed: $out"
expect_eq "bash: source <(gpx completion bash)" "$out" "complete -F _gpx gpx"
zsh -n "$COMPLETIONS/_gpx" || fail "zsh -n: syntax error in _gpx"
out=$(fish --no-config -c 'source $argv[1]' "$COMPLETIONS/gpx.fish" 2>&1) || fail "fish: sourcing failed: $out"
expect_eq "fish: source gpx.fish" "$out" ""

# --- fish completion: complete -C, the candidates without their descriptions.
complete_fish() { # LINE
  fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$COMPLETIONS/gpx.fish" "$1" | cut -f1
}
expect_eq "fish: gpx ag" "$(complete_fish "gpx ag")" "agent"
expect_eq "fish: gpx agent st" "$(complete_fish "gpx agent st" | sort | tr '\n' ' ')" "start status stop "
expect_eq "fish: gpx agent run --ca" "$(complete_fish "gpx agent run --ca")" "--cache-dir"
expect_eq "fish: flags after a flag's value" "$(complete_fish "gpx agent run --listen 127.0.0.1:0 --ca")" "--cache-dir"
expect_eq "fish: no completion for --listen VALUE" "$(complete_fish "gpx agent run --listen st")" ""

# --- bash completion, with no bash-completion package behind it.
complete_bash() { # WORDS...: the completions of the last word, one a line
  bash --norc --noprofile -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _gpx; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$COMPLETIONS/gpx.bash" "$@"
}
expect_eq "bash: gpx ag" "$(complete_bash gpx ag)" "agent"
expect_eq "bash: gpx agent st" "$(complete_bash gpx agent st | tr '\n' ' ')" "start status stop "
expect_eq "bash: gpx agent run --ca" "$(complete_bash gpx agent run --ca)" "--cache-dir"
expect_eq "bash: no completion for --listen VALUE" "$(complete_bash gpx agent run --listen st)" ""
mkdir -p "$WORK/cdir/sub" && touch "$WORK/cdir/file"
expect_eq "bash: --cache-dir completes directories" "$(complete_bash gpx prune --cache-dir "$WORK/cdir/")" "$WORK/cdir/sub"
expect_eq "bash: --config=VALUE" "$(complete_bash gpx init --config = "$WORK/cdir/f")" "$WORK/cdir/file"
expect_eq "fish: --cache-dir completes directories" "$(complete_fish "gpx prune --cache-dir $WORK/cdir/")" "$WORK/cdir/sub/"
expect_eq "fish: --config completes files" "$(complete_fish "gpx init --config $WORK/cdir/f")" "$WORK/cdir/file"

# Every command and flag `gpx … --help` lists is completed, and no more:
# adding a subcommand to the CLI without a completion line fails here.
help_section() { # SECTION ARGS...: the first column of a section of `gpx ARGS --help`
  "$GPX" "${@:2}" --help | awk -v s="$1:" '$0 == s {on = 1; next} /^[^ ]/ || /^$/ {on = 0} on && /^  [^ ]/ {print $1}'
}
check_command() { # ARGS...: the command path below gpx
  local subs flags got
  subs=$(help_section Subcommands "$@" | sort | tr '\n' ' ')
  flags=$(help_section Options "$@" | tr ',' '\n' | awk '$0 != "-h" && $0 != "--help"' | sort | tr '\n' ' ')
  got=$(complete_bash gpx "$@" "" | sort | tr '\n' ' ')
  [ -n "$subs" ] || got=""
  expect_eq "bash: subcommands of gpx $*" "$got" "$subs"
  got=$(complete_bash gpx "$@" - | awk '$0 != "-h" && $0 != "--help"' | sort | tr '\n' ' ')
  expect_eq "bash: flags of gpx $*" "$got" "$flags"
  expect_eq "zsh: subcommands of gpx $*" "$(zsh_offers sub "$@")" "$subs"
  expect_eq "zsh: flags of gpx $*" "$(zsh_offers flag "$@")" "$flags"
  got=$(complete_fish "gpx ${*:+$* }" | sort | tr '\n' ' ')
  [ -n "$subs" ] || got=""
  expect_eq "fish: subcommands of gpx $*" "$got" "$subs"
  got=$(complete_fish "gpx ${*:+$* }-" | awk '$0 != "-h" && $0 != "--help"' | sort | tr '\n' ' ')
  expect_eq "fish: flags of gpx $*" "$got" "$flags"
  local sub
  for sub in $subs; do check_command "$@" "$sub"; done
}
# zsh_offers sub|flag ARGS...: the subcommands or flags zsh's completion
# offers after gpx ARGS (stubs stand in for compsys, taking the flags from
# the _arguments specs; the real thing is tried below).
zsh_offers() {
  zsh -f -c 'kind=$1; compdef() { :; }
    _arguments() {
      local s
      [[ $kind == flag ]] && for s in "${@:#-s}"; do
        s=${s#\(*\)}
        [[ $s == -* && $s != -h* && $s != --help* ]] && print -r -- ${s%%[\[:]*}
      done
      state=command; return 1
    }
    _describe() { [[ $kind == sub ]] && print -l -- ${${(P)${@[-1]}}%%:*}; }
    source "$2"; shift 2; words=(gpx "$@" ""); CURRENT=$#words; _gpx' \
    _ "$1" "$COMPLETIONS/_gpx" "${@:2}" | sort | tr '\n' ' '
}
check_command

# --- zsh: the syntax, and the real completion system in a pseudo-terminal.
zsh -n "$COMPLETIONS/_gpx" || fail "zsh -n: syntax error in _gpx"
cat >"$WORK/zpty.zsh" <<'EOF'
zmodload zsh/zpty || exit 3
zpty z 'zsh -f -i'
zpty -w z 'PS1="> "; fpath=("$COMPLETIONS" $fpath); autoload -U compinit; compinit -u -d "$WORK/zcompdump"; print RE""ADY'
zpty -r z out '*READY*'
# Each step: type, TAB, and read until the line shows the completed word
# (its suffix space comes wrapped in highlighting).
zpty -n -w z $'gpx ag\t'
zpty -r z out '*gpx agent*' && print "agent ok"
zpty -n -w z $'run --cac\t'
zpty -r z out '*--cache-dir*' && print "cache-dir ok"
zpty -d z
EOF
out=$(COMPLETIONS=$COMPLETIONS timeout 60 zsh -f "$WORK/zpty.zsh" 2>&1 | tr -d '\r') || true
expect_eq "zsh completion in a terminal" "$out" $'agent ok\ncache-dir ok'
