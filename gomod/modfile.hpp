#pragma once

// go.mod directives (x/mod modfile/rule.go): what the syntax tree of
// modfile_read.hpp means. Parsing only; nothing here prints or edits a file.
//
// Two modes, as in Go:
//   parse      the main module's go.mod: every directive is checked, and an
//              unknown one is an error.
//   parse_lax  a dependency's go.mod: only module, go, require, retract and
//              ignore are read; everything else (replace, exclude, toolchain,
//              godebug, tool, unknown verbs and blocks) is skipped, so that a
//              go.mod written for a newer Go still loads, and directives that
//              only apply to the main module have no effect.

#include <gomod/modfile_read.hpp>
#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::modfile {

// Every directive keeps pos, the start of its line, for messages that point
// into the file; the full syntax (tokens, comments) is in File::syntax.

struct Module
{
  Version mod; // version is always empty
  // The paragraph starting with "Deprecated:" in the comments above or after
  // the module line, without that prefix; "" if not deprecated.
  std::string deprecated;
  Position pos;
};

struct Go
{
  std::string version; // "1.21", "1.21.0", "1.21rc1"
  Position pos;
};

struct Toolchain
{
  std::string name; // "go1.21.0", "default"
  Position pos;
};

struct Godebug
{
  std::string key;
  std::string value;
  Position pos;
};

struct Require
{
  Version mod;
  bool indirect = false; // has a "// indirect" comment
  Position pos;
};

struct Exclude
{
  Version mod;
  Position pos;
};

// old_mod.version empty: every version of old_mod.path is replaced.
// new_mod.version empty: new_mod.path is a directory (is_directory_path).
struct Replace
{
  Version old_mod;
  Version new_mod;
  Position pos;
};

// A closed interval of versions; low == high for a single version.
struct VersionInterval
{
  std::string low;
  std::string high;

  bool operator==(const VersionInterval&) const = default;
};

// Without a VersionFixer, low and high are taken as written (Go checks them
// only through the fixer), so they may be invalid semver; compare them with
// semver::compare, which orders invalid versions first.
struct Retract
{
  std::string low;
  std::string high;
  // The comments on the retract line, or on its block if the line has none,
  // one line each, without "//" and surrounding space.
  std::string rationale;
  Position pos;

  VersionInterval
  interval() const
  {
    return {low, high};
  }
};

struct Tool
{
  std::string path;
  Position pos;
};

struct Ignore
{
  std::string path;
  Position pos;
};

struct File
{
  std::optional<Module> module;
  std::optional<Go> go;
  std::optional<Toolchain> toolchain;
  std::vector<Godebug> godebug;
  std::vector<Require> require;
  std::vector<Exclude> exclude;
  std::vector<Replace> replace;
  std::vector<Retract> retract;
  std::vector<Tool> tool;
  std::vector<Ignore> ignore;

  // Tokens as written in the file (still quoted, versions not canonicalized).
  FileSyntax syntax;
};

// Turns a version as written into the one to use, e.g. resolving a branch
// name to a pseudo-version (modfile.VersionFixer). path is the module the
// version belongs to ("" never: retract versions get the module's own path).
// Its error message is shown after "verb path: ".
using VersionFixer = std::function<Result<std::string>(
  std::string_view path, std::string_view version)>;

// modfile.Parse: strict, for the main module. Without fix, every version in
// require, exclude and replace must be valid semver and is stored in
// canonical form ("v1.2" becomes "v1.2.0", "+meta" is dropped, a branch name
// such as "master" is an error); this holds in parse_lax too. All directive
// errors are reported, one per line of the message:
// "go.mod:3: unknown directive: foo".
Result<File> parse(std::string_view file,
                   std::string_view data,
                   const VersionFixer& fix = {});

// modfile.ParseLax: for dependencies' go.mod files (see above).
Result<File> parse_lax(std::string_view file,
                       std::string_view data,
                       const VersionFixer& fix = {});

// GoVersionRE: "1.21", "1.21.0", "1.21rc1", "1.21.0rc1"; not "1", "v1.21",
// "1.021".
bool is_go_version(std::string_view v);
// ToolchainRE: "default", "go1" or "go1." followed by anything. Looser than
// go/version on purpose, so that newer toolchain names still parse.
bool is_toolchain(std::string_view name);
// Whether a replacement path is a directory rather than a module path:
// ".", "..", "./x", "../x", rooted ("/x", "\x") or Windows ("C:…").
bool is_directory_path(std::string_view path);

namespace detail {

// The go directive. lax (parse_lax) also takes the old forms that
// laxGoVersionRE fixes up ("1.2beta1" → "1.2"); a go.work never does.
void parse_go(const std::string& filename,
              const Line& line,
              const std::vector<std::string>& args,
              bool lax,
              std::vector<ParseError>& errs,
              std::optional<Go>& out);
// The toolchain directive, same in both files.
void parse_toolchain(const std::string& filename,
                     const Line& line,
                     const std::vector<std::string>& args,
                     std::vector<ParseError>& errs,
                     std::optional<Toolchain>& out);
// Shared with workfile.cpp: one error per bad line is appended to errs.
void parse_replace(const std::string& filename,
                   const Line& line,
                   std::string_view verb,
                   std::vector<std::string> args,
                   const VersionFixer& fix,
                   std::vector<ParseError>& errs,
                   std::vector<Replace>& out);
// The godebug directive, same in both files.
void parse_godebug(const std::string& filename,
                   const Line& line,
                   const std::vector<std::string>& args,
                   std::vector<ParseError>& errs,
                   std::vector<Godebug>& out);
// A quoted or bare token's value; false for a malformed quoted string (err
// is then set) or a bare token containing a quote.
bool parse_string(std::string_view token, std::string& out, std::string& err);

} // namespace detail

} // namespace gpx::gomod::modfile
