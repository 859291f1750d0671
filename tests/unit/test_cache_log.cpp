#include <cache/log.hpp>

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

using gpx::cache::log::Level;

TEST_SUITE("cache")
{
  TEST_CASE("log levels: parsing and filtering")
  {
    CHECK(gpx::cache::log::parse_level("debug").value() == Level::debug);
    CHECK(gpx::cache::log::parse_level("error").value() == Level::error);
    CHECK_FALSE(gpx::cache::log::parse_level("verbose"));
    gpx::cache::log::set_level(Level::warn);
    CHECK(gpx::cache::log::enabled(Level::error));
    CHECK(gpx::cache::log::enabled(Level::warn));
    CHECK_FALSE(gpx::cache::log::enabled(Level::info));
    gpx::cache::log::set_level(Level::info);
  }

  TEST_CASE(
    "a line is timestamped key=value; disabled levels are not even formatted")
  {
    // Capture stderr through a pipe.
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    int saved = dup(2);
    dup2(fds[1], 2);
    int formatted = 0;
    auto count = [&] {
      ++formatted;
      return 7;
    };
    gpx::cache::log::set_level(Level::info);
    GPX_LOG(info, "fetched module={} bytes={}", "rsc.io/quote", count());
    GPX_LOG(debug, "never {}", count());
    fflush(stderr);
    dup2(saved, 2);
    close(fds[1]);
    char buf[512] = {0};
    auto n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    std::string line(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    CHECK(formatted == 1);
    CHECK(line.find(" level=info fetched module=rsc.io/quote bytes=7\n")
          != std::string::npos);
    CHECK(line.find("never") == std::string::npos);
    CHECK(line.size() > 20);
    CHECK(line[4] == '-');
  }
}
