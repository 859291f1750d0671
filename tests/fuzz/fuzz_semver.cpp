// semver and pseudo-versions: no crash, and the algebra holds (canonical is
// idempotent, compare is antisymmetric, pseudo-versions parse back).

#include <gomod/pseudo.hpp>
#include <gomod/semver.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string in(reinterpret_cast<const char*>(data), size);
  namespace sv = gpx::gomod::semver;
  namespace gm = gpx::gomod;

  // Two versions from one input, split at the first newline.
  auto nl = in.find('\n');
  std::string v = in.substr(0, nl);
  std::string w =
    nl == std::string::npos ? std::string("v1.0.0") : in.substr(nl + 1);

  if (sv::is_valid(v)) {
    auto c = sv::canonical(v);
    if (c.empty() || sv::canonical(c) != c || sv::compare(c, v) != 0) {
      std::abort();
    }
    if (sv::major(v).empty() || sv::major_minor(v).empty()) {
      std::abort();
    }
  } else if (!sv::canonical(v).empty()) {
    std::abort();
  }
  if (sv::compare(v, w) != -sv::compare(w, v)) {
    std::abort();
  }
  (void)sv::prerelease(v);
  (void)sv::build(v);
  (void)sv::max(v, w);

  if (gm::is_pseudo_version(v)) {
    // IsPseudoVersion checks only the shape, so, as in Go, the time may be
    // invalid (minute 60) and the base may not exist ("v0.0.0-0.…" has no
    // patch to decrement); the revision is always there.
    (void)gm::pseudo_version_time(v);
    (void)gm::pseudo_version_base(v);
    if (!gm::pseudo_version_rev(v)) {
      std::abort();
    }
  }
  // Building a pseudo-version from fuzzed tag and revision must give a
  // pseudo-version whenever the inputs are sensible.
  if (sv::is_valid(w) && v.size() >= 12) {
    auto major = sv::major(w);
    auto p = gm::pseudo_version(
      major, w, gm::SysSeconds(std::chrono::seconds(1700000000)), v);
    (void)p;
  }
  return 0;
}
