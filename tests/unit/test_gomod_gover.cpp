#include <gomod/gover.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace gpx::gomod;

TEST_SUITE("gomod")
{
  // internal/gover's compareTests, and a few of our own.
  TEST_CASE("go versions compare as internal/gover compares them")
  {
    struct Case
    {
      const char* x;
      const char* y;
      int want;
    };
    const Case cases[] = {
      {"", "", 0},
      {"x", "x", 0},
      {"", "x", 0},
      {"1", "1.1", -1},
      {"1.5", "1.6", -1},
      {"1.5", "1.10", -1},
      {"1.6", "1.6.1", -1},
      {"1.19", "1.19.0", 0},
      {"1.19rc1", "1.19", -1},
      {"1.20", "1.20.0", 0},
      {"1.20rc1", "1.20", -1},
      {"1.21", "1.21.0", -1},
      {"1.21", "1.21rc1", -1},
      {"1.21rc1", "1.21.0", -1},
      {"1.6", "1.19", -1},
      {"1.19", "1.19.1", -1},
      {"1.19rc1", "1.19", -1},
      {"1.19rc1", "1.19.1", -1},
      {"1.19rc1", "1.19rc2", -1},
      {"1.19.0", "1.19.1", -1},
      {"1.19rc1", "1.19.0", -1},
      {"1.19alpha3", "1.19beta2", -1},
      {"1.19beta2", "1.19rc1", -1},
      {"1.1", "1.99999999999999998", -1},
      {"1.99999999999999998", "1.99999999999999999", -1},
      // Ours: the go command's fake toolchain, and the pruning threshold.
      {"1.26.8", "1.999testmod", -1},
      {"1.16", "1.17", -1},
      {"1", "1.0", 0},
      {"v1.21", "1", -1},
      {"1.21.3rc1", "1", -1},
    };
    for (const auto& c : cases) {
      CAPTURE(std::string(c.x));
      CAPTURE(std::string(c.y));
      CHECK(gover::compare(c.x, c.y) == c.want);
      CHECK(gover::compare(c.y, c.x) == -c.want);
    }
  }

  TEST_CASE("toolchain names")
  {
    CHECK(gover::from_toolchain("go1.21.3") == "1.21.3");
    CHECK(gover::from_toolchain("go1.22rc1-bigcorp") == "1.22rc1");
    CHECK(gover::from_toolchain("go1.26.8 X:boringcrypto") == "1.26.8");
    CHECK(gover::from_toolchain("go1.999testmod") == "1.999testmod");
    CHECK(gover::from_toolchain("default").empty());
    CHECK(gover::from_toolchain("gox").empty());
  }
}
