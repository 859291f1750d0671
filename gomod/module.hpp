#pragma once

// Module paths and versions: the rules of golang.org/x/mod/module
// (module.go). Every path and version that reaches a file name or an
// upstream request passes through these checks first.

#include <gomod/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod {

// A module version: path and version as the go command writes them
// ("rsc.io/quote", "v1.5.2"), not escaped.
struct Version
{
  std::string path;
  std::string version;

  std::string
  str() const
  {
    return version.empty() ? path : path + "@" + version;
  }
  bool operator==(const Version&) const = default;
};

// module.CheckPath: a valid module path (at least one dot in the first
// element, no leading dash, allowed characters only, valid major suffix).
Status check_path(std::string_view path);
// module.CheckImportPath: a valid package import path.
Status check_import_path(std::string_view path);
// module.CheckFilePath: a valid file path inside a module zip.
Status check_file_path(std::string_view path);
// module.Check: path is valid and version is a canonical semver version that
// agrees with the path's major-version suffix.
Status check(std::string_view path, std::string_view version);

// module.SplitPathVersion: "a/b/v2" → ("a/b", "/v2"); "gopkg.in/yaml.v2" →
// ("gopkg.in/yaml", ".v2"). ok is false for a malformed major suffix
// ("a/b/v1", "a/b/v02").
struct SplitPath
{
  std::string prefix;
  std::string path_major;
  bool ok = false;
};
SplitPath split_path_version(std::string_view path);

// module.CheckPathMajor / MatchPathMajor: version's major agrees with the
// path's major suffix (empty, "/v2", ".v1", …).
Status check_path_major(std::string_view version, std::string_view path_major);
bool match_path_major(std::string_view version, std::string_view path_major);
// module.PathMajorPrefix: "/v2" → "v2", ".v1" → "v1", "" → "". A suffix
// without a separator or with an invalid major is a caller bug (Go panics):
// throws std::invalid_argument.
std::string path_major_prefix(std::string_view path_major);

// module.EscapePath / EscapeVersion / UnescapePath / UnescapeVersion: the
// case-encoding of the proxy protocol ("Azure" ↔ "!azure").
Result<std::string> escape_path(std::string_view path);
Result<std::string> escape_version(std::string_view version);
Result<std::string> unescape_path(std::string_view escaped);
Result<std::string> unescape_version(std::string_view escaped);

// module.MatchPrefixPatterns: GOPRIVATE-style comma-separated globs, each
// matched (path.Match syntax) against as many leading path elements of
// target as it has itself. Empty entries, a trailing "/" and malformed globs
// are ignored.
bool match_prefix_patterns(std::string_view globs, std::string_view target);

// module.CanonicalVersion: semver canonical form, keeping +incompatible.
std::string canonical_version(std::string_view v);

// Sort by path, then by semver precedence (module.Sort). A version may carry
// a "/file" suffix, as go.sum's "v1.2.3/go.mod", compared as text after the
// version part.
void sort(std::vector<Version>& list);

} // namespace gpx::gomod
