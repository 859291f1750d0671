#include "gover.hpp"

#include <string>
#include <tuple>

namespace gpx::gomod::gover {

namespace {

// internal/gover.Version: decimal strings, "" where absent; all empty when
// the text is not a Go version.
struct Parsed
{
  std::string_view major;
  std::string_view minor;
  std::string_view patch;
  std::string_view kind; // "", "alpha", "beta", "rc", or any lower-case word
  std::string_view pre;
};

// cutInt: a leading decimal without needless leading zeros.
bool
cut_int(std::string_view& x, std::string_view& n)
{
  std::size_t i = 0;
  while (i < x.size() && x[i] >= '0' && x[i] <= '9') {
    ++i;
  }
  if (i == 0 || (x[0] == '0' && i != 1)) {
    return false;
  }
  n = x.substr(0, i);
  x.remove_prefix(i);
  return true;
}

Parsed
parse(std::string_view x)
{
  Parsed v;
  if (!cut_int(x, v.major)) {
    return {};
  }
  if (x.empty()) {
    // "1" is 1.0.0.
    v.minor = "0";
    v.patch = "0";
    return v;
  }
  if (x.front() != '.') {
    return {};
  }
  x.remove_prefix(1);
  if (!cut_int(x, v.minor)) {
    return {};
  }
  if (x.empty()) {
    // Before 1.21 a missing patch meant .0; from 1.21 "1.21" is the
    // language, older than any of its releases.
    if (v.minor.size() < 2 || (v.minor.size() == 2 && v.minor < "21")) {
      v.patch = "0";
    }
    return v;
  }
  if (x.front() == '.') {
    x.remove_prefix(1);
    if (!cut_int(x, v.patch) || !x.empty()) {
      return {}; // no prereleases of patch releases
    }
    return v;
  }
  std::size_t i = 0;
  while (i < x.size() && (x[i] < '0' || x[i] > '9')) {
    if (x[i] < 'a' || x[i] > 'z') {
      return {};
    }
    ++i;
  }
  if (i == 0) {
    return {};
  }
  v.kind = x.substr(0, i);
  x.remove_prefix(i);
  if (x.empty()) {
    return v;
  }
  if (!cut_int(x, v.pre) || !x.empty()) {
    return {};
  }
  return v;
}

// CmpInt: decimals of any length.
int
cmp_int(std::string_view x, std::string_view y)
{
  if (x == y) {
    return 0;
  }
  if (x.size() != y.size()) {
    return x.size() < y.size() ? -1 : 1;
  }
  return x < y ? -1 : 1;
}

} // namespace

int
compare(std::string_view a, std::string_view b)
{
  auto x = parse(a);
  auto y = parse(b);
  if (int c = cmp_int(x.major, y.major); c != 0) {
    return c;
  }
  if (int c = cmp_int(x.minor, y.minor); c != 0) {
    return c;
  }
  if (int c = cmp_int(x.patch, y.patch); c != 0) {
    return c;
  }
  if (x.kind != y.kind) {
    return x.kind < y.kind ? -1 : 1; // "" < alpha < beta < rc
  }
  return cmp_int(x.pre, y.pre);
}

bool
is_valid(std::string_view v)
{
  return !parse(v).major.empty();
}

std::string
from_toolchain(std::string_view name)
{
  if (!name.starts_with("go")) {
    return {};
  }
  name.remove_prefix(2);
  // A custom suffix ("-bigcorp", " X:boringcrypto") is not part of it.
  auto end = name.find_first_of("-+ ");
  auto v = name.substr(0, end);
  return is_valid(v) ? std::string(v) : std::string();
}

} // namespace gpx::gomod::gover
