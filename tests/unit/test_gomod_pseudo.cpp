#include <gomod/pseudo.hpp>
#include <gomod/semver.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <string_view>

namespace gomod = gpx::gomod;
using namespace std::chrono;

namespace {

// 2006-01-02 15:04:05 UTC, the time in all of x/mod's pseudo-version tests.
const gomod::SysSeconds k_pseudo_time =
  sys_days{year{2006} / 1 / 2} + 15h + 4min + 5s;

// From golang.org/x/mod module/pseudo_test.go, pseudoTests: pseudo_version
// (major, older, k_pseudo_time, "hash") gives version, and
// pseudo_version_base(version) gives back older.
constexpr struct
{
  std::string_view major;
  std::string_view older;
  std::string_view version;
} k_pseudo[] = {
  {"", "", "v0.0.0-20060102150405-hash"},
  {"v0", "", "v0.0.0-20060102150405-hash"},
  {"v1", "", "v1.0.0-20060102150405-hash"},
  {"v2", "", "v2.0.0-20060102150405-hash"},
  {"unused", "v0.0.0", "v0.0.1-0.20060102150405-hash"},
  {"unused", "v1.2.3", "v1.2.4-0.20060102150405-hash"},
  {"unused",
   "v1.2.99999999999999999",
   "v1.2.100000000000000000-0.20060102150405-hash"},
  {"unused", "v1.2.3-pre", "v1.2.3-pre.0.20060102150405-hash"},
  {"unused", "v1.3.0-pre", "v1.3.0-pre.0.20060102150405-hash"},
  {"unused", "v0.0.0--", "v0.0.0--.0.20060102150405-hash"},
  {"unused", "v1.0.0+metadata", "v1.0.1-0.20060102150405-hash+metadata"},
  {"unused",
   "v2.0.0+incompatible",
   "v2.0.1-0.20060102150405-hash+incompatible"},
  {"unused",
   "v2.3.0-pre+incompatible",
   "v2.3.0-pre.0.20060102150405-hash+incompatible"},
};

// From golang.org/x/mod module/pseudo_test.go, TestInvalidPseudoVersionBase.
constexpr std::string_view k_invalid_base[] = {
  "v0.0.0",
  "v0.0.0-",                                 // empty prerelease
  "v0.0.0-0.20060102150405-hash",            // patch Z+1 would be 0
  "v0.1.0-0.20060102150405-hash",            // likewise
  "v1.0.0-0.20060102150405-hash",            // likewise
  "v0.0.0-20060102150405-hash+incompatible", // +incompatible without a base
  "v0.0.0-20060102150405-hash+metadata",     // other metadata without a base
};

// From golang.org/x/mod module/pseudo_test.go, TestIncDecimal. incDecimal is
// internal; here it shows as the patch of the pseudo-version after v1.2.<in>.
constexpr struct
{
  std::string_view in;
  std::string_view want;
} k_inc_decimal[] = {
  {"0", "1"},
  {"1", "2"},
  {"99", "100"},
  {"100", "101"},
  {"101", "102"},
};

// From golang.org/x/mod module/pseudo_test.go, TestDecDecimal, seen through
// pseudo_version_base of v1.2.<in>-0.…: an empty want means no base (error).
// Go's "" and "00" inputs cannot be spelled as a valid semver patch.
constexpr struct
{
  std::string_view in;
  std::string_view want;
} k_dec_decimal[] = {
  {"0", ""},
  {"1", "0"},
  {"2", "1"},
  {"99", "98"},
  {"100", "99"},
  {"101", "100"},
};

// An independent reading of x/mod's pseudoVersionRE,
//   ^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$
// reading left to right and trying every length of the optional group,
// where the code under test reasons from the last '-'. (<regex> is avoided:
// g++ 12 warns inside it under -O1 with sanitizers, and warnings are
// errors.)
bool
take_digits(std::string_view& s, size_t min, size_t max)
{
  size_t n = 0;
  while (n < s.size() && n < max && s[n] >= '0' && s[n] <= '9') {
    ++n;
  }
  if (n < min
      || (max != std::string_view::npos && n < s.size() && s[n] >= '0'
          && s[n] <= '9')) {
    return false;
  }
  s.remove_prefix(n);
  return true;
}

bool
take(std::string_view& s, std::string_view lit)
{
  if (!s.starts_with(lit)) {
    return false;
  }
  s.remove_prefix(lit.size());
  return true;
}

bool
is_ident(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
         || (c >= 'a' && c <= 'z') || c == '-';
}

// \d{14}-[A-Za-z0-9]+(\+ident(\.ident)*)?$
bool
reference_tail(std::string_view s)
{
  if (!take_digits(s, 14, 14) || !take(s, "-")) {
    return false;
  }
  size_t n = 0;
  while (n < s.size() && is_ident(s[n]) && s[n] != '-') {
    ++n;
  }
  if (n == 0) {
    return false;
  }
  s.remove_prefix(n);
  if (s.empty()) {
    return true;
  }
  if (!take(s, "+")) {
    return false;
  }
  for (;;) {
    n = 0;
    while (n < s.size() && is_ident(s[n])) {
      ++n;
    }
    if (n == 0) {
      return false;
    }
    s.remove_prefix(n);
    if (s.empty()) {
      return true;
    }
    if (!take(s, ".")) {
      return false;
    }
  }
}

bool
reference_pseudo_shape(std::string_view s)
{
  if (!take(s, "v") || !take_digits(s, 1, std::string_view::npos)
      || !take(s, ".")) {
    return false;
  }
  if (std::string_view a = s; take(a, "0.0-") && reference_tail(a)) {
    return true;
  }
  if (!take_digits(s, 1, std::string_view::npos) || !take(s, ".")
      || !take_digits(s, 1, std::string_view::npos) || !take(s, "-")) {
    return false;
  }
  for (size_t k = 0; k <= s.size(); ++k) {
    const std::string_view group = s.substr(0, k);
    if (k > 0
        && (group.back() != '.' || group.find('+') != std::string_view::npos)) {
      continue;
    }
    if (std::string_view rest = s.substr(k);
        take(rest, "0.") && reference_tail(rest)) {
      return true;
    }
  }
  return false;
}

std::string
message(const auto& r)
{
  return r ? "ok" : r.error().message;
}

} // namespace

TEST_SUITE("gpx::gomod")
{
  TEST_CASE("pseudo_version")
  {
    for (const auto& tc : k_pseudo) {
      CAPTURE(tc.major);
      CAPTURE(tc.older);
      CHECK(gomod::pseudo_version(tc.major, tc.older, k_pseudo_time, "hash")
            == tc.version);
    }
  }

  TEST_CASE("pseudo_version: patch increment")
  {
    for (const auto& tc : k_inc_decimal) {
      CAPTURE(tc.in);
      const std::string older = "v1.2." + std::string(tc.in);
      const std::string want =
        "v1.2." + std::string(tc.want) + "-0.20060102150405-hash";
      CHECK(gomod::pseudo_version("v1", older, k_pseudo_time, "hash") == want);
    }
  }

  TEST_CASE("pseudo_version: time is written in UTC, calendar edges")
  {
    const gomod::SysSeconds leap =
      sys_days{year{2024} / 2 / 29} + 23h + 59min + 59s;
    CHECK(gomod::pseudo_version("v1", "", leap, "abcdefabcdef")
          == "v1.0.0-20240229235959-abcdefabcdef");
    const gomod::SysSeconds before_epoch = sys_days{year{1969} / 12 / 31} + 1s;
    CHECK(gomod::pseudo_version("", "", before_epoch, "0123456789ab")
          == "v0.0.0-19691231000001-0123456789ab");
    // The revision is used as given, as Go does.
    CHECK(gomod::pseudo_version("", "", k_pseudo_time, "0123456789abcdef")
          == "v0.0.0-20060102150405-0123456789abcdef");
    // An invalid older tag counts as none.
    CHECK(gomod::pseudo_version("v3", "bad", k_pseudo_time, "hash")
          == "v3.0.0-20060102150405-hash");
  }

  TEST_CASE("is_pseudo_version")
  {
    for (const auto& tc : k_pseudo) {
      CAPTURE(tc.version);
      CHECK(gomod::is_pseudo_version(tc.version));
      CHECK_FALSE(gomod::is_pseudo_version(tc.older));
    }
    for (const std::string_view v :
         {"v1.2.4-0.2006010215040-abc",   // 13 digits
          "v1.2.4-0.200601021504051-abc", // 15 digits
          "v1.2.4-0.20060102150405-",     // no revision
          "v1.2.4-1.20060102150405-abc",  // not .0.
          "v1.2.4-10.20060102150405-abc",
          "v1.0.0-x-20060102150405-abc",
          "v1-20060102150405-abc",
          "v1.2.3-20060102150405-abc", // vX.0.0 form needs .0.0
          "v1.2.4-a.b.0.20060102150405-abc"}) {
      CAPTURE(v);
      CHECK(gomod::is_pseudo_version(v)
            == (v == "v1.2.4-a.b.0.20060102150405-abc"));
    }
  }

  TEST_CASE(
    "is_pseudo_version agrees with a direct reading of x/mod's regular "
    "expression")
  {
    // Each string is base + timestamp + "-" + rev + build, drawn from near
    // misses of each part, and sometimes has one more piece spliced in.
    constexpr std::string_view k_bases[] = {
      "v1.0.0-",
      "v1.2.3-",
      "v1.2.3-0.",
      "v1.2.3-pre.0.",
      "v0.0.0-",
      "v1.0.0-0.",
      "v1.2.3-a.0.",
      "v1.2-",
      "v01.0.0-",
      "v1.2.3-00.",
      "v1.2.3-a-0.",
      "v1.2.3-.0.",
      "v1.2.3-1.",
      "v10.0.0-",
      "v1.0.1-",
    };
    constexpr std::string_view k_times[] = {
      "20060102150405",
      "2006010215040",
      "200601021504051",
      "2006010215040a",
      "",
    };
    constexpr std::string_view k_revs[] = {
      "abc", "", "ab-c", "a_b", "0", "ABC123"};
    constexpr std::string_view k_builds[] = {
      "", "", "+incompatible", "+a.b", "+", "+a..b", "+a-b"};
    constexpr std::string_view k_noise[] = {
      "v", "0", ".", "-", "+", "a", "0.", "-0.", "99"};
    std::mt19937 rng(7); // fixed seed: a failure must reproduce
    auto pick = [&rng](const auto& list) {
      return std::string(list[std::uniform_int_distribution<size_t>(
        0, std::size(list) - 1)(rng)]);
    };
    int pseudo = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string v =
        pick(k_bases) + pick(k_times) + "-" + pick(k_revs) + pick(k_builds);
      if (rng() % 3 == 0) {
        v.insert(std::uniform_int_distribution<size_t>(0, v.size())(rng),
                 pick(k_noise));
      }
      const bool want = std::count(v.begin(), v.end(), '-') >= 2
                        && gomod::semver::is_valid(v)
                        && reference_pseudo_shape(v);
      pseudo += want ? 1 : 0;
      CAPTURE(v);
      REQUIRE(gomod::is_pseudo_version(v) == want);
    }
    CHECK(pseudo > 300); // the generator does reach the interesting cases
  }

  TEST_CASE("pseudo_version_time")
  {
    for (const auto& tc : k_pseudo) {
      CAPTURE(tc.version);
      const auto t = gomod::pseudo_version_time(tc.version);
      REQUIRE(t);
      CHECK(*t == k_pseudo_time);
      CHECK_FALSE(gomod::pseudo_version_time(tc.older));
    }
  }

  TEST_CASE("pseudo_version_time: invalid")
  {
    // From golang.org/x/mod module/pseudo_test.go,
    // TestInvalidPseudoVersionTime.
    CHECK(message(gomod::pseudo_version_time("---"))
          == R"(pseudo-version "---" invalid: syntax error)");

    // Right shape, impossible time: rejected as Go's time.Parse does.
    for (const std::string_view v : {"v1.0.0-20061302150405-abc",
                                     "v1.0.0-20060132150405-abc",
                                     "v1.0.0-20230229150405-abc",
                                     "v1.0.0-20060102240405-abc",
                                     "v1.0.0-20060102156005-abc",
                                     "v1.0.0-20060102150460-abc",
                                     "v1.0.0-20060002150405-abc",
                                     "v1.0.0-20060100150405-abc"}) {
      CAPTURE(v);
      CHECK(gomod::is_pseudo_version(v));
      CHECK_FALSE(gomod::pseudo_version_time(v));
    }
    CHECK(
      message(gomod::pseudo_version_time("v1.0.0-20061302150405-abc"))
      == R"(pseudo-version "v1.0.0-20061302150405-abc" invalid: malformed time "20061302150405")");

    const auto leap = gomod::pseudo_version_time("v1.0.0-20240229150405-abc");
    REQUIRE(leap);
    CHECK(*leap == sys_days{year{2024} / 2 / 29} + 15h + 4min + 5s);
    const auto first = gomod::pseudo_version_time("v1.0.0-00000102150405-abc");
    REQUIRE(first);
    CHECK(*first == sys_days{year{0} / 1 / 2} + 15h + 4min + 5s);
  }

  TEST_CASE("pseudo_version_rev")
  {
    for (const auto& tc : k_pseudo) {
      CAPTURE(tc.version);
      CHECK(gomod::pseudo_version_rev(tc.version).value_or("") == "hash");
      CHECK_FALSE(gomod::pseudo_version_rev(tc.older));
    }
    CHECK(gomod::pseudo_version_rev(
            "v2.0.1-0.20060102150405-abcdef123456+incompatible")
            .value_or("")
          == "abcdef123456");
  }

  TEST_CASE("pseudo_version_base")
  {
    for (const auto& tc : k_pseudo) {
      CAPTURE(tc.version);
      const auto base = gomod::pseudo_version_base(tc.version);
      REQUIRE(base);
      CHECK(*base == tc.older);
    }
    for (const auto& tc : k_dec_decimal) {
      CAPTURE(tc.in);
      const std::string v =
        "v1.2." + std::string(tc.in) + "-0.20060102150405-hash";
      const auto base = gomod::pseudo_version_base(v);
      if (tc.want.empty()) {
        CHECK_FALSE(base);
      } else {
        REQUIRE(base);
        CHECK(*base == "v1.2." + std::string(tc.want));
      }
    }
  }

  TEST_CASE("pseudo_version_base: invalid")
  {
    for (const std::string_view v : k_invalid_base) {
      CAPTURE(v);
      CHECK_FALSE(gomod::pseudo_version_base(v));
    }
    CHECK(message(gomod::pseudo_version_base("v0.0.0-"))
          == R"(pseudo-version "v0.0.0-" invalid: syntax error)");
    CHECK(
      message(gomod::pseudo_version_base("v1.0.0-0.20060102150405-hash"))
      == R"(pseudo-version "v1.0.0-0.20060102150405-hash" invalid: version before v1.0.0 would have negative patch number)");
    CHECK(
      message(
        gomod::pseudo_version_base("v0.0.0-20060102150405-hash+incompatible"))
      == R"(pseudo-version "v0.0.0-20060102150405-hash+incompatible" invalid: lacks base version, but has build metadata "+incompatible")");
  }

  TEST_CASE("zero_pseudo_version")
  {
    CHECK(gomod::zero_pseudo_version("")
          == "v0.0.0-00010101000000-000000000000");
    CHECK(gomod::zero_pseudo_version("v2")
          == "v2.0.0-00010101000000-000000000000");
    CHECK(gomod::is_zero_pseudo_version("v0.0.0-00010101000000-000000000000"));
    CHECK(gomod::is_zero_pseudo_version("v2.0.0-00010101000000-000000000000"));
    CHECK_FALSE(
      gomod::is_zero_pseudo_version("v2.0.0-00010101000000-000000000001"));
    CHECK_FALSE(gomod::is_zero_pseudo_version("v0.0.0-20060102150405-hash"));
    CHECK_FALSE(
      gomod::is_zero_pseudo_version("v0.0.0-00010101000000-000000000000+x"));
    CHECK_FALSE(gomod::is_zero_pseudo_version(""));
    const auto t = gomod::pseudo_version_time(gomod::zero_pseudo_version("v1"));
    REQUIRE(t);
    CHECK(*t == sys_days{year{1} / 1 / 1});
  }
}
