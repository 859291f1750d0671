#include <cache/clock.hpp>

#include <doctest/doctest.h>

#include <ctime>

TEST_SUITE("cache")
{
  TEST_CASE("unix_now is time(2)'s seconds")
  {
    const std::int64_t before = static_cast<std::int64_t>(std::time(nullptr));
    const std::int64_t now = gpx::cache::unix_now();
    const std::int64_t after = static_cast<std::int64_t>(std::time(nullptr));
    CHECK(before <= now);
    CHECK(now <= after);
  }
}
