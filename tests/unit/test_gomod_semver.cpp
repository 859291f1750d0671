#include <gomod/semver.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace semver = gpx::gomod::semver;

namespace {

// From golang.org/x/mod semver/semver_test.go, `tests`. The valid versions
// are listed in increasing precedence; out is the canonical form, "" for an
// invalid version. The other checks derive their expectations from this
// table the way semver_test.go does.
constexpr struct
{
  std::string_view in;
  std::string_view out;
} k_versions[] = {
  {"bad", ""},
  {"v1-alpha.beta.gamma", ""},
  {"v1-pre", ""},
  {"v1+meta", ""},
  {"v1-pre+meta", ""},
  {"v1.2-pre", ""},
  {"v1.2+meta", ""},
  {"v1.2-pre+meta", ""},
  {"v1.0.0-alpha", "v1.0.0-alpha"},
  {"v1.0.0-alpha.1", "v1.0.0-alpha.1"},
  {"v1.0.0-alpha.beta", "v1.0.0-alpha.beta"},
  {"v1.0.0-beta", "v1.0.0-beta"},
  {"v1.0.0-beta.2", "v1.0.0-beta.2"},
  {"v1.0.0-beta.11", "v1.0.0-beta.11"},
  {"v1.0.0-rc.1", "v1.0.0-rc.1"},
  {"v1", "v1.0.0"},
  {"v1.0", "v1.0.0"},
  {"v1.0.0", "v1.0.0"},
  {"v1.2", "v1.2.0"},
  {"v1.2.0", "v1.2.0"},
  {"v1.2.3-456", "v1.2.3-456"},
  {"v1.2.3-456.789", "v1.2.3-456.789"},
  {"v1.2.3-456-789", "v1.2.3-456-789"},
  {"v1.2.3-456a", "v1.2.3-456a"},
  {"v1.2.3-pre", "v1.2.3-pre"},
  {"v1.2.3-pre+meta", "v1.2.3-pre"},
  {"v1.2.3-pre.1", "v1.2.3-pre.1"},
  {"v1.2.3-zzz", "v1.2.3-zzz"},
  {"v1.2.3", "v1.2.3"},
  {"v1.2.3+meta", "v1.2.3"},
  {"v1.2.3+meta-pre", "v1.2.3"},
  {"v1.2.3+meta-pre.sha.256a", "v1.2.3"},
};

std::string
before_first(std::string_view s, char c)
{
  return std::string(s.substr(0, s.find(c)));
}

} // namespace

TEST_SUITE("gpx::gomod::semver")
{
  TEST_CASE("is_valid")
  {
    for (const auto& tc : k_versions) {
      CAPTURE(tc.in);
      CHECK(semver::is_valid(tc.in) == !tc.out.empty());
    }
  }

  TEST_CASE("canonical")
  {
    for (const auto& tc : k_versions) {
      CAPTURE(tc.in);
      CHECK(semver::canonical(tc.in) == tc.out);
    }
  }

  TEST_CASE("major")
  {
    for (const auto& tc : k_versions) {
      CAPTURE(tc.in);
      const std::string want = tc.out.find('.') == std::string_view::npos
                                 ? ""
                                 : before_first(tc.out, '.');
      CHECK(semver::major(tc.in) == want);
    }
    CHECK(semver::major("v2.1.0") == "v2");
    CHECK(semver::major("v10") == "v10");
  }

  TEST_CASE("major_minor")
  {
    for (const auto& tc : k_versions) {
      CAPTURE(tc.in);
      std::string want;
      if (!tc.out.empty()) {
        want = before_first(before_first(tc.in, '+'), '-');
        switch (std::count(want.begin(), want.end(), '.')) {
        case 0:
          want += ".0";
          break;
        case 2:
          want = want.substr(0, want.rfind('.'));
          break;
        default:
          break;
        }
      }
      CHECK(semver::major_minor(tc.in) == want);
    }
  }

  TEST_CASE("prerelease")
  {
    for (const auto& tc : k_versions) {
      CAPTURE(tc.in);
      const size_t dash = tc.out.find('-');
      const std::string want =
        dash == std::string_view::npos ? "" : std::string(tc.out.substr(dash));
      CHECK(semver::prerelease(tc.in) == want);
    }
    CHECK(semver::prerelease("v2.1.0-pre+meta") == "-pre");
  }

  TEST_CASE("build")
  {
    for (const auto& tc : k_versions) {
      CAPTURE(tc.in);
      const size_t plus = tc.in.find('+');
      const std::string want = tc.out.empty() || plus == std::string_view::npos
                                 ? ""
                                 : std::string(tc.in.substr(plus));
      CHECK(semver::build(tc.in) == want);
    }
  }

  TEST_CASE("compare")
  {
    const size_t n = std::size(k_versions);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        const auto& ti = k_versions[i];
        const auto& tj = k_versions[j];
        CAPTURE(ti.in);
        CAPTURE(tj.in);
        const int want = ti.out == tj.out ? 0 : (i < j ? -1 : +1);
        CHECK(semver::compare(ti.in, tj.in) == want);
      }
    }
  }

  TEST_CASE("compare: numbers of any length")
  {
    CHECK(
      semver::compare("v1.2.99999999999999999999", "v1.2.100000000000000000000")
      == -1);
    CHECK(semver::compare("v1.0.0-2", "v1.0.0-10") == -1);
    CHECK(semver::compare("v1.0.0-a", "v1.0.0-10") == +1);
    CHECK(semver::compare("v1.0.0+a", "v1.0.0+b") == 0);
  }

  TEST_CASE("max")
  {
    const size_t n = std::size(k_versions);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        const auto& ti = k_versions[i];
        const auto& tj = k_versions[j];
        CAPTURE(ti.in);
        CAPTURE(tj.in);
        const std::string want = semver::canonical(i < j ? tj.in : ti.in);
        CHECK(semver::max(ti.in, tj.in) == want);
      }
    }
  }

  TEST_CASE("sort")
  {
    std::vector<std::string> want;
    for (const auto& tc : k_versions) {
      want.emplace_back(tc.in);
    }
    auto by_version = [](const std::string& a, const std::string& b) {
      const int c = semver::compare(a, b);
      return c != 0 ? c < 0 : a < b;
    };
    std::sort(want.begin(), want.end(), by_version);

    std::mt19937 rng(20240229); // fixed seed: a failure must reproduce
    for (int round = 0; round < 20; ++round) {
      std::vector<std::string> list = want;
      std::shuffle(list.begin(), list.end(), rng);
      semver::sort(list);
      CHECK(std::is_sorted(list.begin(), list.end(), by_version));
      CHECK(list == want);
    }

    // Equal precedence falls back to byte order; invalid versions first.
    std::vector<std::string> list = {
      "v1.0.0", "v1.0", "bad", "v1", "v0.9", "abc"};
    semver::sort(list);
    CHECK(list
          == std::vector<std::string>{
            "abc", "bad", "v0.9", "v1", "v1.0", "v1.0.0"});
  }

  TEST_CASE("invalid shapes")
  {
    for (const std::string_view v : {"",
                                     "v",
                                     "1.2.3",
                                     "v01.2.3",
                                     "v1.02.3",
                                     "v1.2.03",
                                     "v1.2.3-",
                                     "v1.2.3-01",
                                     "v1.2.3-a..b",
                                     "v1.2.3-a.",
                                     "v1.2.3+",
                                     "v1.2.3+a..b",
                                     "v1.2.3+a_b",
                                     "v1.2.3.4",
                                     "V1.2.3",
                                     "v1.2.3 "}) {
      CAPTURE(v);
      CHECK_FALSE(semver::is_valid(v));
      CHECK(semver::canonical(v).empty());
    }
    CHECK(semver::is_valid("v1.2.3-0"));
    CHECK(semver::is_valid("v1.2.3-0a"));
    CHECK(semver::is_valid("v1.2.3+001"));
  }
}
