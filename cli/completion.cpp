#include "completion.hpp"

#include "usage.hpp"

#include <gomod/format.hpp>

#include <cctype>
#include <sstream>

namespace gpx::cli {

namespace {

// The completion scripts' fixed halves: they walk a table the generated half
// fills in (bash: _gpx_tree, a key per command path with its flags; zsh:
// _gpx_command PATH DESCRIPTION SPEC... per command).
constexpr std::string_view k_bash_driver = R"driver(
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
    for w in ${_gpx_tree["$path"]}; do
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
)driver";

constexpr std::string_view k_zsh_driver = R"driver(
_gpx() {
  local cmd='' key w i=2 curcontext=$curcontext state line
  typeset -A opt_args
  local -a subs specs
  # Descend through the subcommand words before the cursor.
  while (( i < CURRENT )); do
    w=${words[i]}
    key=${cmd:+$cmd }$w
    if [[ $w != -* && -n ${_gpx_desc[$key]+set} ]]; then
      cmd=$key
      # _arguments below sees the subcommand as the command name.
      shift $(( i - 1 )) words
      (( CURRENT -= i - 1 ))
      i=2
    else
      (( i++ ))
    fi
  done

  for key in ${(k)_gpx_desc}; do
    if [[ -z $cmd && -n $key && $key != *' '* ]]; then
      subs+=("$key:${_gpx_desc[$key]}")
    elif [[ -n $cmd && $key == "$cmd "* && ${key#"$cmd "} != *' '* ]]; then
      subs+=("${key#"$cmd "}:${_gpx_desc[$key]}")
    fi
  done
  specs=(${(0)_gpx_specs[$cmd]})
  if (( $#subs )); then
    _arguments -s $specs '1:command:->command' '*::arguments:' && return 0
    [[ $state == command ]] && _describe -t commands 'gpx command' subs
  else
    _arguments -s $specs
  fi
}

if [[ $funcstack[1] == _gpx ]]; then
  _gpx "$@"
else
  compdef _gpx gpx
fi
)driver";

// fish: __gpx_commands and __gpx_value_flags (generated) let __gpx_path
// find the command the words before the cursor name, skipping flag values;
// each generated `complete` line applies where __gpx_at names its command.
constexpr std::string_view k_fish_driver = R"driver(
function __gpx_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l path gpx
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
        else if contains -- "$path $w" $__gpx_commands
            set path "$path $w"
        else if contains -- "$path $w" $__gpx_value_flags
            set skip 1
        end
    end
    echo $path
end

function __gpx_at
    test (__gpx_path) = "$argv[1]"
end

complete -c gpx -f
)driver";

// How each script says what a value is: bash's table word, zsh's action,
// fish's `complete` options.
struct KindWords
{
  std::string_view bash, zsh, fish;
};

KindWords
kind_words(ValueKind kind)
{
  switch (kind) {
  case ValueKind::dir:
    return {"dir", "_files -/", "-x -a '(__fish_complete_directories)'"};
  case ValueKind::file:
    return {"file", "_files", "-r -F"};
  case ValueKind::none:
    break;
  }
  return {"", "", "-x"};
}

// 'text' for any shell: single quotes, a single quote as '\''.
std::string
shell_quote(std::string_view text)
{
  std::string out = "'";
  for (char ch : text) {
    out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  }
  return out + "'";
}

// 'text' for fish, whose single quotes take \\ and \' as escapes.
std::string
fish_quote(std::string_view text)
{
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'' || ch == '\\') {
      out += '\\';
    }
    out += ch;
  }
  return out + "'";
}

// A description inside an _arguments spec: brackets and colons are syntax.
std::string
zsh_spec_text(std::string_view text)
{
  std::string out;
  for (char ch : text) {
    if (ch == '[' || ch == ']' || ch == ':' || ch == '\\') {
      out += '\\';
    }
    out += ch;
  }
  return out;
}

std::string
lower(std::string text)
{
  for (char& ch : text) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return text;
}

} // namespace

ValueKind
value_kind(const CLI::Option& option)
{
  // A check CLI11 knows says it (ExistingFile → "…:FILE"); else the value's
  // name: DIR, CACHE_DIR, FILE, CONFIG … as the commands call them.
  std::string type = option.get_type_name();
  auto colon = type.find(':');
  std::string check = colon == std::string::npos ? "" : type.substr(colon + 1);
  if (check == "DIR") {
    return ValueKind::dir;
  }
  if (check == "FILE" || check.starts_with("PATH")) {
    return ValueKind::file;
  }
  std::string name;
  std::string given = !option.get_option_text().empty()
                        ? option.get_option_text()
                      : option.get_positional() ? option.get_name(true, false)
                                                : value_name(option);
  for (char ch : given) { // "[DIR]": an optional value
    if (ch != '[' && ch != ']' && ch != ' ') {
      name += ch;
    }
  }
  if (name == "DIR" || name.ends_with("_DIR") || name == "BUNDLE") {
    return ValueKind::dir;
  }
  static constexpr std::string_view k_files[] = {
    "FILE", "PATH", "CONFIG", "OUTPUT", "FORGET", "FOR", "PROJECT"};
  for (auto f : k_files) {
    if (name == f) {
      return ValueKind::file;
    }
  }
  return name.ends_with("_FILE") ? ValueKind::file : ValueKind::none;
}

std::string
bash_completion(const CLI::App& root)
{
  std::ostringstream out;
  out << "# bash completion for gpx, generated by 'gpx completion bash' from "
         "its\n"
         "# command definitions. The tree: a key per command path, its flags "
         "as the\n"
         "# value; a flag ending in `=` takes a value (`=dir`, `=file`: "
         "directories or\n"
         "# files), and `@files` completes positional arguments as files.\n"
         "declare -gA _gpx_tree=(\n";
  walk_commands(root, [&](const CLI::App& app) {
    std::string specs;
    for (const CLI::Option* o : flags_of(app)) {
      for (const auto& name : option_names(*o)) {
        specs += (specs.empty() ? "" : " ") + name;
        if (takes_value(*o)) {
          specs += "=" + std::string(kind_words(value_kind(*o)).bash);
        }
      }
    }
    for (const CLI::Option* p : positionals_of(app)) {
      if (value_kind(*p) != ValueKind::none) {
        specs += " @files";
        break;
      }
    }
    out << "  [" << shell_quote(command_path(app)) << "]=" << shell_quote(specs)
        << "\n";
  });
  out << ")\n" << k_bash_driver;
  return out.str();
}

std::string
zsh_completion(const CLI::App& root)
{
  std::ostringstream out;
  out << "#compdef gpx\n"
         "# zsh completion for gpx, generated by 'gpx completion zsh' from its "
         "command\n"
         "# definitions: `_gpx_command PATH DESCRIPTION SPEC...` per command, "
         "the SPECs\n"
         "# in _arguments syntax.\n\n"
         "typeset -gA _gpx_desc _gpx_specs\n\n"
         "_gpx_command() {\n"
         "  _gpx_desc[$1]=$2\n"
         "  _gpx_specs[$1]=${(pj:\\0:)@[3,-1]}\n"
         "}\n\n";
  walk_commands(root, [&](const CLI::App& app) {
    std::string path = command_path(app);
    path =
      path == root.get_name() ? "" : path.substr(root.get_name().size() + 1);
    out << "_gpx_command " << shell_quote(path) << " "
        << shell_quote(app.get_description());
    for (const CLI::Option* o : flags_of(app)) {
      auto names = option_names(*o);
      std::string exclusive;
      if (names.size() > 1) {
        for (const auto& n : names) {
          exclusive += (exclusive.empty() ? "(" : " ") + n;
        }
        exclusive += ")";
      }
      if (o == app.get_help_ptr() || o == app.get_version_ptr()) {
        exclusive = "(- *)";
      }
      for (const auto& n : names) {
        std::string spec =
          exclusive + n + "[" + zsh_spec_text(o->get_description()) + "]";
        if (takes_value(*o)) {
          spec += ":" + zsh_spec_text(lower(value_name(*o))) + ":"
                  + std::string(kind_words(value_kind(*o)).zsh);
        }
        out << " \\\n  " << shell_quote(spec);
      }
    }
    int position = 1;
    for (const CLI::Option* p : positionals_of(app)) {
      bool many =
        p->get_items_expected_max() >= CLI::detail::expected_max_vector_size;
      std::string spec = (many ? "*" : std::to_string(position++)) + ":"
                         + zsh_spec_text(p->get_description()) + ":"
                         + std::string(kind_words(value_kind(*p)).zsh);
      out << " \\\n  " << shell_quote(spec);
    }
    out << "\n";
  });
  out << k_zsh_driver;
  return out.str();
}

std::string
fish_completion(const CLI::App& root)
{
  std::string commands, value_flags, lines;
  walk_commands(root, [&](const CLI::App& app) {
    std::string path = command_path(app);
    commands += " \\\n    " + fish_quote(path);
    std::string at =
      "complete -c gpx -n " + fish_quote("__gpx_at '" + path + "'");
    for (const CLI::App* sub : visible_subcommands(app)) {
      lines += at + " -a " + fish_quote(sub->get_name()) + " -d "
               + fish_quote(sub->get_description()) + "\n";
    }
    for (const CLI::Option* o : flags_of(app)) {
      std::string names;
      for (const auto& n : option_names(*o)) {
        bool is_long = n.starts_with("--");
        names += (is_long ? " -l " : " -s ") + n.substr(is_long ? 2 : 1);
        if (takes_value(*o)) {
          value_flags += " \\\n    " + fish_quote(path + " " + n);
        }
      }
      lines += at + names;
      if (takes_value(*o)) {
        lines += " " + std::string(kind_words(value_kind(*o)).fish);
      }
      lines += " -d " + fish_quote(o->get_description()) + "\n";
    }
    for (const CLI::Option* p : positionals_of(app)) {
      if (value_kind(*p) != ValueKind::none) {
        lines += at + " -F\n";
        break;
      }
    }
  });
  return "# fish completion for gpx, generated by 'gpx completion fish' from "
         "its\n"
         "# command definitions.\n"
         "set -g __gpx_commands"
         + commands + "\nset -g __gpx_value_flags" + value_flags + "\n"
         + std::string(k_fish_driver) + lines;
}

} // namespace gpx::cli
