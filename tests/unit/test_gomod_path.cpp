#include <gomod/path.hpp>

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

namespace path = gpx::gomod::path;

// From Go's src/path/path_test.go, cleantests.
constexpr struct
{
  std::string_view in, out;
} k_clean[] = {
  {"", "."},
  {"abc", "abc"},
  {"abc/def", "abc/def"},
  {"a/b/c", "a/b/c"},
  {".", "."},
  {"..", ".."},
  {"../..", "../.."},
  {"../../abc", "../../abc"},
  {"/abc", "/abc"},
  {"/", "/"},
  {"abc/", "abc"},
  {"abc/def/", "abc/def"},
  {"a/b/c/", "a/b/c"},
  {"./", "."},
  {"../", ".."},
  {"../../", "../.."},
  {"/abc/", "/abc"},
  {"abc//def//ghi", "abc/def/ghi"},
  {"//abc", "/abc"},
  {"///abc", "/abc"},
  {"//abc//", "/abc"},
  {"abc//", "abc"},
  {"abc/./def", "abc/def"},
  {"/./abc/def", "/abc/def"},
  {"abc/.", "abc"},
  {"abc/def/ghi/../jkl", "abc/def/jkl"},
  {"abc/def/../ghi/../jkl", "abc/jkl"},
  {"abc/def/..", "abc"},
  {"abc/def/../..", "."},
  {"/abc/def/../..", "/"},
  {"abc/def/../../..", ".."},
  {"/abc/def/../../..", "/"},
  {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
  {"abc/./../def", "def"},
  {"abc//./../def", "def"},
  {"abc/../../././../def", "../../def"},
};

// From Go's src/path/path_test.go, splittests.
constexpr struct
{
  std::string_view in, dir, file;
} k_split[] = {
  {"a/b", "a/", "b"},
  {"a/b/", "a/b/", ""},
  {"a/", "a/", ""},
  {"a", "", "a"},
  {"/", "/", ""},
};

// From Go's src/path/path_test.go, jointests.
const struct
{
  std::vector<std::string_view> elems;
  std::string_view out;
} k_join[] = {
  {{}, ""},
  {{""}, ""},
  {{"a"}, "a"},
  {{"a", "b"}, "a/b"},
  {{"a", ""}, "a"},
  {{"", "b"}, "b"},
  {{"/", "a"}, "/a"},
  {{"/", ""}, "/"},
  {{"a/", "b"}, "a/b"},
  {{"a/", ""}, "a"},
  {{"", ""}, ""},
};

// From Go's src/path/path_test.go, exttests.
constexpr struct
{
  std::string_view in, out;
} k_ext[] = {
  {"path.go", ".go"},
  {"path.pb.go", ".go"},
  {"a.dir/b", ""},
  {"a.dir/b.go", ".go"},
  {"a.dir/", ""},
};

// From Go's src/path/path_test.go, basetests.
constexpr struct
{
  std::string_view in, out;
} k_base[] = {
  {"", "."},
  {".", "."},
  {"/.", "."},
  {"/", "/"},
  {"////", "/"},
  {"x/", "x"},
  {"abc", "abc"},
  {"abc/def", "def"},
  {"a/b/.x", ".x"},
  {"a/b/c.", "c."},
  {"a/b/c.x", "c.x"},
};

// From Go's src/path/path_test.go, dirtests.
constexpr struct
{
  std::string_view in, out;
} k_dir[] = {
  {"", "."},
  {".", "."},
  {"/.", "/"},
  {"/", "/"},
  {"////", "/"},
  {"/foo", "/"},
  {"x/", "x"},
  {"abc", "."},
  {"abc/def", "abc"},
  {"abc////def", "abc"},
  {"a/b/.x", "a/b"},
  {"a/b/c.", "a/b"},
  {"a/b/c.x", "a/b"},
};

// From Go's src/path/path_test.go, isAbsTests.
constexpr struct
{
  std::string_view in;
  bool abs;
} k_is_abs[] = {
  {"", false},
  {"/", true},
  {"/usr/bin/gcc", true},
  {"..", false},
  {"/a/../bb", true},
  {".", false},
  {"./", false},
  {"lala", false},
};

enum class Want { no, yes, bad_pattern };

// From Go's src/path/match_test.go, matchTests (bad_pattern: ErrBadPattern).
constexpr struct
{
  std::string_view pattern, name;
  Want want;
} k_match[] = {
  {"abc", "abc", Want::yes},
  {"*", "abc", Want::yes},
  {"*c", "abc", Want::yes},
  {"a*", "a", Want::yes},
  {"a*", "abc", Want::yes},
  {"a*", "ab/c", Want::no},
  {"a*/b", "abc/b", Want::yes},
  {"a*/b", "a/c/b", Want::no},
  {"a*b*c*d*e*/f", "axbxcxdxe/f", Want::yes},
  {"a*b*c*d*e*/f", "axbxcxdxexxx/f", Want::yes},
  {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Want::no},
  {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", Want::no},
  {"a*b?c*x", "abxbbxdbxebxczzx", Want::yes},
  {"a*b?c*x", "abxbbxdbxebxczzy", Want::no},
  {"ab[c]", "abc", Want::yes},
  {"ab[b-d]", "abc", Want::yes},
  {"ab[e-g]", "abc", Want::no},
  {"ab[^c]", "abc", Want::no},
  {"ab[^b-d]", "abc", Want::no},
  {"ab[^e-g]", "abc", Want::yes},
  {"a\\*b", "a*b", Want::yes},
  {"a\\*b", "ab", Want::no},
  {"a?b", "a☺b", Want::yes},
  {"a[^a]b", "a☺b", Want::yes},
  {"a???b", "a☺b", Want::no},
  {"a[^a][^a][^a]b", "a☺b", Want::no},
  {"[a-ζ]*", "α", Want::yes},
  {"*[a-ζ]", "A", Want::no},
  {"a?b", "a/b", Want::no},
  {"a*b", "a/b", Want::no},
  {"[\\]a]", "]", Want::yes},
  {"[\\-]", "-", Want::yes},
  {"[x\\-]", "x", Want::yes},
  {"[x\\-]", "-", Want::yes},
  {"[x\\-]", "z", Want::no},
  {"[\\-x]", "x", Want::yes},
  {"[\\-x]", "-", Want::yes},
  {"[\\-x]", "a", Want::no},
  {"[]a]", "]", Want::bad_pattern},
  {"[-]", "-", Want::bad_pattern},
  {"[x-]", "x", Want::bad_pattern},
  {"[x-]", "-", Want::bad_pattern},
  {"[x-]", "z", Want::bad_pattern},
  {"[-x]", "x", Want::bad_pattern},
  {"[-x]", "-", Want::bad_pattern},
  {"[-x]", "a", Want::bad_pattern},
  {"\\", "a", Want::bad_pattern},
  {"[a-b-c]", "a", Want::bad_pattern},
  {"[", "a", Want::bad_pattern},
  {"[^", "a", Want::bad_pattern},
  {"[^bc", "a", Want::bad_pattern},
  {"a[", "a", Want::bad_pattern},
  {"a[", "ab", Want::bad_pattern},
  {"a[", "x", Want::bad_pattern},
  {"a/b[", "x", Want::bad_pattern},
  {"*x", "xxx", Want::yes},
};

// cmd/go/internal/str's HasPathPrefix, as its callers in cmd/go rely on it.
constexpr struct
{
  std::string_view s, prefix;
  bool want;
} k_has_path_prefix[] = {
  {"a/b", "a", true},
  {"a/b", "a/", true},
  {"a", "a", true},
  {"a", "", true},
  {"", "", true},
  {"ab", "a", false},
  {"a/bc", "a/b", false},
  {"a", "a/", false},
  {"b/a", "a", false},
  {"", "a", false},
  {"example.com/x/y", "example.com/x", true},
  {"example.com/xy", "example.com/x", false},
};

TEST_SUITE("gomod")
{
  TEST_CASE("path::clean")
  {
    for (const auto& tc : k_clean) {
      CAPTURE(tc.in);
      CHECK(path::clean(tc.in) == tc.out);
      // Clean is idempotent.
      CHECK(path::clean(tc.out) == tc.out);
    }
  }

  TEST_CASE("path::split")
  {
    for (const auto& tc : k_split) {
      CAPTURE(tc.in);
      const auto [d, f] = path::split(tc.in);
      CHECK(d == tc.dir);
      CHECK(f == tc.file);
    }
  }

  TEST_CASE("path::join")
  {
    for (const auto& tc : k_join) {
      CAPTURE(tc.elems.size());
      CHECK(path::join(tc.elems) == tc.out);
      if (tc.elems.size() == 2) {
        CHECK(path::join(tc.elems[0], tc.elems[1]) == tc.out);
      }
    }
  }

  TEST_CASE("path::ext")
  {
    for (const auto& tc : k_ext) {
      CAPTURE(tc.in);
      CHECK(path::ext(tc.in) == tc.out);
    }
  }

  TEST_CASE("path::base")
  {
    for (const auto& tc : k_base) {
      CAPTURE(tc.in);
      CHECK(path::base(tc.in) == tc.out);
    }
  }

  TEST_CASE("path::dir")
  {
    for (const auto& tc : k_dir) {
      CAPTURE(tc.in);
      CHECK(path::dir(tc.in) == tc.out);
    }
  }

  TEST_CASE("path::is_abs")
  {
    for (const auto& tc : k_is_abs) {
      CAPTURE(tc.in);
      CHECK(path::is_abs(tc.in) == tc.abs);
    }
  }

  TEST_CASE("path::match")
  {
    for (const auto& tc : k_match) {
      CAPTURE(tc.pattern);
      CAPTURE(tc.name);
      const auto got = path::match(tc.pattern, tc.name);
      if (tc.want == Want::bad_pattern) {
        REQUIRE_FALSE(got);
        CHECK(got.error().code == gpx::Error::Code::invalid);
        CHECK(got.error().message == "syntax error in pattern");
      } else {
        REQUIRE(got);
        CHECK(*got == (tc.want == Want::yes));
      }
    }
  }

  TEST_CASE("path::has_path_prefix")
  {
    for (const auto& tc : k_has_path_prefix) {
      CAPTURE(tc.s);
      CAPTURE(tc.prefix);
      CHECK(path::has_path_prefix(tc.s, tc.prefix) == tc.want);
    }
  }
}
