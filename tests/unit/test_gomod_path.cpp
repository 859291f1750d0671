#include <gomod/path.hpp>

#include <doctest/doctest.h>

#include <string_view>

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

TEST_SUITE("gomod")
{
  TEST_CASE("path::clean")
  {
    for (const auto& tc : k_clean) {
      CAPTURE(tc.in);
      CHECK(gpx::gomod::path::clean(tc.in) == tc.out);
      // Clean is idempotent.
      CHECK(gpx::gomod::path::clean(tc.out) == tc.out);
    }
  }
}
