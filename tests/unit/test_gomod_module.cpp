#include <gomod/module.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gomod = gpx::gomod;

namespace {

// From golang.org/x/mod module/module_test.go, checkTests.
constexpr struct
{
  std::string_view path;
  std::string_view version;
  bool ok;
} k_check[] = {
  {"rsc.io/quote", "0.1.0", false},
  {"rsc io/quote", "v1.0.0", false},

  {"github.com/go-yaml/yaml", "v0.8.0", true},
  {"github.com/go-yaml/yaml", "v1.0.0", true},
  {"github.com/go-yaml/yaml", "v2.0.0", false},
  {"github.com/go-yaml/yaml", "v2.1.5", false},
  {"github.com/go-yaml/yaml", "v3.0.0", false},

  {"github.com/go-yaml/yaml/v2", "v1.0.0", false},
  {"github.com/go-yaml/yaml/v2", "v2.0.0", true},
  {"github.com/go-yaml/yaml/v2", "v2.1.5", true},
  {"github.com/go-yaml/yaml/v2", "v3.0.0", false},

  {"gopkg.in/yaml.v0", "v0.8.0", true},
  {"gopkg.in/yaml.v0", "v1.0.0", false},
  {"gopkg.in/yaml.v0", "v2.0.0", false},
  {"gopkg.in/yaml.v0", "v2.1.5", false},
  {"gopkg.in/yaml.v0", "v3.0.0", false},

  {"gopkg.in/yaml.v1", "v0.8.0", false},
  {"gopkg.in/yaml.v1", "v1.0.0", true},
  {"gopkg.in/yaml.v1", "v2.0.0", false},
  {"gopkg.in/yaml.v1", "v2.1.5", false},
  {"gopkg.in/yaml.v1", "v3.0.0", false},

  // .v1 means v1, but early vgo wrote v0 pseudo-versions for it and
  // published go.mod files still carry them.
  {"gopkg.in/check.v1", "v0.0.0", false},
  {"gopkg.in/check.v1", "v0.0.0-20160102150405-abcdef123456", true},

  {"gopkg.in/yaml.v2", "v1.0.0", false},
  {"gopkg.in/yaml.v2", "v2.0.0", true},
  {"gopkg.in/yaml.v2", "v2.1.5", true},
  {"gopkg.in/yaml.v2", "v3.0.0", false},

  {"rsc.io/quote", "v17.0.0", false},
  {"rsc.io/quote", "v17.0.0+incompatible", true},
};

struct PathCase
{
  std::string_view path;
  bool ok;        // check_path
  bool import_ok; // check_import_path
  bool file_ok;   // check_file_path
};

// From golang.org/x/mod module/module_test.go, checkPathTests.
constexpr PathCase k_check_path[] = {
  {"x.y/z", true, true, true},
  {"x.y", true, true, true},

  {"", false, false, false},
  {"x.y/\xFFz", false, false, false},
  {"/x.y/z", false, false, false},
  {"x./z", false, false, false},
  {".x/z", false, true, true},
  {"-x/z", false, false, true},
  {"x..y/z", true, true, true},
  {"x.y/z/../../w", false, false, false},
  {"x.y//z", false, false, false},
  {"x.y/z//w", false, false, false},
  {"x.y/z/", false, false, false},

  {"x.y/z/v0", false, true, true},
  {"x.y/z/v1", false, true, true},
  {"x.y/z/v2", true, true, true},
  {"x.y/z/v2.0", false, true, true},
  {"X.y/z", false, true, true},

  {"!x.y/z", false, false, true},
  {"_x.y/z", false, true, true},
  {"x.y!/z", false, false, true},
  {"x.y\"/z", false, false, false},
  {"x.y#/z", false, false, true},
  {"x.y$/z", false, false, true},
  {"x.y%/z", false, false, true},
  {"x.y&/z", false, false, true},
  {"x.y'/z", false, false, false},
  {"x.y(/z", false, false, true},
  {"x.y)/z", false, false, true},
  {"x.y*/z", false, false, false},
  {"x.y+/z", false, true, true},
  {"x.y,/z", false, false, true},
  {"x.y-/z", true, true, true},
  {"x.y./zt", false, false, false},
  {"x.y:/z", false, false, false},
  {"x.y;/z", false, false, false},
  {"x.y</z", false, false, false},
  {"x.y=/z", false, false, true},
  {"x.y>/z", false, false, false},
  {"x.y?/z", false, false, false},
  {"x.y@/z", false, false, true},
  {"x.y[/z", false, false, true},
  {"x.y\\/z", false, false, false},
  {"x.y]/z", false, false, true},
  {"x.y^/z", false, false, true},
  {"x.y_/z", false, true, true},
  {"x.y`/z", false, false, false},
  {"x.y{/z", false, false, true},
  {"x.y}/z", false, false, true},
  {"x.y~/z", false, true, true},
  {"x.y/z!", false, false, true},
  {"x.y/z\"", false, false, false},
  {"x.y/z#", false, false, true},
  {"x.y/z$", false, false, true},
  {"x.y/z%", false, false, true},
  {"x.y/z&", false, false, true},
  {"x.y/z'", false, false, false},
  {"x.y/z(", false, false, true},
  {"x.y/z)", false, false, true},
  {"x.y/z*", false, false, false},
  {"x.y/z++", false, true, true},
  {"x.y/z,", false, false, true},
  {"x.y/z-", true, true, true},
  {"x.y/z.t", true, true, true},
  {"x.y/z/t", true, true, true},
  {"x.y/z:", false, false, false},
  {"x.y/z;", false, false, false},
  {"x.y/z<", false, false, false},
  {"x.y/z=", false, false, true},
  {"x.y/z>", false, false, false},
  {"x.y/z?", false, false, false},
  {"x.y/z@", false, false, true},
  {"x.y/z[", false, false, true},
  {"x.y/z\\", false, false, false},
  {"x.y/z]", false, false, true},
  {"x.y/z^", false, false, true},
  {"x.y/z_", true, true, true},
  {"x.y/z`", false, false, false},
  {"x.y/z{", false, false, true},
  {"x.y/z}", false, false, true},
  {"x.y/z~", true, true, true},
  {"x.y/x.foo", true, true, true},
  {"x.y/aux.foo", false, false, false},
  {"x.y/prn", false, false, false},
  {"x.y/prn2", true, true, true},
  {"x.y/com", true, true, true},
  {"x.y/com1", false, false, false},
  {"x.y/com1.txt", false, false, false},
  {"x.y/calm1", true, true, true},
  {"x.y/z~", true, true, true},
  {"x.y/z~0", false, false, true},
  {"x.y/z~09", false, false, true},
  {"x.y/z09", true, true, true},
  {"x.y/z09~", true, true, true},
  {"x.y/z09~09z", true, true, true},
  {"x.y/z09~09z~09", false, false, true},
  {"github.com/!123/logrus", false, false, true},

  // Unicode letters are file-path-only until module paths have a story for
  // case folding and normalization.
  {"github.com/user/unicode/испытание", false, false, true},

  {"../x", false, false, false},
  {"./y", false, false, false},
  {"x:y", false, false, false},
  {"\\temp\\foo", false, false, false},
  {".gitignore", false, true, true},
  {".github/ISSUE_TEMPLATE", false, true, true},
  {"x☺y", false, false, false},
};

// Our own additions: Unicode classes, malformed UTF-8, and the Windows
// rules in more spellings. Each was checked against Go 1.26's x/mod.
constexpr PathCase k_check_path_more[] = {
  {"x.y/é", false, false, true},
  {"x.y/日本語.go", false, false, true},
  {"x.y/ǅ", false, false, true},             // Lt
  {"x.y/ß", false, false, true},             // Ll
  {"x.y/𝔘", false, false, true},             // outside the BMP
  {"x.y/a\u0301", false, false, false},      // combining mark: not a letter
  {"x.y/٣", false, false, false},            // Arabic-Indic digit: not a letter
  {"x.y/Ⅻ", false, false, false},            // letter number (Nl)
  {"x.y/\u00a0", false, false, false},       // no-break space
  {"x.y/\u200b", false, false, false},       // zero-width space
  {"x.y/\u202e", false, false, false},       // right-to-left override
  {"x.y/\U0001F600", false, false, false},   // emoji
  {"x.y/\xc0\x80", false, false, false},     // overlong NUL
  {"x.y/\xed\xa0\x80", false, false, false}, // surrogate
  {"x.y/\xf4\x90\x80\x80", false, false, false}, // above U+10FFFF
  {"x.y/\xe2\x82", false, false, false},         // truncated
  {"x.y/\xef\xbf\xbd",
   false,
   false,
   false}, // U+FFFD itself: valid UTF-8, not a letter
  {"x.y/con", false, false, false},
  {"x.y/CON.txt", false, false, false},
  {"x.y/Con~1", false, false, true},
  {"x.y/lpt9.x", false, false, false},
  {"x.y/lpt10", true, true, true},
  {"x.y/PROGRA~1", false, false, true},
  {"x.y/a.~1", true, true, true}, // the short name is "a"
  {"x.y/~1", false, false, true},
  {"x.y/~", true, true, true},
  {"a.b/...", false, false, false},
  {"a.b/..x", false, true, true},
  {"a.b/a b", false, false, true},
  {"a.b/\t", false, false, false},
  {"a.b/-x", true, true, true},
  {"-a.b", false, false, true},
  {"a-.b", true, true, true},
  {"a.b/v2/v3", true, true, true},
  {"a.b/v02", false, true, true},
  {"a.b/vv2", true, true, true},
  {"gopkg.in/yaml", false, true, true},
  {"gopkg.in/yaml.v1-unstable", true, true, true},
  {"gopkg.in/yaml.v01", false, true, true},
  {"gopkg.in/yaml.v2/x", false, true, true},
  {"gopkg.in/x.v0-unstable", false, true, true}, // only .v0 itself
};

void
check_path_case(const PathCase& tc)
{
  CAPTURE(tc.path);
  CHECK(gomod::check_path(tc.path).has_value() == tc.ok);
  CHECK(gomod::check_import_path(tc.path).has_value() == tc.import_ok);
  CHECK(gomod::check_file_path(tc.path).has_value() == tc.file_ok);
}

std::string
message(const gpx::Status& st)
{
  return st ? "ok" : st.error().message;
}

template<typename T>
std::string
message(const gpx::Result<T>& r)
{
  return r ? "ok" : r.error().message;
}

// From golang.org/x/mod module/module_test.go, splitPathVersionTests.
constexpr struct
{
  std::string_view prefix;
  std::string_view path_major;
} k_split_path_version[] = {
  {"x.y/z", ""},
  {"x.y/z", "/v2"},
  {"x.y/z", "/v3"},
  {"x.y/v", ""},
  {"gopkg.in/yaml", ".v0"},
  {"gopkg.in/yaml", ".v1"},
  {"gopkg.in/yaml", ".v2"},
  {"gopkg.in/yaml", ".v3"},
};

// From golang.org/x/mod module/module_test.go, escapeTests; an empty esc
// means the path escapes to itself.
constexpr struct
{
  std::string_view path;
  std::string_view esc;
} k_escape[] = {
  {"ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789", ""},
  {"github.com/GoogleCloudPlatform/omega",
   "github.com/!google!cloud!platform/omega"},
};

// From golang.org/x/mod module/module_test.go, badUnescape.
constexpr std::string_view k_bad_unescape[] = {
  "github.com/GoogleCloudPlatform/omega",
  "github.com/!google!cloud!platform!/omega",
  "github.com/!0google!cloud!platform/omega",
  "github.com/!_google!cloud!platform/omega",
  "github.com/!!google!cloud!platform/omega",
  "",
};

// From golang.org/x/mod module/module_test.go, TestMatchPathMajor.
constexpr struct
{
  std::string_view version;
  std::string_view path_major;
  bool want;
} k_match_path_major[] = {
  {"v0.0.0", "", true},
  {"v0.0.0", "/v2", false},
  {"v0.0.0", ".v0", true},
  {"v0.0.0-20190510104115-cbcb75029529", ".v1", true},
  {"v1.0.0", "/v2", false},
  {"v1.0.0", ".v1", true},
  {"v1.0.0", ".v1-unstable", true},
  {"v2.0.0+incompatible", "", true},
  {"v2.0.0", "", false},
  {"v2.0.0", "/v2", true},
  {"v2.0.0", ".v2", true},
};

// From golang.org/x/mod module/module_test.go, TestMatchPrefixPatterns.
constexpr struct
{
  std::string_view globs;
  std::string_view target;
  bool want;
} k_match_prefix_patterns[] = {
  {"", "rsc.io/quote", false},
  {"/", "rsc.io/quote", false},
  {"*/quote", "rsc.io/quote", true},
  {"*/quo", "rsc.io/quote", false},
  {"*/quo??", "rsc.io/quote", true},
  {"*/quo*", "rsc.io/quote", true},
  {"*quo*", "rsc.io/quote", false},
  {"rsc.io", "rsc.io/quote", true},
  {"*.io", "rsc.io/quote", true},
  {"rsc.io/", "rsc.io/quote", true},
  {"rsc", "rsc.io/quote", false},
  {"rsc*", "rsc.io/quote", true},

  {"rsc.io", "rsc.io/quote/v3", true},
  {"*/quote", "rsc.io/quote/v3", true},
  {"*/quote/", "rsc.io/quote/v3", true},
  {"*/quote/*", "rsc.io/quote/v3", true},
  {"*/quote/*/", "rsc.io/quote/v3", true},
  {"*/v3", "rsc.io/quote/v3", false},
  {"*/*/v3", "rsc.io/quote/v3", true},
  {"*/*/*", "rsc.io/quote/v3", true},
  {"*/*/*/", "rsc.io/quote/v3", true},
  {"*/*/*", "rsc.io/quote", false},
  {"*/*/*/", "rsc.io/quote", false},

  {"*/*/*,,", "rsc.io/quote", false},
  {"*/*/*,,*/quote", "rsc.io/quote", true},
  {",,*/quote", "rsc.io/quote", true},
};

// From Go's path/match_test.go, matchTests: the glob syntax of each
// pattern. A malformed pattern matches nothing (want false). Only rows
// whose pattern and name have equally many slashes are used, because
// match_prefix_patterns cuts the name to the pattern's element count first.
constexpr struct
{
  std::string_view pattern;
  std::string_view name;
  bool want;
} k_path_match[] = {
  {"abc", "abc", true},
  {"*", "abc", true},
  {"*c", "abc", true},
  {"a*", "a", true},
  {"a*", "abc", true},
  {"a*", "ab/c", false},
  {"a*/b", "abc/b", true},
  {"a*/b", "a/c/b", false},
  {"a*b*c*d*e*/f", "axbxcxdxe/f", true},
  {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true},
  {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false},
  {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false},
  {"a*b?c*x", "abxbbxdbxebxczzx", true},
  {"a*b?c*x", "abxbbxdbxebxczzy", false},
  {"ab[c]", "abc", true},
  {"ab[b-d]", "abc", true},
  {"ab[e-g]", "abc", false},
  {"ab[^c]", "abc", false},
  {"ab[^b-d]", "abc", false},
  {"ab[^e-g]", "abc", true},
  {"a\\*b", "a*b", true},
  {"a\\*b", "ab", false},
  {"a?b", "a☺b", true},
  {"a[^a]b", "a☺b", true},
  {"a???b", "a☺b", false},
  {"a[^a][^a][^a]b", "a☺b", false},
  {"[a-ζ]*", "α", true},
  {"*[a-ζ]", "A", false},
  {"a?b", "a/b", false},
  {"a*b", "a/b", false},
  {"[\\]a]", "]", true},
  {"[\\-]", "-", true},
  {"[x\\-]", "x", true},
  {"[x\\-]", "-", true},
  {"[x\\-]", "z", false},
  {"[\\-x]", "x", true},
  {"[\\-x]", "-", true},
  {"[\\-x]", "a", false},
  {"[]a]", "]", false},
  {"[-]", "-", false},
  {"[x-]", "x", false},
  {"[x-]", "-", false},
  {"[x-]", "z", false},
  {"[-x]", "x", false},
  {"[-x]", "-", false},
  {"[-x]", "a", false},
  {"\\", "a", false},
  {"[a-b-c]", "a", false},
  {"[", "a", false},
  {"[^", "a", false},
  {"[^bc", "a", false},
  {"a[", "a", false},
  {"a[", "ab", false},
  {"a[", "x", false},
  {"a/b[", "x", false},
  {"*x", "xxx", true},
};

// What Go 1.26's x/mod says for the same calls, byte for byte: callers
// show these to users, and tests elsewhere may match on them.
constexpr struct
{
  std::string_view fn;
  std::string_view arg1;
  std::string_view arg2;
  std::string_view want;
} k_messages[] = {
  {"check_path",
   "x",
   "",
   R"(malformed module path "x": missing dot in first path element)"},
  {"check_path",
   "x.y/z/v1",
   "",
   R"(malformed module path "x.y/z/v1": invalid version)"},
  {"check_path",
   "X.y/z",
   "",
   R"(malformed module path "X.y/z": invalid char 'X' in first path element)"},
  {"check_path",
   "x.y/\xFFz",
   "",
   R"(malformed module path "x.y/\xffz": invalid UTF-8)"},
  {"check_path", "", "", R"(malformed module path "": empty string)"},
  {"check_path", "-x/z", "", R"(malformed module path "-x/z": leading dash)"},
  {"check_path",
   "x.y//z",
   "",
   R"(malformed module path "x.y//z": double slash)"},
  {"check_path",
   "x.y/z/",
   "",
   R"(malformed module path "x.y/z/": trailing slash)"},
  {"check_path",
   ".x/z",
   "",
   R"(malformed module path ".x/z": leading dot in path element)"},
  {"check_path",
   "x./z",
   "",
   R"(malformed module path "x./z": trailing dot in path element)"},
  {"check_path",
   "x.y/z/../../w",
   "",
   R"(malformed module path "x.y/z/../../w": invalid path element "..")"},
  {"check_path",
   "github.com/user/unicode/испытание",
   "",
   R"(malformed module path "github.com/user/unicode/испытание": invalid char 'и')"},
  {"check_import_path",
   "x.y/z~0",
   "",
   R"(malformed import path "x.y/z~0": trailing tilde and digits in path element)"},
  {"check_import_path",
   "x.y/z*",
   "",
   R"(malformed import path "x.y/z*": invalid char '*')"},
  {"check_import_path",
   "x.y/z'",
   "",
   R"(malformed import path "x.y/z'": invalid char '\'')"},
  {"check_file_path",
   "x.y/com1.txt",
   "",
   R"(malformed file path "x.y/com1.txt": "com1" disallowed as path element component on Windows)"},
  {"check_file_path",
   "x.y/z\"",
   "",
   R"(malformed file path "x.y/z\"": invalid char '"')"},
  {"check_file_path",
   "a.b/\t",
   "",
   R"(malformed file path "a.b/\t": invalid char '\t')"},
  {"check_file_path",
   "x.y/\u202e",
   "",
   R"(malformed file path "x.y/\u202e": invalid char '\u202e')"},
  {"check_file_path",
   "x.y/\xc0\x80",
   "",
   R"(malformed file path "x.y/\xc0\x80": invalid UTF-8)"},
  {"check",
   "rsc.io/quote",
   "0.1.0",
   "rsc.io/quote@0.1.0: invalid version: not a semantic version"},
  {"check",
   "github.com/go-yaml/yaml",
   "v2.0.0",
   "github.com/go-yaml/yaml@v2.0.0: invalid version: should be v0 or v1, not "
   "v2"},
  {"check",
   "rsc io/quote",
   "v1.0.0",
   R"(malformed module path "rsc io/quote": invalid char ' ')"},
  {"check_path_major",
   "v1.0.0",
   "/v2",
   R"(version "v1.0.0" invalid: should be v2, not v1)"},
  {"check_path_major",
   "v1.0.0",
   "v2",
   R"(version "v1.0.0" invalid: should be v2, not v1)"},
  {"escape_version",
   "v1.0.0!",
   "",
   R"(version "v1.0.0!" invalid: disallowed version string)"},
  {"unescape_path",
   "github.com/!!google",
   "",
   R"(invalid escaped module path "github.com/!!google")"},
  {"unescape_path",
   "x",
   "",
   R"(invalid escaped module path "x": malformed module path "x": missing dot in first path element)"},
  {"unescape_version",
   "v1.0.0-!R",
   "",
   R"(invalid escaped version "v1.0.0-!R")"},
  {"unescape_version",
   "x.y/z",
   "",
   R"(invalid escaped version "x.y/z": invalid char '/')"},
};

} // namespace

TEST_SUITE("gpx::gomod")
{
  TEST_CASE("check")
  {
    for (const auto& tc : k_check) {
      CAPTURE(tc.path);
      CAPTURE(tc.version);
      CHECK(gomod::check(tc.path, tc.version).has_value() == tc.ok);
    }
  }

  TEST_CASE("check_path, check_import_path, check_file_path")
  {
    for (const auto& tc : k_check_path) {
      check_path_case(tc);
    }
  }

  TEST_CASE(
    "check_path, check_import_path, check_file_path: Unicode, UTF-8, Windows")
  {
    for (const auto& tc : k_check_path_more) {
      check_path_case(tc);
    }
  }

  TEST_CASE("error messages read like Go's")
  {
    for (const auto& tc : k_messages) {
      CAPTURE(tc.fn);
      CAPTURE(tc.arg1);
      CAPTURE(tc.arg2);
      std::string got;
      if (tc.fn == "check_path") {
        got = message(gomod::check_path(tc.arg1));
      } else if (tc.fn == "check_import_path") {
        got = message(gomod::check_import_path(tc.arg1));
      } else if (tc.fn == "check_file_path") {
        got = message(gomod::check_file_path(tc.arg1));
      } else if (tc.fn == "check") {
        got = message(gomod::check(tc.arg1, tc.arg2));
      } else if (tc.fn == "check_path_major") {
        got = message(gomod::check_path_major(tc.arg1, tc.arg2));
      } else if (tc.fn == "escape_version") {
        got = message(gomod::escape_version(tc.arg1));
      } else if (tc.fn == "unescape_path") {
        got = message(gomod::unescape_path(tc.arg1));
      } else if (tc.fn == "unescape_version") {
        got = message(gomod::unescape_version(tc.arg1));
      } else {
        FAIL("unknown function " << tc.fn);
      }
      CHECK(got == tc.want);
    }
    CHECK(gomod::check_path("x").error().code == gpx::Error::Code::invalid);
  }

  TEST_CASE("split_path_version")
  {
    for (const auto& tc : k_split_path_version) {
      const std::string path =
        std::string(tc.prefix) + std::string(tc.path_major);
      CAPTURE(path);
      const gomod::SplitPath got = gomod::split_path_version(path);
      CHECK(got.prefix == tc.prefix);
      CHECK(got.path_major == tc.path_major);
      CHECK(got.ok);
    }
    // Whatever the verdict, prefix + path_major gives back the path.
    for (const auto& tc : k_check_path) {
      CAPTURE(tc.path);
      const gomod::SplitPath got = gomod::split_path_version(tc.path);
      CHECK(got.prefix + got.path_major == tc.path);
    }
    CHECK_FALSE(gomod::split_path_version("x.y/z/v1").ok);
    CHECK_FALSE(gomod::split_path_version("x.y/z/v02").ok);
    CHECK_FALSE(gomod::split_path_version("x.y/z/v2.0").ok);
    CHECK_FALSE(gomod::split_path_version("gopkg.in/yaml").ok);
    CHECK_FALSE(gomod::split_path_version("gopkg.in/yaml.v01").ok);
    const gomod::SplitPath unstable =
      gomod::split_path_version("gopkg.in/yaml.v1-unstable");
    CHECK(unstable.ok);
    CHECK(unstable.prefix == "gopkg.in/yaml");
    CHECK(unstable.path_major == ".v1-unstable");
  }

  TEST_CASE("escape_path")
  {
    for (const auto& tc : k_check_path) {
      if (!tc.ok) {
        CAPTURE(tc.path);
        CHECK_FALSE(gomod::escape_path(tc.path));
      }
    }
    for (const auto& tc : k_escape) {
      CAPTURE(tc.path);
      const auto esc = gomod::escape_path(tc.path);
      REQUIRE(esc);
      CHECK(*esc == (tc.esc.empty() ? tc.path : tc.esc));
    }
  }

  TEST_CASE("unescape_path")
  {
    for (const std::string_view bad : k_bad_unescape) {
      CAPTURE(bad);
      CHECK_FALSE(gomod::unescape_path(bad));
    }
    for (const auto& tc : k_check_path) {
      if (!tc.ok) {
        CAPTURE(tc.path);
        CHECK_FALSE(gomod::unescape_path(tc.path));
      }
    }
    for (const auto& tc : k_escape) {
      const std::string_view esc = tc.esc.empty() ? tc.path : tc.esc;
      CAPTURE(esc);
      const auto path = gomod::unescape_path(esc);
      REQUIRE(path);
      CHECK(*path == tc.path);
    }
  }

  TEST_CASE("escape_version and unescape_version")
  {
    CHECK(gomod::escape_version("v1.0.0-RC1").value_or("") == "v1.0.0-!r!c1");
    CHECK(gomod::escape_version("v1.2.3").value_or("") == "v1.2.3");
    CHECK(gomod::escape_version("master").value_or("")
          == "master"); // queries need not be semver
    CHECK(gomod::unescape_version("v1.0.0-!r!c1").value_or("") == "v1.0.0-RC1");
    for (const std::string_view bad :
         {"", "v1!", "a/b", "con", "v1.0.0.", "x\xff", "x*"}) {
      CAPTURE(bad);
      CHECK_FALSE(gomod::escape_version(bad));
    }
    for (const std::string_view bad :
         {"", "v1.0.0-!R", "v1.0.0-RC1", "v1!", "!", "a/b", "con"}) {
      CAPTURE(bad);
      CHECK_FALSE(gomod::unescape_version(bad));
    }
  }

  TEST_CASE("match_path_major and check_path_major")
  {
    for (const auto& tc : k_match_path_major) {
      CAPTURE(tc.version);
      CAPTURE(tc.path_major);
      CHECK(gomod::match_path_major(tc.version, tc.path_major) == tc.want);
      CHECK(gomod::check_path_major(tc.version, tc.path_major).has_value()
            == tc.want);
    }
  }

  TEST_CASE("path_major_prefix")
  {
    CHECK(gomod::path_major_prefix("") == "");
    CHECK(gomod::path_major_prefix("/v2") == "v2");
    CHECK(gomod::path_major_prefix(".v1") == "v1");
    CHECK(gomod::path_major_prefix(".v1-unstable") == "v1");
    CHECK_THROWS_AS(gomod::path_major_prefix("v2"), std::invalid_argument);
    CHECK_THROWS_AS(gomod::path_major_prefix("/v2.1"), std::invalid_argument);
  }

  TEST_CASE("match_prefix_patterns")
  {
    for (const auto& tc : k_match_prefix_patterns) {
      CAPTURE(tc.globs);
      CAPTURE(tc.target);
      CHECK(gomod::match_prefix_patterns(tc.globs, tc.target) == tc.want);
    }
  }

  TEST_CASE("match_prefix_patterns: path.Match syntax")
  {
    for (const auto& tc : k_path_match) {
      if (std::count(tc.pattern.begin(), tc.pattern.end(), '/')
          != std::count(tc.name.begin(), tc.name.end(), '/')) {
        continue;
      }
      CAPTURE(tc.pattern);
      CAPTURE(tc.name);
      CHECK(gomod::match_prefix_patterns(tc.pattern, tc.name) == tc.want);
    }
    // GOPRIVATE as people write it.
    CHECK(gomod::match_prefix_patterns("*.corp.example,github.com/acme",
                                       "git.corp.example/team/repo"));
    CHECK(gomod::match_prefix_patterns("*.corp.example,github.com/acme",
                                       "github.com/acme/tool/v2"));
    CHECK_FALSE(gomod::match_prefix_patterns("*.corp.example,github.com/acme",
                                             "github.com/acmeinc/tool"));
    CHECK_FALSE(gomod::match_prefix_patterns("none", "github.com/acme/tool"));
    // A malformed entry is skipped, not fatal to the others.
    CHECK(gomod::match_prefix_patterns("[,rsc.io", "rsc.io/quote"));
  }

  TEST_CASE("canonical_version")
  {
    CHECK(gomod::canonical_version("v1.2") == "v1.2.0");
    CHECK(gomod::canonical_version("v1.2.3+meta") == "v1.2.3");
    CHECK(gomod::canonical_version("v2.0.0+incompatible")
          == "v2.0.0+incompatible");
    CHECK(gomod::canonical_version("v2.0.0-pre+incompatible")
          == "v2.0.0-pre+incompatible");
    CHECK(gomod::canonical_version("bad") == "");
  }

  TEST_CASE("sort")
  {
    std::vector<gomod::Version> list = {
      {"rsc.io/quote", "v1.5.2/go.mod"},
      {"golang.org/x/text", "v0.3.0"},
      {"rsc.io/quote", "v1.10.0"},
      {"rsc.io/quote", "v1.5.2"},
      {"rsc.io/quote", "v1.5.2-pre"},
      {"golang.org/x/text", "v0.0.0-20170915032832-14c0d48ead0c"},
      {"rsc.io/quote", "bad"},
    };
    gomod::sort(list);
    const std::vector<gomod::Version> want = {
      {"golang.org/x/text", "v0.0.0-20170915032832-14c0d48ead0c"},
      {"golang.org/x/text", "v0.3.0"},
      {"rsc.io/quote", "bad"},
      {"rsc.io/quote", "v1.5.2-pre"},
      {"rsc.io/quote", "v1.5.2"},
      {"rsc.io/quote", "v1.5.2/go.mod"},
      {"rsc.io/quote", "v1.10.0"},
    };
    CHECK(list == want);
  }

  TEST_CASE("Version::str")
  {
    CHECK(gomod::Version{"rsc.io/quote", "v1.5.2"}.str()
          == "rsc.io/quote@v1.5.2");
    CHECK(gomod::Version{"rsc.io/quote", ""}.str() == "rsc.io/quote");
  }
}
