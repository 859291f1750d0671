#include "pseudo.hpp"

#include <gomod/format.hpp>
#include <gomod/module.hpp>
#include <gomod/semver.hpp>
#include <gomod/strconv.hpp>

#include <algorithm>

namespace gpx::gomod {

namespace {

constexpr size_t k_timestamp_len = 14; // yyyymmddhhmmss

bool
all_digits(std::string_view s)
{
  return std::all_of(s.begin(), s.end(), strconv::is_ascii_digit);
}

bool
is_alnum(char c)
{
  return strconv::is_ascii_digit(c) || (c >= 'A' && c <= 'Z')
         || (c >= 'a' && c <= 'z');
}

// "v" followed by one or more digits and then `rest`.
bool
take_v_number(std::string_view& s)
{
  if (s.empty() || s[0] != 'v') {
    return false;
  }
  size_t i = 1;
  while (i < s.size() && strconv::is_ascii_digit(s[i])) {
    ++i;
  }
  if (i == 1) {
    return false;
  }
  s.remove_prefix(i);
  return true;
}

bool
take_number(std::string_view& s)
{
  size_t i = 0;
  while (i < s.size() && strconv::is_ascii_digit(s[i])) {
    ++i;
  }
  if (i == 0) {
    return false;
  }
  s.remove_prefix(i);
  return true;
}

bool
take_literal(std::string_view& s, std::string_view lit)
{
  if (!s.starts_with(lit)) {
    return false;
  }
  s.remove_prefix(lit.size());
  return true;
}

// The shape test of x/mod's pseudoVersionRE,
//   ^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+build)?$
// written out by hand. v is already valid semver, so the build suffix
// (which semver's grammar and the expression's agree on) can be set aside;
// then the revision is what follows the last '-', the timestamp the 14
// bytes before it, and everything in front must be one of the two base
// shapes.
bool
matches_pseudo_shape(std::string_view v)
{
  const size_t plus = v.find('+');
  if (plus != std::string_view::npos) {
    v = v.substr(0, plus);
  }
  const size_t dash = v.rfind('-');
  if (dash == std::string_view::npos || dash + 1 == v.size()) {
    return false;
  }
  const std::string_view rev = v.substr(dash + 1);
  if (!std::all_of(rev.begin(), rev.end(), is_alnum)) {
    return false;
  }
  if (dash < k_timestamp_len
      || !all_digits(v.substr(dash - k_timestamp_len, k_timestamp_len))) {
    return false;
  }
  const std::string_view base = v.substr(0, dash - k_timestamp_len);

  // vX.0.0-
  std::string_view s = base;
  if (take_v_number(s) && take_literal(s, ".0.0-") && s.empty()) {
    return true;
  }
  // vX.Y.Z-0.  or  vX.Y.Z-<anything>.0.
  s = base;
  if (!take_v_number(s) || !take_literal(s, ".") || !take_number(s)
      || !take_literal(s, ".") || !take_number(s) || !take_literal(s, "-")
      || !s.ends_with("0.")) {
    return false;
  }
  s.remove_suffix(2);
  return s.empty() || s.ends_with('.');
}

Error
invalid_pseudo(std::string_view v, std::string_view message)
{
  return Error::invalid(
    format("pseudo-version {} invalid: {}", strconv::quote(v), message));
}

struct PseudoParts
{
  std::string base;      // "vX.0.0", "vX.Y.(Z+1)-0" or "vX.Y.Z-pre.0"
  std::string timestamp; // yyyymmddhhmmss
  std::string rev;
  std::string build; // "" or "+incompatible" (or other metadata)
};

Result<PseudoParts>
parse_pseudo(std::string_view v)
{
  if (!is_pseudo_version(v)) {
    return invalid_pseudo(v, "syntax error");
  }
  PseudoParts p;
  p.build = semver::build(v);
  std::string_view rest = v.substr(0, v.size() - p.build.size());
  const size_t j = rest.rfind('-');
  p.rev = rest.substr(j + 1);
  rest = rest.substr(0, j);
  // The timestamp follows a '.' in the forms with a base tag and the '-' in
  // the vX.0.0 form; whichever comes last.
  const size_t dash = rest.rfind('-');
  const size_t dot = rest.rfind('.');
  const size_t sep = (dot != std::string_view::npos && dot > dash) ? dot : dash;
  p.base = rest.substr(0, sep);
  p.timestamp = rest.substr(sep + 1);
  return p;
}

// Adds one to a decimal string of any length: patch numbers are not bounded
// by any integer type ("v1.2.99999999999999999").
std::string
inc_decimal(std::string digits)
{
  size_t i = digits.size();
  while (i > 0 && digits[i - 1] == '9') {
    digits[--i] = '0';
  }
  if (i > 0) {
    ++digits[i - 1];
  } else {
    digits.insert(digits.begin(), '1');
  }
  return digits;
}

// Subtracts one from a decimal string; "" when it is zero (or empty).
std::string
dec_decimal(std::string digits)
{
  size_t i = digits.size();
  while (i > 0 && digits[i - 1] == '0') {
    digits[--i] = '9';
  }
  if (i == 0) {
    return {};
  }
  if (i == 1 && digits[0] == '1' && digits.size() > 1) {
    digits.erase(0, 1);
  } else {
    --digits[i - 1];
  }
  return digits;
}

std::string
format_timestamp(SysSeconds t)
{
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  return format("{:04}{:02}{:02}{:02}{:02}{:02}",
                static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),
                hms.hours().count(),
                hms.minutes().count(),
                hms.seconds().count());
}

} // namespace

std::string
pseudo_version(std::string_view major,
               std::string_view older,
               SysSeconds t,
               std::string_view rev)
{
  const std::string segment = format_timestamp(t) + "-" + std::string(rev);
  const std::string build = semver::build(older);
  const std::string base = semver::canonical(older);
  if (base.empty()) {
    // No tag on this major yet: sort below every version it could have.
    return (major.empty() ? std::string("v0") : std::string(major)) + ".0.0-"
           + segment;
  }
  if (!semver::prerelease(base).empty()) {
    // After vX.Y.Z-pre: a prerelease that sorts just above it.
    return base + ".0." + segment + build;
  }
  // After vX.Y.Z: a prerelease of vX.Y.(Z+1). The "-0." keeps it below
  // any prerelease the author might tag later (-1, -rc1, -alpha).
  const size_t i = base.rfind('.') + 1;
  return base.substr(0, i) + inc_decimal(base.substr(i)) + "-0." + segment
         + build;
}

std::string
zero_pseudo_version(std::string_view major)
{
  // Go's zero time.Time: 0001-01-01 00:00:00 UTC.
  const SysSeconds zero{std::chrono::sys_days{std::chrono::year{1} / 1 / 1}};
  return pseudo_version(major, "", zero, "000000000000");
}

bool
is_pseudo_version(std::string_view v)
{
  return std::count(v.begin(), v.end(), '-') >= 2 && semver::is_valid(v)
         && matches_pseudo_shape(v);
}

bool
is_zero_pseudo_version(std::string_view v)
{
  return v == zero_pseudo_version(semver::major(v));
}

Result<SysSeconds>
pseudo_version_time(std::string_view v)
{
  auto parts = parse_pseudo(v);
  if (!parts) {
    return parts.error();
  }
  const std::string& ts = parts->timestamp;
  auto num = [&ts](size_t pos, size_t len) {
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      n = n * 10 + (ts[i] - '0');
    }
    return n;
  };
  // Go's time.Parse range checks: a real calendar date (leap years
  // included) and a time of day without leap seconds.
  using namespace std::chrono;
  const year_month_day ymd{year{num(0, 4)},
                           month{static_cast<unsigned>(num(4, 2))},
                           day{static_cast<unsigned>(num(6, 2))}};
  const int hour = num(8, 2);
  const int minute = num(10, 2);
  const int second = num(12, 2);
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) {
    return invalid_pseudo(v, format("malformed time {}", strconv::quote(ts)));
  }
  return SysSeconds{sys_days{ymd}} + hours{hour} + minutes{minute}
         + seconds{second};
}

Result<std::string>
pseudo_version_rev(std::string_view v)
{
  auto parts = parse_pseudo(v);
  if (!parts) {
    return parts.error();
  }
  return std::move(parts->rev);
}

Result<std::string>
pseudo_version_base(std::string_view v)
{
  auto parsed = parse_pseudo(v);
  if (!parsed) {
    return parsed.error();
  }
  PseudoParts& p = *parsed;
  const std::string pre = semver::prerelease(p.base);
  if (pre.empty()) {
    // vX.0.0-…: no base tag. "+incompatible" would claim a v2+ base that
    // lacked a go.mod, which contradicts having no base at all.
    if (!p.build.empty()) {
      return invalid_pseudo(
        v,
        format("lacks base version, but has build metadata {}",
               strconv::quote(p.build)));
    }
    return std::string();
  }
  if (pre == "-0") {
    // vX.Y.(Z+1)-0.… → vX.Y.Z
    std::string base = p.base.substr(0, p.base.size() - pre.size());
    const size_t i = base.rfind('.');
    const std::string patch = dec_decimal(base.substr(i + 1));
    if (patch.empty()) {
      // vX.Y.0-0.… has been seen in the wild but no tool writes it; it
      // names no base, so it is rejected rather than guessed at.
      return invalid_pseudo(
        v, format("version before {} would have negative patch number", base));
    }
    return base.substr(0, i + 1) + patch + p.build;
  }
  // vX.Y.Z-pre.0.… → vX.Y.Z-pre
  return p.base.substr(0, p.base.size() - 2) + p.build;
}

} // namespace gpx::gomod
