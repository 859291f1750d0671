# bash completion for gpx.
#
# The command tree is one table: a key per command path, its flags as the
# value. Subcommands are the keys one word longer, so a new subcommand is
# one new line. A flag ending in `=` takes a value; `=dir` and `=file`
# complete directories or files for it, and `@files` completes positional
# arguments as files. tests/e2e/test_packaging_units.sh compares the table
# with `gpx … --help`.
declare -gA _gpx_tree=(
  ["gpx"]="--version"
  ["gpx init"]="--upstream= --private= --listen= --config=file --dry-run --undo --no-start --service --no-service"
  ["gpx agent"]=""
  ["gpx agent run"]="--listen= --cache-dir=dir --config=file --upstream= --offline --log-file=file"
  ["gpx agent start"]="--listen= --cache-dir=dir --config=file --upstream= --offline"
  ["gpx agent stop"]=""
  ["gpx agent restart"]="--listen= --cache-dir=dir --config=file --upstream= --offline"
  ["gpx agent status"]=""
  ["gpx agent logs"]="-n= --lines="
  ["gpx status"]="--cache-dir=dir"
  ["gpx stats"]="--cache-dir=dir --json --zero"
  ["gpx prefetch"]="--agent= -j= --jobs= --json @files"
  ["gpx projects"]="--forget=file"
  ["gpx prune"]="--max-size= --older-than= --cache-dir=dir --dry-run --json --include-pinned"
  ["gpx ls"]="--cache-dir=dir --json"
  ["gpx verify"]="--cache-dir=dir --repair --json"
  ["gpx doctor"]=""
  ["gpx import"]="--from-modcache=dir --copy --cache-dir=dir --json @files"
  ["gpx export"]="--for=file --cache-dir=dir --json @files"
  ["gpx zip"]=""
  ["gpx zip create"]="-o=file --output=file @files"
  ["gpx zip check"]="--json @files"
  ["gpx zip hash"]="--json @files"
  ["gpx mod"]=""
  ["gpx mod hash"]="--json @files"
)

# _gpx_value_kind PATH FLAG: prints what FLAG of command PATH takes ("",
# "dir" or "file"); fails when FLAG takes no value.
_gpx_value_kind() {
  local spec
  for spec in ${_gpx_tree["$1"]}; do
    case "$spec" in
      "$2="*) printf '%s' "${spec#*=}"; return 0 ;;
    esac
  done
  return 1
}

_gpx_complete_value() { # KIND CUR
  case "$1" in
    dir) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$2") ;;
    file) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$2") ;;
    *) COMPREPLY=() ;;
  esac
}

_gpx() {
  local cur=${COMP_WORDS[COMP_CWORD]} path=gpx i w kind key words=()
  COMPREPLY=()
  # Walk the words before the cursor: subcommands descend, and a flag's
  # value is skipped. Bash splits `--flag=value` at `=` (COMP_WORDBREAKS).
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w != -* && -n ${_gpx_tree["$path $w"]+set} ]]; then
      path="$path $w"
    elif [[ $w == -* ]] && _gpx_value_kind "$path" "$w" >/dev/null; then
      ((i + 1 < COMP_CWORD)) && [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
      ((i++))
    fi
  done

  # The value of a flag: `--flag VALUE`, `--flag=VALUE` or `--flag=`.
  local prev=${COMP_WORDS[COMP_CWORD - 1]:-}
  if [[ $cur == = ]]; then
    kind=$(_gpx_value_kind "$path" "$prev") && { _gpx_complete_value "$kind" ""; return 0; }
  elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
    kind=$(_gpx_value_kind "$path" "${COMP_WORDS[COMP_CWORD - 2]}") && { _gpx_complete_value "$kind" "$cur"; return 0; }
  elif [[ $prev == -* ]]; then
    kind=$(_gpx_value_kind "$path" "$prev") && { _gpx_complete_value "$kind" "$cur"; return 0; }
  fi

  if [[ $cur == -* ]]; then
    for w in ${_gpx_tree["$path"]} --help; do
      [[ $w == @* ]] || words+=("${w%%=*}")
    done
  else
    for key in "${!_gpx_tree[@]}"; do
      w=${key#"$path "}
      [[ $key == "$path "* && $w != *" "* ]] && words+=("$w")
    done
    if [[ ${#words[@]} -eq 0 && " ${_gpx_tree["$path"]} " == *" @files "* ]]; then
      _gpx_complete_value file "$cur"
      return 0
    fi
  fi
  mapfile -t COMPREPLY < <(compgen -W "${words[*]}" -- "$cur" | LC_ALL=C sort)
}
complete -F _gpx gpx
