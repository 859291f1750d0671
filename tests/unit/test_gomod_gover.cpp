#include <gomod/gover.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace gpx::gomod;

TEST_SUITE("gomod")
{
  TEST_CASE("go versions order as go/version orders them")
  {
    // Ascending, after go/version's own compareTests.
    const char* ordered[] = {"1", "1.0", "1.9", "1.16", "1.16.5", "1.17", "1.21", "1.21beta1", "1.21rc1", "1.21rc2",
                             "1.21.0", "1.21.1", "1.21.10", "1.22rc1", "1.22.0", "2.0"};
    for (std::size_t i = 0; i + 1 < std::size(ordered); ++i) {
      CAPTURE(std::string(ordered[i]));
      CAPTURE(std::string(ordered[i + 1]));
      CHECK(gover::compare(ordered[i], ordered[i + 1]) < 0);
      CHECK(gover::compare(ordered[i + 1], ordered[i]) > 0);
      CHECK(gover::compare(ordered[i], ordered[i]) == 0);
    }
    // Garbage sorts first.
    CHECK(gover::compare("v1.21", "1") < 0);
    CHECK(gover::compare("1.021", "1.0") < 0);
    CHECK(gover::compare("1.21.x", "1.21") < 0);
  }

  TEST_CASE("toolchain names")
  {
    CHECK(gover::from_toolchain("go1.21.3") == "1.21.3");
    CHECK(gover::from_toolchain("go1.22rc1-bigcorp") == "1.22rc1");
    CHECK(gover::from_toolchain("go1.26.8 X:boringcrypto") == "1.26.8");
    CHECK(gover::from_toolchain("default").empty());
    CHECK(gover::from_toolchain("gox").empty());
  }
}
