#include "gover.hpp"

#include <tuple>

namespace gpx::gomod::gover {

namespace {

struct Parsed
{
  bool ok = false;
  int major = 0;
  int minor = 0;
  int rank = 0;  // 0 language "1.21", 1 beta, 2 rc, 3 release "1.21.N"
  int number = 0; // beta/rc number, or the patch of a release
};

bool
digits(std::string_view& s, int& out)
{
  std::size_t n = 0;
  out = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9' && n < 9) {
    out = out * 10 + (s[n] - '0');
    ++n;
  }
  if (n == 0 || (n > 1 && s[0] == '0')) {
    return false;
  }
  s.remove_prefix(n);
  return true;
}

Parsed
parse(std::string_view v)
{
  Parsed p;
  if (!digits(v, p.major)) {
    return p;
  }
  if (v.empty()) {
    // "1": before every "1.N", "1.0" included.
    p.minor = -1;
    p.ok = true;
    return p;
  }
  if (v.front() != '.') {
    return p;
  }
  v.remove_prefix(1);
  if (!digits(v, p.minor)) {
    return p;
  }
  if (v.empty()) {
    p.ok = true;
    return p;
  }
  if (v.front() == '.') {
    v.remove_prefix(1);
    p.rank = 3;
  } else if (v.starts_with("rc")) {
    v.remove_prefix(2);
    p.rank = 2;
  } else if (v.starts_with("beta")) {
    v.remove_prefix(4);
    p.rank = 1;
  } else {
    return p;
  }
  p.ok = digits(v, p.number) && v.empty();
  return p;
}

} // namespace

int
compare(std::string_view a, std::string_view b)
{
  auto x = parse(a);
  auto y = parse(b);
  auto key = [](const Parsed& p) { return std::make_tuple(p.ok, p.major, p.minor, p.rank, p.number); };
  return key(x) < key(y) ? -1 : key(y) < key(x) ? 1 : 0;
}

std::string_view
from_toolchain(std::string_view name)
{
  if (!name.starts_with("go")) {
    return {};
  }
  name.remove_prefix(2);
  // A custom suffix ("-bigcorp", " X:boringcrypto") is not part of it.
  auto end = name.find_first_of("- ");
  return parse(name.substr(0, end)).ok ? name.substr(0, end) : std::string_view{};
}

} // namespace gpx::gomod::gover
