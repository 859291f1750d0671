#include "semver.hpp"

#include <gomod/strconv.hpp>

#include <algorithm>

namespace gpx::gomod::semver {

namespace {

// The pieces of a version, as views into the string that was parsed. short_
// is the text canonical() appends when minor or patch was omitted.
struct Parsed
{
  std::string_view major;
  std::string_view minor;
  std::string_view patch;
  std::string_view short_;
  std::string_view prerelease;
  std::string_view build;
};

bool
is_ident_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || strconv::is_ascii_digit(c) || c == '-';
}

// An all-digit identifier with a leading zero: semver forbids it in a
// prerelease because "01" and "1" would otherwise be two spellings of one
// number.
bool
is_bad_num(std::string_view v)
{
  const bool all_digits =
    std::all_of(v.begin(), v.end(), strconv::is_ascii_digit);
  return all_digits && v.size() > 1 && v[0] == '0';
}

bool
is_num(std::string_view v)
{
  return std::all_of(v.begin(), v.end(), strconv::is_ascii_digit);
}

// Takes a decimal number without a redundant leading zero off the front of
// v.
bool
take_int(std::string_view& v, std::string_view& out)
{
  if (v.empty() || !strconv::is_ascii_digit(v[0])) {
    return false;
  }
  size_t i = 1;
  while (i < v.size() && strconv::is_ascii_digit(v[i])) {
    ++i;
  }
  if (v[0] == '0' && i != 1) {
    return false;
  }
  out = v.substr(0, i);
  v.remove_prefix(i);
  return true;
}

// Takes "-ident(.ident)*" off the front of v, stopping at '+'.
bool
take_prerelease(std::string_view& v, std::string_view& out)
{
  if (v.empty() || v[0] != '-') {
    return false;
  }
  size_t i = 1;
  size_t start = 1;
  for (; i < v.size() && v[i] != '+'; ++i) {
    if (!is_ident_char(v[i]) && v[i] != '.') {
      return false;
    }
    if (v[i] == '.') {
      if (start == i || is_bad_num(v.substr(start, i - start))) {
        return false;
      }
      start = i + 1;
    }
  }
  if (start == i || is_bad_num(v.substr(start, i - start))) {
    return false;
  }
  out = v.substr(0, i);
  v.remove_prefix(i);
  return true;
}

// Takes "+ident(.ident)*" (leading zeros allowed) off the front of v.
bool
take_build(std::string_view& v, std::string_view& out)
{
  if (v.empty() || v[0] != '+') {
    return false;
  }
  size_t i = 1;
  size_t start = 1;
  for (; i < v.size(); ++i) {
    if (!is_ident_char(v[i]) && v[i] != '.') {
      return false;
    }
    if (v[i] == '.') {
      if (start == i) {
        return false;
      }
      start = i + 1;
    }
  }
  if (start == i) {
    return false;
  }
  out = v.substr(0, i);
  v.remove_prefix(i);
  return true;
}

bool
parse(std::string_view v, Parsed& p)
{
  if (v.empty() || v[0] != 'v') {
    return false;
  }
  v.remove_prefix(1);
  if (!take_int(v, p.major)) {
    return false;
  }
  if (v.empty()) {
    // "v1" and "v1.2" are shorthands; they may not carry a prerelease or
    // build suffix, so there is nothing more to read.
    p.minor = "0";
    p.patch = "0";
    p.short_ = ".0.0";
    return true;
  }
  if (v[0] != '.') {
    return false;
  }
  v.remove_prefix(1);
  if (!take_int(v, p.minor)) {
    return false;
  }
  if (v.empty()) {
    p.patch = "0";
    p.short_ = ".0";
    return true;
  }
  if (v[0] != '.') {
    return false;
  }
  v.remove_prefix(1);
  if (!take_int(v, p.patch)) {
    return false;
  }
  if (!v.empty() && v[0] == '-' && !take_prerelease(v, p.prerelease)) {
    return false;
  }
  if (!v.empty() && v[0] == '+' && !take_build(v, p.build)) {
    return false;
  }
  return v.empty();
}

// Numbers of any length: compare by length first, as they have no leading
// zeros.
int
compare_int(std::string_view x, std::string_view y)
{
  if (x == y) {
    return 0;
  }
  if (x.size() != y.size()) {
    return x.size() < y.size() ? -1 : +1;
  }
  return x < y ? -1 : +1;
}

std::string_view
next_ident(std::string_view& x)
{
  const size_t i = std::min(x.find('.'), x.size());
  const std::string_view ident = x.substr(0, i);
  x.remove_prefix(i);
  return ident;
}

// Semver 2.0.0 §11: a release sorts above its prereleases; identifiers are
// compared one by one, numbers numerically and below words; a longer list
// wins a tie.
int
compare_prerelease(std::string_view x, std::string_view y)
{
  if (x == y) {
    return 0;
  }
  if (x.empty()) {
    return +1;
  }
  if (y.empty()) {
    return -1;
  }
  while (!x.empty() && !y.empty()) {
    x.remove_prefix(1); // the '-' or '.' before each identifier
    y.remove_prefix(1);
    const std::string_view dx = next_ident(x);
    const std::string_view dy = next_ident(y);
    if (dx == dy) {
      continue;
    }
    const bool nx = is_num(dx);
    const bool ny = is_num(dy);
    if (nx != ny) {
      return nx ? -1 : +1;
    }
    if (nx && dx.size() != dy.size()) {
      return dx.size() < dy.size() ? -1 : +1;
    }
    return dx < dy ? -1 : +1;
  }
  return x.empty() ? -1 : +1;
}

} // namespace

bool
is_valid(std::string_view v)
{
  Parsed p;
  return parse(v, p);
}

std::string
canonical(std::string_view v)
{
  Parsed p;
  if (!parse(v, p)) {
    return {};
  }
  if (!p.build.empty()) {
    return std::string(v.substr(0, v.size() - p.build.size()));
  }
  return std::string(v) + std::string(p.short_);
}

std::string
major(std::string_view v)
{
  Parsed p;
  if (!parse(v, p)) {
    return {};
  }
  return std::string(v.substr(0, 1 + p.major.size()));
}

std::string
major_minor(std::string_view v)
{
  Parsed p;
  if (!parse(v, p)) {
    return {};
  }
  const size_t i = 1 + p.major.size();
  if (i < v.size() && v[i] == '.') {
    // v spells the minor itself: return its own prefix.
    return std::string(v.substr(0, i + 1 + p.minor.size()));
  }
  return std::string(v.substr(0, i)) + "." + std::string(p.minor);
}

std::string
prerelease(std::string_view v)
{
  Parsed p;
  if (!parse(v, p)) {
    return {};
  }
  return std::string(p.prerelease);
}

std::string
build(std::string_view v)
{
  Parsed p;
  if (!parse(v, p)) {
    return {};
  }
  return std::string(p.build);
}

int
compare(std::string_view v, std::string_view w)
{
  Parsed pv;
  Parsed pw;
  const bool ok_v = parse(v, pv);
  const bool ok_w = parse(w, pw);
  if (!ok_v || !ok_w) {
    return ok_v == ok_w ? 0 : (ok_v ? +1 : -1);
  }
  if (const int c = compare_int(pv.major, pw.major); c != 0) {
    return c;
  }
  if (const int c = compare_int(pv.minor, pw.minor); c != 0) {
    return c;
  }
  if (const int c = compare_int(pv.patch, pw.patch); c != 0) {
    return c;
  }
  return compare_prerelease(pv.prerelease, pw.prerelease);
}

std::string
max(std::string_view v, std::string_view w)
{
  std::string cv = canonical(v);
  std::string cw = canonical(w);
  return compare(cv, cw) > 0 ? cv : cw;
}

void
sort(std::vector<std::string>& list)
{
  // Falling back to byte order makes the result independent of the input
  // order for versions of equal precedence ("v1.0" and "v1.0.0").
  std::sort(
    list.begin(), list.end(), [](const std::string& a, const std::string& b) {
      const int c = compare(a, b);
      return c != 0 ? c < 0 : a < b;
    });
}

} // namespace gpx::gomod::semver
