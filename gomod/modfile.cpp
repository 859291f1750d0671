#include "modfile.hpp"

#include <gomod/format.hpp>
#include <gomod/semver.hpp>
#include <gomod/strconv.hpp>

#include <algorithm>
#include <span>
#include <utility>

namespace gpx::gomod::modfile {

namespace {

// An error about one directive before its position is known; the caller
// adds file and line (Go nests an Error without position inside one with).
struct DirectiveError
{
  std::string verb;
  std::string mod_path;
  std::string err;
};

ParseError
at(const std::string& filename, const Line& line, DirectiveError e)
{
  return ParseError{filename,
                    line.start,
                    std::move(e.verb),
                    std::move(e.mod_path),
                    std::move(e.err)};
}

ParseError
at(const std::string& filename, const Line& line, std::string err)
{
  return ParseError{filename, line.start, "", "", std::move(err)};
}

std::string
invalid_version(std::string_view version, std::string_view why)
{
  return format("version {} invalid: {}", strconv::quote(version), why);
}

// How parse_version treats a version that parsed as a string.
enum class Fix {
  canonical, // no fixer: must be a valid semver version, made canonical
  fixer,     // ask the VersionFixer
  keep,      // take it as written (retract's first pass)
};

// modfile's parseVersion. Like Go, it rewrites tok to the value it settled
// on, which matters for retract: the fixer pass re-reads the tokens.
bool
parse_version(std::string_view verb,
              std::string_view path,
              std::string& tok,
              Fix mode,
              const VersionFixer& fix,
              std::string& out,
              DirectiveError& e)
{
  std::string t;
  std::string err;
  if (!detail::parse_string(tok, t, err)) {
    e = {std::string(verb), std::string(path), invalid_version(tok, err)};
    return false;
  }
  if (mode == Fix::fixer) {
    auto fixed = fix(path, t);
    if (!fixed) {
      e = {std::string(verb), std::string(path), fixed.error().message};
      return false;
    }
    t = std::move(*fixed);
  } else if (mode == Fix::canonical) {
    std::string cv = canonical_version(t);
    if (cv.empty()) {
      e = {std::string(verb),
           std::string(path),
           invalid_version(t, "must be of the form v1.2.3")};
      return false;
    }
    t = std::move(cv);
  }
  tok = t;
  out = std::move(t);
  return true;
}

Fix
fix_mode(const VersionFixer& fix)
{
  return fix ? Fix::fixer : Fix::canonical;
}

// The major-version suffix of a module path ("/v2", ".v1", ""), or an error
// for a malformed one such as "/v1" or "/v02".
bool
module_path_major(std::string_view path, std::string& major)
{
  const SplitPath split = split_path_version(path);
  if (!split.ok) {
    return false;
  }
  major = split.path_major;
  return true;
}

// module.CheckPathMajor with Go's wording. The decision is module.hpp's; the
// message is built here so go.mod errors read exactly as the go command's.
bool
check_major(std::string_view version,
            std::string_view path_major,
            std::string& err)
{
  if (check_path_major(version, path_major)) {
    return true;
  }
  std::string want(path_major);
  if (want.starts_with(".v") && want.ends_with("-unstable")) {
    want.resize(want.size() - std::string_view("-unstable").size());
  }
  if (want.empty()) {
    want = "v0 or v1";
  } else if (want[0] == '/' || want[0] == '.') {
    want.erase(0, 1);
  }
  err = invalid_version(
    version, format("should be {}, not {}", want, semver::major(version)));
  return false;
}

// modfile's parseVersionInterval: `v1.2.3` or `[ v1.2.3 , v1.2.4 ]` starting
// at toks[i]; i moves past what was read.
bool
parse_version_interval(std::string_view verb,
                       std::string_view path,
                       std::vector<std::string>& toks,
                       std::size_t& i,
                       Fix mode,
                       const VersionFixer& fix,
                       VersionInterval& out,
                       DirectiveError& e)
{
  auto plain = [&](std::string msg) {
    e = {"", "", std::move(msg)};
    return false;
  };
  if (i >= toks.size() || toks[i] == "(") {
    return plain("expected '[' or version");
  }
  if (toks[i] != "[") {
    std::string v;
    if (!parse_version(verb, path, toks[i], mode, fix, v, e)) {
      return false;
    }
    ++i;
    out = {v, v};
    return true;
  }
  ++i;
  if (i >= toks.size()) {
    return plain("expected version after '['");
  }
  std::string low;
  if (!parse_version(verb, path, toks[i], mode, fix, low, e)) {
    return false;
  }
  ++i;
  if (i >= toks.size() || toks[i] != ",") {
    return plain("expected ',' after version");
  }
  ++i;
  if (i >= toks.size()) {
    return plain("expected version after ','");
  }
  std::string high;
  if (!parse_version(verb, path, toks[i], mode, fix, high, e)) {
    return false;
  }
  ++i;
  if (i >= toks.size() || toks[i] != "]") {
    return plain("expected ']' after version");
  }
  ++i;
  out = {std::move(low), std::move(high)};
  return true;
}

// An error that names no directive: at() reports it on its own, as Go's
// errorf does.
DirectiveError
plain(std::string err)
{
  return {"", "", std::move(err)};
}

std::string
replace_usage(std::string_view verb)
{
  return format(
    "usage: {} module/path [v1.2.3] => other/module v1.4\n"
    "\t or {} module/path [v1.2.3] => ../local/directory",
    verb,
    verb);
}

// A path token of a replace.
bool
parse_path(std::string_view token, std::string& out, DirectiveError& e)
{
  std::string err;
  if (!detail::parse_string(token, out, err)) {
    e = plain("invalid quoted string: " + err);
    return false;
  }
  return true;
}

// The left of a replace's arrow: a module path, and a version (args[1]) when
// only that version is replaced; the version must fit the path's major.
bool
parse_replace_old(std::string_view verb,
                  std::span<std::string> args,
                  const VersionFixer& fix,
                  Version& out,
                  DirectiveError& e)
{
  if (!parse_path(args[0], out.path, e)) {
    return false;
  }
  std::string major;
  if (!module_path_major(out.path, major)) {
    e = {std::string(verb), out.path, "invalid module path"};
    return false;
  }
  if (args.size() == 1) {
    return true;
  }
  if (!parse_version(
        verb, out.path, args[1], fix_mode(fix), fix, out.version, e)) {
    return false;
  }
  std::string err;
  if (!check_major(out.version, major, err)) {
    e = {std::string(verb), out.path, err};
    return false;
  }
  return true;
}

// A replacement without a version is a directory, and one this system can
// use.
bool
check_replacement_dir(const std::string& path, DirectiveError& e)
{
  if (!is_directory_path(path)) {
    e = plain(path.find('@') != std::string::npos
                ? "replacement module must match format 'path version', not "
                  "'path@version'"
                : "replacement module without version must be directory path "
                  "(rooted or starting with . or ..)");
    return false;
  }
  // go.mod files travel between systems; a backslash here is a Windows
  // path that cannot work on this one.
  if (path.find('\\') != std::string::npos) {
    e = plain(
      "replacement directory appears to be Windows path (on a non-windows "
      "system)");
    return false;
  }
  return true;
}

// The right of a replace's arrow: a directory path alone, or a module path
// and its version (args[1]).
bool
parse_replace_new(std::string_view verb,
                  std::span<std::string> args,
                  const VersionFixer& fix,
                  Version& out,
                  DirectiveError& e)
{
  if (!parse_path(args[0], out.path, e)) {
    return false;
  }
  if (args.size() == 1) {
    return check_replacement_dir(out.path, e);
  }
  if (!parse_version(
        verb, out.path, args[1], fix_mode(fix), fix, out.version, e)) {
    return false;
  }
  if (is_directory_path(out.path)) {
    e = plain(format("replacement module directory path {} cannot have version",
                     strconv::quote(out.path)));
    return false;
  }
  return true;
}

std::string_view
trim_slashes(std::string_view token)
{
  if (token.starts_with("//")) {
    token.remove_prefix(2);
  }
  return token;
}

// A "// indirect" or "// indirect; other words" suffix comment.
bool
is_indirect(const Line& line)
{
  if (line.comments.suffix.empty()) {
    return false;
  }
  const auto f = strconv::fields(trim_slashes(line.comments.suffix[0].token));
  return (f.size() == 1 && f[0] == "indirect")
         || (f.size() > 1 && f[0] == "indirect;");
}

// The text of a directive's comments, one line per comment: those above and
// after the line, or, if it has none, those of its block.
std::string
directive_comment(const LineBlock* block, const Line& line)
{
  const Comments* comments = &line.comments;
  if (block && comments->before.empty() && comments->suffix.empty()) {
    comments = &block->comments;
  }
  std::string out;
  bool first = true;
  for (const auto* group : {&comments->before, &comments->suffix}) {
    for (const auto& c : *group) {
      if (!c.token.starts_with("//")) {
        continue; // a remembered blank line
      }
      if (!first) {
        out += '\n';
      }
      first = false;
      out += strconv::trim_space(trim_slashes(c.token));
    }
  }
  return out;
}

// The first paragraph of the module comment that starts with "Deprecated:",
// without that prefix or leading spaces (Go's deprecatedRE,
// `(?s)(?:^|\n\n)Deprecated: *(.*?)(?:$|\n\n)`).
std::string
deprecation(const LineBlock* block, const Line& line)
{
  constexpr std::string_view k_prefix = "Deprecated:";
  const std::string text = directive_comment(block, line);
  const std::string_view s = text;
  std::size_t start = std::string_view::npos;
  if (s.starts_with(k_prefix)) {
    start = 0;
  } else {
    for (std::size_t p = s.find("\n\n"); p != std::string_view::npos;
         p = s.find("\n\n", p + 1)) {
      if (s.substr(p + 2).starts_with(k_prefix)) {
        start = p + 2;
        break;
      }
    }
  }
  if (start == std::string_view::npos) {
    return "";
  }
  std::size_t q = start + k_prefix.size();
  while (q < s.size() && s[q] == ' ') {
    ++q;
  }
  const std::size_t end = s.find("\n\n", q);
  return std::string(s.substr(
    q, end == std::string_view::npos ? std::string_view::npos : end - q));
}

std::string
join(const std::vector<std::string>& tokens)
{
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) {
      out += ' ';
    }
    out += t;
  }
  return out;
}

// [1-9][0-9]* when leading_zero is false, 0|[1-9][0-9]* when true. Returns
// the length matched, 0 for none.
std::size_t
match_number(std::string_view s, bool leading_zero)
{
  if (s.empty() || !strconv::is_ascii_digit(s[0])) {
    return 0;
  }
  if (s[0] == '0') {
    return leading_zero ? 1 : 0;
  }
  std::size_t n = 1;
  while (n < s.size() && strconv::is_ascii_digit(s[n])) {
    ++n;
  }
  return n;
}

// laxGoVersionRE, `^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$`: the
// "1.2" of "v1.2.3" or "1.2beta1", which old go commands wrote and which a
// dependency's go.mod may still carry.
std::optional<std::string>
lax_go_version(std::string_view v)
{
  std::string_view s = v;
  if (s.starts_with('v')) {
    s.remove_prefix(1);
  }
  const std::size_t major = match_number(s, false);
  if (major == 0 || major >= s.size() || s[major] != '.') {
    return std::nullopt;
  }
  const std::size_t minor = match_number(s.substr(major + 1), true);
  if (minor == 0) {
    return std::nullopt;
  }
  const std::size_t end = major + 1 + minor;
  if (end >= s.size() || strconv::is_ascii_digit(s[end])
      || s.substr(end).find('\n') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(s.substr(0, end));
}

class ModParser
{
public:
  ModParser(File& file, const VersionFixer& fix, bool strict)
    : m_file(file),
      m_filename(file.syntax.name),
      m_fix(fix),
      m_strict(strict)
  {
  }

  std::vector<ParseError>
  run()
  {
    for (const auto& stmt : m_file.syntax.stmt) {
      if (const auto* line = std::get_if<Line>(&stmt)) {
        std::vector<std::string> args(line->token.begin() + 1,
                                      line->token.end());
        add(nullptr, *line, line->token[0], std::move(args));
      } else if (const auto* block = std::get_if<LineBlock>(&stmt)) {
        add_block(*block);
      }
    }
    fix_retract();
    return std::move(m_errs);
  }

private:
  File& m_file;
  const std::string& m_filename;
  const VersionFixer& m_fix;
  bool m_strict;
  std::vector<ParseError> m_errs;
  // The tokens after each retract's verb, as parse_version left them, for
  // the fixer pass (Go re-reads them from the syntax tree).
  std::vector<std::vector<std::string>> m_retract_args;

  void
  add_block(const LineBlock& block)
  {
    static constexpr std::string_view k_block_verbs[] = {"module",
                                                         "godebug",
                                                         "require",
                                                         "exclude",
                                                         "replace",
                                                         "retract",
                                                         "tool",
                                                         "ignore"};
    const auto* verb_end = std::end(k_block_verbs);
    const bool known =
      block.token.size() == 1
      && std::find(std::begin(k_block_verbs), verb_end, block.token[0])
           != verb_end;
    if (!known) {
      if (m_strict) {
        m_errs.push_back(
          ParseError{m_filename,
                     block.start,
                     "",
                     "",
                     "unknown block type: " + join(block.token)});
      }
      return;
    }
    for (const auto& line : block.line) {
      add(&block, line, block.token[0], line.token);
    }
  }

  void
  error(const Line& line, std::string err)
  {
    m_errs.push_back(at(m_filename, line, std::move(err)));
  }

  void
  add(const LineBlock* block,
      const Line& line,
      const std::string& verb,
      std::vector<std::string> args)
  {
    if (!m_strict && verb != "go" && verb != "module" && verb != "retract"
        && verb != "require" && verb != "ignore") {
      return;
    }
    if (verb == "go") {
      detail::parse_go(m_filename, line, args, !m_strict, m_errs, m_file.go);
    } else if (verb == "toolchain") {
      detail::parse_toolchain(m_filename, line, args, m_errs, m_file.toolchain);
    } else if (verb == "module") {
      add_module(block, line, args);
    } else if (verb == "godebug") {
      detail::parse_godebug(m_filename, line, args, m_errs, m_file.godebug);
    } else if (verb == "require" || verb == "exclude") {
      add_require_or_exclude(line, verb, args);
    } else if (verb == "replace") {
      detail::parse_replace(
        m_filename, line, verb, std::move(args), m_fix, m_errs, m_file.replace);
    } else if (verb == "retract") {
      add_retract(block, line, std::move(args));
    } else if (verb == "tool" || verb == "ignore") {
      add_path(line, verb, args);
    } else {
      error(line, "unknown directive: " + verb);
    }
  }

  void
  add_module(const LineBlock* block,
             const Line& line,
             const std::vector<std::string>& args)
  {
    if (m_file.module) {
      return error(line, "repeated module statement");
    }
    // Set before the checks, so a broken module line still makes a second
    // one "repeated", as in Go.
    m_file.module = Module{{}, deprecation(block, line), line.start};
    if (args.size() != 1) {
      return error(line, "usage: module module/path");
    }
    std::string path;
    std::string err;
    if (!detail::parse_string(args[0], path, err)) {
      return error(line, "invalid quoted string: " + err);
    }
    m_file.module->mod.path = std::move(path);
  }

  void
  add_require_or_exclude(const Line& line,
                         const std::string& verb,
                         std::vector<std::string>& args)
  {
    if (args.size() != 2) {
      return error(line, format("usage: {} module/path v1.2.3", verb));
    }
    std::string path;
    std::string err;
    if (!detail::parse_string(args[0], path, err)) {
      return error(line, "invalid quoted string: " + err);
    }
    std::string version;
    DirectiveError e;
    if (!parse_version(
          verb, path, args[1], fix_mode(m_fix), m_fix, version, e)) {
      m_errs.push_back(at(m_filename, line, std::move(e)));
      return;
    }
    std::string major;
    if (!module_path_major(path, major)) {
      return error(line, "invalid module path");
    }
    if (!check_major(version, major, err)) {
      m_errs.push_back(at(m_filename, line, DirectiveError{verb, path, err}));
      return;
    }
    if (verb == "require") {
      m_file.require.push_back(Require{
        {std::move(path), std::move(version)}, is_indirect(line), line.start});
    } else {
      m_file.exclude.push_back(
        Exclude{{std::move(path), std::move(version)}, line.start});
    }
  }

  void
  add_retract(const LineBlock* block,
              const Line& line,
              std::vector<std::string> args)
  {
    std::string rationale = directive_comment(block, line);
    std::size_t i = 0;
    VersionInterval vi;
    DirectiveError e;
    if (!parse_version_interval(
          "retract", "", args, i, Fix::keep, m_fix, vi, e)) {
      // A dependency may use interval syntax newer than ours; only the main
      // module's retractions must parse.
      if (m_strict) {
        m_errs.push_back(at(m_filename, line, std::move(e)));
      }
      return;
    }
    if (i < args.size() && m_strict) {
      return error(
        line,
        format("unexpected token after version: {}", strconv::quote(args[i])));
    }
    m_file.retract.push_back(Retract{
      std::move(vi.low), std::move(vi.high), std::move(rationale), line.start});
    m_retract_args.push_back(std::move(args));
  }

  void
  add_path(const Line& line,
           const std::string& verb,
           const std::vector<std::string>& args)
  {
    if (args.size() != 1) {
      return error(line,
                   format("{} directive expects exactly one argument", verb));
    }
    std::string path;
    std::string err;
    if (!detail::parse_string(args[0], path, err)) {
      return error(line, "invalid quoted string: " + err);
    }
    if (verb == "tool") {
      m_file.tool.push_back(Tool{std::move(path), line.start});
    } else {
      m_file.ignore.push_back(Ignore{std::move(path), line.start});
    }
  }

  // Retract versions go through the fixer only once the whole file is read:
  // the fixer needs the module path, and the module line may come last.
  void
  fix_retract()
  {
    if (!m_fix) {
      return;
    }
    const std::string path = m_file.module ? m_file.module->mod.path : "";
    for (std::size_t k = 0; k < m_file.retract.size(); ++k) {
      Retract& r = m_file.retract[k];
      const Position pos = r.pos;
      if (path.empty()) {
        m_errs.push_back(
          ParseError{m_filename,
                     pos,
                     "",
                     "",
                     "no module directive found, so retract cannot be used"});
        return; // once is enough
      }
      std::size_t i = 0;
      VersionInterval vi;
      DirectiveError e;
      auto& args = m_retract_args[k];
      if (!parse_version_interval(
            "retract", path, args, i, Fix::fixer, m_fix, vi, e)) {
        m_errs.push_back(ParseError{m_filename,
                                    pos,
                                    std::move(e.verb),
                                    std::move(e.mod_path),
                                    std::move(e.err)});
        continue;
      }
      r.low = std::move(vi.low);
      r.high = std::move(vi.high);
    }
  }
};

Result<File>
parse_to_file(std::string_view file,
              std::string_view data,
              const VersionFixer& fix,
              bool strict)
{
  auto syntax = parse_syntax(file, data);
  if (!syntax) {
    return syntax.error();
  }
  File f;
  f.syntax = std::move(*syntax);
  ModParser parser(f, fix, strict);
  auto errs = parser.run();
  if (!errs.empty()) {
    return to_error(errs);
  }
  return f;
}

} // namespace

namespace detail {

void
parse_go(const std::string& filename,
         const Line& line,
         const std::vector<std::string>& args,
         bool lax,
         std::vector<ParseError>& errs,
         std::optional<Go>& out)
{
  auto fail = [&](std::string err) {
    errs.push_back(at(filename, line, std::move(err)));
  };
  if (out) {
    return fail("repeated go statement");
  }
  if (args.size() != 1) {
    return fail("go directive expects exactly one argument");
  }
  std::string version = args[0];
  if (!is_go_version(version)) {
    std::optional<std::string> fixed;
    if (lax) {
      fixed = lax_go_version(version);
    }
    if (!fixed) {
      return fail(
        format("invalid go version '{}': must match format 1.23.0", version));
    }
    version = std::move(*fixed);
  }
  out = Go{std::move(version), line.start};
}

void
parse_toolchain(const std::string& filename,
                const Line& line,
                const std::vector<std::string>& args,
                std::vector<ParseError>& errs,
                std::optional<Toolchain>& out)
{
  auto fail = [&](std::string err) {
    errs.push_back(at(filename, line, std::move(err)));
  };
  if (out) {
    return fail("repeated toolchain statement");
  }
  if (args.size() != 1) {
    return fail("toolchain directive expects exactly one argument");
  }
  if (!is_toolchain(args[0])) {
    return fail(format(
      "invalid toolchain version '{}': must match format go1.23.0 or default",
      args[0]));
  }
  out = Toolchain{args[0], line.start};
}

bool
parse_string(std::string_view token, std::string& out, std::string& err)
{
  if (token.starts_with('"')) {
    if (!strconv::unquote(token, out)) {
      err = "invalid syntax";
      return false;
    }
    return true;
  }
  // Other quotes are kept for future syntax, and so that 'x' is an error
  // rather than a path with quotes in it.
  if (token.find_first_of("\"'`") != std::string_view::npos) {
    err = "unquoted string cannot contain quote";
    return false;
  }
  out = std::string(token);
  return true;
}

void
parse_godebug(const std::string& filename,
              const Line& line,
              const std::vector<std::string>& args,
              std::vector<ParseError>& errs,
              std::vector<Godebug>& out)
{
  const auto eq = args.size() == 1 ? args[0].find('=') : std::string::npos;
  if (args.size() != 1 || args[0].find_first_of("\"`',") != std::string::npos
      || eq == std::string::npos) {
    errs.push_back(at(filename, line, "usage: godebug key=value"));
    return;
  }
  out.push_back(
    Godebug{args[0].substr(0, eq), args[0].substr(eq + 1), line.start});
}

void
parse_replace(const std::string& filename,
              const Line& line,
              std::string_view verb,
              std::vector<std::string> args,
              const VersionFixer& fix,
              std::vector<ParseError>& errs,
              std::vector<Replace>& out)
{
  auto fail = [&](DirectiveError e) {
    errs.push_back(at(filename, line, std::move(e)));
  };
  const std::size_t arrow = args.size() >= 2 && args[1] == "=>" ? 1 : 2;
  if (args.size() < arrow + 2 || args.size() > arrow + 3
      || args[arrow] != "=>") {
    return fail(plain(replace_usage(verb)));
  }
  Replace r{{}, {}, line.start};
  DirectiveError e;
  const std::span<std::string> sides(args);
  if (!parse_replace_old(verb, sides.first(arrow), fix, r.old_mod, e)
      || !parse_replace_new(
        verb, sides.subspan(arrow + 1), fix, r.new_mod, e)) {
    return fail(std::move(e));
  }
  out.push_back(std::move(r));
}

} // namespace detail

Result<File>
parse(std::string_view file, std::string_view data, const VersionFixer& fix)
{
  return parse_to_file(file, data, fix, true);
}

Result<File>
parse_lax(std::string_view file, std::string_view data, const VersionFixer& fix)
{
  return parse_to_file(file, data, fix, false);
}

bool
is_go_version(std::string_view v)
{
  const std::size_t major = match_number(v, false);
  if (major == 0 || major >= v.size() || v[major] != '.') {
    return false;
  }
  v.remove_prefix(major + 1);
  const std::size_t minor = match_number(v, true);
  if (minor == 0) {
    return false;
  }
  v.remove_prefix(minor);
  if (v.starts_with('.')) {
    const std::size_t patch = match_number(v.substr(1), true);
    if (patch == 0) {
      return false;
    }
    v.remove_prefix(1 + patch);
  }
  if (v.empty()) {
    return true;
  }
  // A prerelease suffix: [a-z]+[0-9]+.
  std::size_t i = 0;
  while (i < v.size() && v[i] >= 'a' && v[i] <= 'z') {
    ++i;
  }
  if (i == 0 || i == v.size()) {
    return false;
  }
  while (i < v.size() && strconv::is_ascii_digit(v[i])) {
    ++i;
  }
  return i == v.size();
}

bool
is_toolchain(std::string_view name)
{
  return name == "default" || name == "go1" || name.starts_with("go1.");
}

bool
is_directory_path(std::string_view p)
{
  const bool drive =
    p.size() >= 2
    && ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z'))
    && p[1] == ':';
  return p == "." || p.starts_with("./") || p.starts_with(".\\") || p == ".."
         || p.starts_with("../") || p.starts_with("..\\") || p.starts_with('/')
         || p.starts_with('\\') || drive;
}

} // namespace gpx::gomod::modfile
