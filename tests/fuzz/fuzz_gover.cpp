// Go versions (gover): no crash, and compare is a total preorder: x = x,
// antisymmetric, transitive over three inputs; from_toolchain yields a
// valid version or nothing.

#include "fuzz_input.hpp"

#include <gomod/gover.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace gv = gpx::gomod::gover;
  // Three versions from one input, one a line.
  auto v = gpx::fuzz::lines(gpx::fuzz::text(data, size), 3, 3);
  for (const auto& x : v) {
    if (gv::compare(x, x) != 0) {
      std::abort();
    }
    auto t = gv::from_toolchain("go" + x);
    if (!t.empty() && !gv::is_valid(t)) {
      std::abort();
    }
  }
  auto ab = gv::compare(v[0], v[1]);
  if (ab != -gv::compare(v[1], v[0])) {
    std::abort();
  }
  auto bc = gv::compare(v[1], v[2]);
  auto ac = gv::compare(v[0], v[2]);
  if (ab <= 0 && bc <= 0 && ac > 0) {
    std::abort();
  }
  return 0;
}
